// Paths every test needs: the repo root (nearest ancestor holding package.json) and the compiled CLIs.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

export const repoRoot = findRoot(dirname(fileURLToPath(import.meta.url)));
export const vectorsDir = join(repoRoot, 'test', 'vectors');
export const bcastctlBin = join(repoRoot, 'dist', 'src', 'cli', 'bcastctl.js');
/** The bcastd launcher (bin/bcastd: node with the V8 settings bcastd runs with); spawn it with BCASTD_NODE. */
export const bcastdBin = join(repoRoot, 'bin', 'bcastd');

/** A file of test/vectors/ (the shared vectors, copied into the repo) as text. */
export function readVector(name: string): string {
  return readFileSync(join(vectorsDir, name), 'utf8');
}
