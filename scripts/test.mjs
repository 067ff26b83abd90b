#!/usr/bin/env node
// The README's test command (`npm test`): make sure the Debian packages the tests use are present
// (install them when root, otherwise name them and fail), build, then run every compiled test file
// with Node's test runner. Files under test/serial/ share one machine-wide resource (pcscd) and run
// one at a time; the rest run in parallel. A run that finds no test file fails. test/package/ needs built
// tarballs and qemu: `npm run test:package` runs it.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SYSTEM_DEPS } from './system-deps.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);

function present(dep) {
  if (dep.file) return existsSync(dep.file);
  return spawnSync('sh', ['-c', `command -v ${dep.command}`], { stdio: 'ignore' }).status === 0;
}

function ensureSystemDeps() {
  const missing = SYSTEM_DEPS.filter((d) => !present(d));
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((d) => d.pkg))];
  if (process.getuid?.() === 0) {
    console.log(`installing Debian packages the tests need: ${pkgs.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const upd = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const inst = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env });
    if (upd.status === 0 && inst.status === 0 && SYSTEM_DEPS.every((d) => present(d))) return;
    console.error(`could not install: ${pkgs.join(' ')}`);
    process.exit(1);
  }
  console.error(`the tests need these Debian packages: ${pkgs.join(' ')}`);
  for (const d of missing) console.error(`  ${d.pkg} (for ${d.command ?? d.file}: ${d.why})`);
  console.error(`install them with: sudo apt-get install -y --no-install-recommends ${pkgs.join(' ')}`);
  process.exit(1);
}

function findTests(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  return r.status ?? 1;
}

// pcsclite is an optional dependency: when npm ci ran before libpcsclite-dev was installed, its binding was
// skipped. Build it now so the PC/SC tests use the real binding.
function ensurePcscBinding() {
  const probe = spawnSync(process.execPath, ['-e', "require('pcsclite')"], { stdio: 'ignore' });
  if (probe.status === 0) return;
  const spec = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).optionalDependencies?.pcsclite;
  console.log('building the optional pcsclite binding against libpcsclite-dev');
  const args = existsSync(join(root, 'node_modules', 'pcsclite'))
    ? ['rebuild', 'pcsclite']
    : ['install', '--no-save', `pcsclite@${spec}`];
  if (spawnSync('npm', args, { stdio: 'inherit' }).status !== 0 || spawnSync(process.execPath, ['-e', "require('pcsclite')"], { stdio: 'ignore' }).status !== 0) {
    console.error('the pcsclite binding could not be built: the PC/SC tests cannot run');
    process.exit(1);
  }
}

ensureSystemDeps();
ensurePcscBinding();
if (run('npx', ['tsc', '-p', 'tsconfig.json']) !== 0) process.exit(1);
// bin/bcastd runs the board bundle when there is one: a bundle left by `npm run bundle` must not be stale.
if (existsSync(join(root, 'dist-bundle')) && run(process.execPath, [join(root, 'scripts', 'bundle.mjs')]) !== 0) process.exit(1);

const only = process.argv.slice(2);
const packageDir = join(root, 'dist', 'test', 'package');
const all = findTests(join(root, 'dist', 'test')).filter((f) => !f.startsWith(packageDir)).filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
const serialDir = join(root, 'dist', 'test', 'serial');
const serial = all.filter((f) => f.startsWith(serialDir));
const parallel = all.filter((f) => !f.startsWith(serialDir));
if (all.length === 0) {
  console.error('no test files found under dist/test: refusing to report an empty run');
  process.exit(1);
}
console.log(`running ${parallel.length} test file(s) in parallel, ${serial.length} serially`);
// Both runs always happen: a failure in one must not hide the other's results.
const statuses = [];
if (parallel.length) statuses.push(run(process.execPath, ['--test', '--test-concurrency=2', ...parallel.map((f) => relative(root, f))]));
if (serial.length) statuses.push(run(process.execPath, ['--test', '--test-concurrency=1', ...serial.map((f) => relative(root, f))]));
process.exit(statuses.some((s) => s !== 0) ? 1 : 0);
