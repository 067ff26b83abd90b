// Issue 13, item 6, through the real daemon: a `cmd/bootstrap` flood runs GBA only as often as the trigger gate
// allows (it ran back to back before: 21 new B-TIDs in 10 s); with the modem at trace level, the raw AT lines of
// a +CMT on stdout carry no whole B-TID (only the log ring was masked).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SystemRig, TERMINAL, pause } from './harness.js';

/** An unmasked B-TID: base64 of the RAND (16+ chars) followed by `@` (as the rig's leak check reads it). */
const BTID = /[A-Za-z0-9+/]{16,}={0,2}@/;

test('a bootstrap flood goes through the trigger gate; AT traces on stdout are masked', { timeout: 90_000 }, async (t) => {
  const rig = await SystemRig.start(t, { overrides: { log: { components: { modem: 'trace', sim: 'debug' } } } });
  await rig.waitFor('registration', (p) => p['state'] === 'registered', 20_000);
  await pause(2500);

  const bootstraps = async () => (await rig.simEvents('bootstrap')).length;
  const before = await bootstraps();
  const mark = rig.mark();
  const t0 = Date.now();
  for (let i = 0; i < 100; i++) {
    await rig.publishRaw('cmd/bootstrap', JSON.stringify({ transaction: `b${i}` }));
    await pause(100); // 100 requests over 10 s
  }
  await pause(3000); // the last pending one, if any, starts after the gate interval
  const runs = (await bootstraps()) - before;
  const answers = rig.on('cmd/bootstrap/response', mark);
  const limited = answers.filter((m) => (m.payload['error'] as { code?: string } | undefined)?.code === 'rate_limited').length;
  t.diagnostic(JSON.stringify({ requests: 100, ms: Date.now() - t0, bootstraps: runs, answers: answers.length, rateLimited: limited }));
  assert.equal(answers.length, 100, 'every request answered');
  assert.ok(limited > 0, 'the router refused the excess');
  // minIntervalMs 2 s between BSM request starts: at most one run per 2 s of flood, plus the pending one.
  assert.ok(runs >= 1 && runs <= 7, `${runs} GBA runs for 100 bootstrap requests in 10 s`);
  await rig.waitFor('registration', (p) => p['state'] === 'registered', 20_000, { since: mark });

  // A solicited pull by SMS: the +CMT's PDU carries the B-TID (MIKEY IDr); the AT trace line must not show it.
  const sms = rig.mark();
  assert.equal((await rig.simControl('/pull', { terminal: TERMINAL, keyGroup: 0, via: 'sms' })).status, 200);
  await rig.waitFor('events', (p) => p['type'] === 'solicited-pull', 15_000, { since: sms });
  const traces = rig.logLines().filter((l) => l['msg'] === 'AT <' && String(l['rx'] ?? '').startsWith('+CMT'));
  assert.ok(traces.length > 0, 'the +CMT was traced');
  const leaked = rig.logText().split('\n').filter((l) => BTID.test(l));
  assert.deepEqual(leaked, [], 'no whole B-TID on stdout');
});
