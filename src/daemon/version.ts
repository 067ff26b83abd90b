// bcastd's version, from the package.json beside the installed code (for the `info` topic and bug reports).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageVersion(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'bcastd') return pkg.version ?? null;
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}
