// packaging/systemd/bcastd.service: the lifecycle settings the daemon's sd_notify behaviour relies on, and
// `systemd-analyze verify` (when systemd's tools are installed; no running systemd needed) finds nothing wrong
// beyond the keys an older systemd does not know yet.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../helpers/repo.js';

const unitText = readFileSync(join(repoRoot, 'packaging', 'systemd', 'bcastd.service'), 'utf8');

/** key → every value it is given, per section (comments and blank lines skipped). */
function parseUnit(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const head = /^\[(\w+)\]$/.exec(line);
    if (head) {
      section = head[1]!;
      continue;
    }
    const eq = line.indexOf('=');
    const key = `${section}.${line.slice(0, eq)}`;
    out.set(key, [...(out.get(key) ?? []), line.slice(eq + 1)]);
  }
  return out;
}

test('the modem device is wanted and waited for, never bound to; mosquitto before bcastd; secrets as credentials', () => {
  const u = parseUnit(unitText);
  const words = (k: string) => (u.get(k) ?? []).flatMap((v) => v.split(/\s+/));
  assert.equal(u.get('Unit.BindsTo'), undefined, 'BindsTo= would stop bcastd when the modem is power-cycled');
  assert.ok(words('Unit.Wants').includes('dev-bcastd\\x2dmodem.device'));
  assert.ok(words('Unit.After').includes('dev-bcastd\\x2dmodem.device'));
  assert.ok(words('Unit.After').includes('mosquitto.service'));
  assert.deepEqual(u.get('Service.Type'), ['notify']);
  assert.deepEqual(u.get('Service.WatchdogSec'), ['30'], 'test/unit/daemon/sd-outage.test.ts runs with this WatchdogSec');
  assert.deepEqual(u.get('Service.Restart'), ['on-failure']);
  assert.ok((u.get('Service.LoadCredential') ?? []).some((v) => v.startsWith('mqtt-password:/')), 'the MQTT password as a credential');
  // The shipped real-board config reads it from there.
  assert.match(readFileSync(join(repoRoot, 'board-configs', 'rpi4-quectel-ec25.yaml'), 'utf8'), /passwordFile: \$\{CREDENTIALS_DIRECTORY[^}]*\}\/mqtt-password/);
  assert.ok(u.has('Service.RestartSteps') && u.has('Service.RestartMaxDelaySec'));
  assert.match(unitText, /systemd >= 254/, 'says which systemd has RestartSteps=');
});

test('systemd-analyze verify: clean but for RestartSteps=/RestartMaxDelaySec= on systemd < 254', (t) => {
  const version = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  if (version.error) return t.skip('systemd-analyze is not installed');
  const major = Number(/systemd (\d+)/.exec(version.stdout)?.[1]);
  const dir = mkdtempSync(join(tmpdir(), 'bcastd-unit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // verify checks that ExecStart exists: point it at one that does (the launcher is installed on the board only).
  const file = join(dir, 'bcastd.service');
  writeFileSync(file, unitText.replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath}`));
  const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
  const lines = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() !== '');
  const olderOnly = lines.filter((l) => /Unknown key '(RestartSteps|RestartMaxDelaySec)'/.test(l));
  assert.deepEqual(lines.filter((l) => !olderOnly.includes(l)), [], `systemd ${major}`);
  assert.equal(olderOnly.length, major >= 254 ? 0 : 2);
  assert.equal(r.status, 0);
});
