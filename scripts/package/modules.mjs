// The production node_modules of a staged tree: npm installs exactly the locked versions of the runtime
// dependencies (no scripts: nothing is compiled for the build host), then native parts are made right for
// the target: pcsclite cross-built against the target Node's headers, serialport left with its own
// prebuilds for the target only.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildAddon, assertElf } from './addon-build.mjs';

export function installModules(stage) {
  const r = spawnSync('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: stage, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm install --omit=dev in the staged tree failed');
}

/** Cross-builds pcsclite in place and strips its build tree to the one .node it loads. */
export function buildPcsclite(stage, target, nodeDir) {
  const dir = join(stage, 'node_modules', 'pcsclite');
  if (!existsSync(dir)) throw new Error('pcsclite is not in the staged node_modules');
  const out = buildAddon({ dir, name: 'pcsclite', target, nodeDir });
  pruneBuildTree(join(dir, 'build'), out);
  return out;
}

/** serialport's bindings: only the target's glibc prebuild stays (node-gyp-build picks it at run time). */
export function keepSerialportPrebuild(stage, target) {
  const prebuilds = join(stage, 'node_modules', '@serialport', 'bindings-cpp', 'prebuilds');
  for (const d of readdirSync(prebuilds)) if (d !== target.serialportPrebuild) rmSync(join(prebuilds, d), { recursive: true });
  const kept = join(prebuilds, target.serialportPrebuild);
  const files = readdirSync(kept).filter((f) => f.endsWith('.node'));
  for (const f of files) if (f.includes('.musl.')) rmSync(join(kept, f));
  const glibc = files.filter((f) => !f.includes('.musl.'));
  if (glibc.length === 0) throw new Error(`serialport has no glibc prebuild for ${target.serialportPrebuild}`);
  for (const f of glibc) assertElf(join(kept, f), target);
}

/** Removes everything under `buildDir` but `keep` (object files, makefiles, dependency lists). */
export function pruneBuildTree(buildDir, keep) {
  const release = join(buildDir, 'Release');
  for (const d of readdirSync(buildDir)) if (d !== 'Release') rmSync(join(buildDir, d), { recursive: true, force: true });
  for (const f of readdirSync(release)) if (join(release, f) !== keep) rmSync(join(release, f), { recursive: true, force: true });
}
