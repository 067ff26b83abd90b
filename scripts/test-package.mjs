#!/usr/bin/env node
// npm run test:package: build the x64, arm64 and armv7 tarballs (npm run package), then run test/package/ —
// the arm64 tarball's whole sim board flow under qemu-user-static, armv7's addons under qemu-arm-static, the
// packaging README's install steps. Not part of `npm test`: the builds and qemu take minutes. The sim board's
// loopback ports are machine-wide, so the tests hold the same lock as test/serial/ (flock).
// `--no-build` tests the tarballs already in build/package/.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);
const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit' }).status ?? 1;

if (!process.argv.includes('--no-build')) {
  for (const arch of ['x64', 'arm64', 'armv7']) if (run(process.execPath, ['scripts/package.mjs', '--arch', arch]) !== 0) process.exit(1);
}
if (run('npx', ['tsc', '-p', 'tsconfig.json']) !== 0) process.exit(1);
const files = ['install-steps', 'armv7-x64', 'arm64'].map((f) => `dist/test/package/${f}.test.js`);
process.exit(run('flock', ['/tmp/bcastd-serial.lock', process.execPath, '--test', '--test-concurrency=1', ...files]));
