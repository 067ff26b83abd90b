// bcastctl register/pull --wait against the real daemon: each event printed as it arrives, exit 0 once registered;
// and exit code 3 whenever the broker or the daemon does not answer (status, register).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { SystemRig } from './harness.js';
import { bcastctlBin } from '../../helpers/repo.js';

const run = promisify(execFile);
type Ran = { code: number; stdout: string; stderr: string };
const ctl = (...args: string[]): Promise<Ran> =>
  run(process.execPath, [bcastctlBin, ...args], { timeout: 60_000 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

test('bcastctl --wait and exit code 3', { timeout: 150_000 }, async (t) => {
  const rig = await SystemRig.start(t);

  await t.test('register --wait: trigger, BSM request/response, registered as they come; exit 0', async () => {
    const r = await ctl('register', '--wait', '30', '--board', rig.boardFile);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    const types = lines.slice(1, -1).map((l) => l.split(' ')[1]);
    t.diagnostic(lines.join('\n'));
    assert.ok(types.indexOf('trigger') >= 0 && types.indexOf('trigger') < types.indexOf('bsm-request'), types.join(','));
    assert.ok(types.indexOf('bsm-request') < types.indexOf('bsm-response') && types.indexOf('bsm-response') < types.indexOf('registered'), types.join(','));
    assert.equal(types.at(-1), 'registered', 'nothing printed after the outcome');
    assert.match(lines.at(-1)!, /^ok: registered: \[/);
  });

  await t.test('pull --wait --json (key group 0): JSON lines, ends registered', async () => {
    const r = await ctl('pull', '--wait', '30', '--json', '--board', rig.boardFile);
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout.trim().split('\n').slice(1, -1).map((l) => JSON.parse(l) as { type: string });
    assert.equal(events.at(-1)!.type, 'registered');
  });

  await t.test('register --wait with the BSM failing: exit 1 with the reason', async () => {
    await rig.simControl('/faults', { fault: 'bsm403', times: 1 });
    const r = await ctl('register', '--wait', '30', '--board', rig.boardFile);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /^bcastctl: register failed: /m);
    assert.match(r.stdout, /request-failed action=register/);
  });

  await t.test('exit 3: no broker at the URL (status, register), or a broker with no daemon behind it', async () => {
    const nobody = `mqtt://127.0.0.1:${await freePort()}`;
    for (const cmd of ['status', 'register']) {
      const r = await ctl(cmd, '--broker', nobody, '--device', 'sim');
      assert.equal(r.code, 3, `${cmd}: ${r.stderr}`);
      assert.match(r.stderr, /cannot reach the MQTT broker/);
    }
    const r = await ctl('status', '--board', rig.boardFile, '--device', 'no-such-box');
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /nothing published under bcastd\/v1\/no-such-box\//);
  });
});
