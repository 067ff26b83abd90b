// `bcastd --version`, `bcastctl --version` and `bcastd --check-config`, through the real launchers as a device
// maker types them: the version is package.json's; a bad config lists every problem as file:line:col, exit 2.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { bcastctlBin, bcastdBin, repoRoot } from '../../helpers/repo.js';

const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
const env = { ...process.env, BCASTD_NODE: process.execPath };
// Node 20's V8 says it turns WebAssembly off under the launcher's --lite-mode (Node 22 and 24 say nothing): not a config problem.
const V8_NOTE = /^Warning: disabling flag --expose_wasm due to conflicting flags\n/;
const bcastd = (...args: string[]) => {
  const r = spawnSync(bcastdBin, args, { encoding: 'utf8', env, timeout: 30_000 });
  return { ...r, stderr: r.stderr.replace(V8_NOTE, '') };
};

test('bcastd --version and bcastctl --version print package.json version, exit 0', () => {
  const d = bcastd('--version');
  assert.equal(d.status, 0, d.stderr);
  assert.equal(d.stdout.trim(), version);
  const c = spawnSync(process.execPath, [bcastctlBin, '--version'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(c.status, 0, c.stderr);
  assert.equal(c.stdout.trim(), version);
});

test('bcastd --check-config: every shipped board is valid (exit 0, nothing on stderr)', () => {
  for (const board of ['sim', 'rpi4-quectel-ec25', 'generic-usb-modem']) {
    const r = bcastd('--check-config', '--board', board);
    assert.equal(r.status, 0, `${board}: ${r.stderr}`);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, new RegExp(`^${board}: ok`));
  }
});

test('bcastd --check-config: a bad file gets every problem as file:line:col and exit 2, without starting', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bcastd-check-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, ['board:', '  name: bad', 'modem:', '  profile: generic', '  port: /dev/ttyUSB2', '  baudRate: fast', '  smsMode: pdu', 'network:', '  bsmFqdn: bsm.example', ''].join('\n'));
  const r = bcastd('--check-config', '--board', file);
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.deepEqual(
    lines.map((l) => /^(.*):(\d+):(\d+): (\/\S+)/.exec(l)?.slice(1)),
    [
      [file, '6', '13', '/modem/baudRate'],
      [file, '7', '12', '/modem/smsMode'],
    ],
    r.stderr,
  );
});

test('bcastd --check-config: an unknown board name is one line naming the boards, exit 2', () => {
  const r = bcastd('--check-config', '--board', 'sin');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no board config named "sin".*did you mean "sim"/);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1);
});
