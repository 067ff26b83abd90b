// The package tests' view of a built tarball (npm run package -- --arch <arch>): unpacked into a temp dir as a
// board would have it, with the Node it was built for (from build/node-cache/, fetched by the package build)
// run natively or under qemu-user-static through a one-line wrapper (bin/bcastd execs $BCASTD_NODE).
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { repoRoot } from '../helpers/repo.js';

export type Arch = 'x64' | 'arm64' | 'armv7';
const QEMU: Record<Arch, string | null> = { x64: null, arm64: 'qemu-aarch64-static', armv7: 'qemu-arm-static' };

export interface BuildInfo {
  version: string;
  arch: Arch;
  nodePackage: string;
  node: string;
  nodeModuleVersion: number;
}

export interface Unpacked {
  /** The tarball's bcastd/ directory (what /usr/lib/bcastd holds on a board). */
  root: string;
  info: BuildInfo;
  /** What BCASTD_NODE must be: the target's node, or a wrapper running it under qemu. */
  node: string;
  /** Runs the tarball's bin/<name> with `args` under the target's node. */
  run(name: 'bcastd' | 'bcastctl', args: string[], timeoutMs?: number): SpawnSyncReturns<string>;
  /** Runs `node -e <code>` under the target's node with the tarball as working directory. */
  evaluate(code: string, timeoutMs?: number): SpawnSyncReturns<string>;
}

export const packageDir = join(repoRoot, 'build', 'package');

/** The tarball of `arch`, or a failure saying how to build it. */
export function tarballOf(arch: Arch): string {
  const name = existsSync(packageDir) ? readdirSync(packageDir).find((f) => f.endsWith(`-linux-${arch}.tar.gz`)) : undefined;
  if (!name) throw new Error(`no ${arch} tarball in ${packageDir}: run npm run package -- --arch ${arch}`);
  return join(packageDir, name);
}

export function unpack(t: TestContext, arch: Arch): Unpacked {
  const dir = mkdtempSync(join(tmpdir(), `bcastd-pkg-${arch}-`));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync('tar', ['-xzf', tarballOf(arch), '-C', dir]);
  const root = join(dir, 'bcastd');
  const info = JSON.parse(readFileSync(join(root, 'build-info.json'), 'utf8')) as BuildInfo;
  const nodeBin = join(repoRoot, 'build', 'node-cache', `${info.nodePackage}-${info.node}`, 'bin', 'node');
  if (!existsSync(nodeBin)) throw new Error(`${nodeBin} missing: the package build fetches it`);
  const qemu = QEMU[arch];
  let node = nodeBin;
  if (qemu) {
    node = join(dir, `node-${arch}`);
    writeFileSync(node, `#!/bin/sh\nexec ${qemu} ${nodeBin} "$@"\n`);
    chmodSync(node, 0o755);
  }
  const env: NodeJS.ProcessEnv = { ...process.env, BCASTD_NODE: node };
  delete env['NODE_TEST_CONTEXT'];
  return {
    root,
    info,
    node,
    run: (name, args, timeoutMs = 120_000) => spawnSync(join(root, 'bin', name), args, { encoding: 'utf8', env, timeout: timeoutMs }),
    evaluate: (code, timeoutMs = 120_000) => spawnSync(node, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8', env, timeout: timeoutMs }),
  };
}

/** Source that loads every native addon of the tree and prints what each exports (run with evaluate). */
export const LOAD_ADDONS = `
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
const require = createRequire(process.cwd() + '/package.json');
const serial = dirname(require.resolve('@serialport/bindings-cpp/package.json'));
const out = {
  arch: process.arch,
  node: process.version,
  bcastdNative: Object.keys(require('./native/build/Release/bcastd_native.node')).sort(),
  pcsclite: typeof require('pcsclite'),
  serialport: Object.keys(require('node-gyp-build')(serial)).sort(),
};
console.log(JSON.stringify(out));
`;
