// packaging/README.md's install block, run verbatim with sh -e into a scratch root (DESTDIR) from the arm64
// tarball, gives the layout the unit expects: ExecStart's launcher and the Documentation file exist, the
// launchers on PATH answer --version, and the installed board config passes --check-config. The JS is the
// same on every architecture, so the host's node runs it; the block after it (useradd, udevadm, systemctl)
// changes the running system and is not run here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers/repo.js';
import { tarballOf } from './tarball.js';

/** The first ```sh block under the `## Install` heading. */
function installBlock(): string {
  const readme = readFileSync(join(repoRoot, 'packaging', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Install\n'));
  const m = /```sh\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('packaging/README.md has no sh block under ## Install');
  return m[1]!;
}

test('packaging/README.md install steps, verbatim, into a scratch root', { timeout: 120_000 }, (t) => {
  const work = mkdtempSync(join(tmpdir(), 'bcastd-install-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const root = join(work, 'root');
  // What any root filesystem already has.
  for (const d of ['usr/lib', 'usr/bin', 'etc']) mkdirSync(join(root, d), { recursive: true });
  const here = join(work, 'cwd');
  mkdirSync(here);
  const tarball = tarballOf('arm64');
  symlinkSync(tarball, join(here, tarball.split('/').at(-1)!));

  const block = installBlock();
  assert.equal(block.trim().split('\n').length, 5, 'five lines');
  const r = spawnSync('sh', ['-e', '-c', block], { cwd: here, env: { ...process.env, DESTDIR: root }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);

  const unit = readFileSync(join(root, 'etc/systemd/system/bcastd.service'), 'utf8');
  const execStart = /^ExecStart=(\S+)/m.exec(unit)?.[1];
  assert.equal(execStart, '/usr/lib/bcastd/bin/bcastd');
  assert.ok(statSync(join(root, execStart)).mode & 0o111, 'ExecStart is executable');
  const doc = /^Documentation=file:\/\/(\S+)/m.exec(unit)?.[1];
  assert.ok(doc && statSync(join(root, doc)).isFile(), `Documentation ${doc} installed`);
  assert.equal(statSync(join(root, 'etc/bcastd/board.yaml')).mode & 0o777, 0o640);
  assert.ok(statSync(join(root, 'etc/udev/rules.d/99-bcastd-modem.rules')).isFile());

  const env = { ...process.env, BCASTD_NODE: process.execPath };
  const version = (JSON.parse(readFileSync(join(root, 'usr/lib/bcastd/package.json'), 'utf8')) as { version: string }).version;
  for (const name of ['bcastd', 'bcastctl']) {
    const v = spawnSync(join(root, 'usr/bin', name), ['--version'], { env, encoding: 'utf8' });
    assert.equal(v.status, 0, `${name}: ${v.stderr}`);
    assert.equal(v.stdout.trim(), version);
  }
  const check = spawnSync(join(root, 'usr/bin/bcastd'), ['--check-config', '--board', join(root, 'etc/bcastd/board.yaml')], { env, encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
});
