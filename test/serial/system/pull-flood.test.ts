// Acceptance 8: 50 solicited-pull SMS in one second. Every one is genuine (right MAC, counters rising in the
// order they are sent), yet at most two registrations reach the BSM: one in flight, the rest coalesced into one
// pending (and paced by the gate).
//
// Some pulls are refused as replays, rightly: the first registration makes the BSM push an MSK by UDP under the
// same MUK with the next counter, higher than those of the pulls still queued in the SMS path (the replay
// counter is per MUK, SPEC §3.3), and the UDP datagram overtakes them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SystemRig, TERMINAL, pause } from './harness.js';

const FLOOD = 50;

test(`${FLOOD} key group 0 solicited-pull SMS in one second → at most two registrations at the BSM`, { timeout: 60_000 }, async (t) => {
  const rig = await SystemRig.start(t);
  await rig.waitFor('registration', (p) => p['state'] === 'registered', 20_000);
  // Past the start-up registration's rate-gate interval, so the flood meets an idle terminal.
  await pause(2500);
  const seqBefore = (await rig.simEvents()).length;
  const droppedBefore = (await rig.healthAfter(Date.now()))['ltkm']['dropped'] as Record<string, number>;
  const mark = rig.mark();

  const t0 = Date.now();
  const answers = await Promise.all(Array.from({ length: FLOOD }, () => rig.simControl('/pull', { terminal: TERMINAL, keyGroup: 0, via: 'sms' })));
  const sendMs = Date.now() - t0;
  assert.ok(answers.every((a) => a.status === 200), JSON.stringify(answers.filter((a) => a.status !== 200)));
  assert.ok(sendMs < 1000, `the ${FLOOD} pulls went out in ${sendMs} ms`);

  // Every pull is handled (verified and acted on, or refused and counted), none lost. Refusals are counted each
  // but reported on `events` once per reason and source per interval, so the count comes from health.
  let dropped: Record<string, number> = droppedBefore;
  const refusedSince = () => Object.keys(dropped).reduce((n, k) => n + dropped[k]! - (droppedBefore[k] ?? 0), 0);
  const handled = () => rig.events('solicited-pull', mark).length + refusedSince();
  const deadline = Date.now() + 40_000;
  while (handled() < FLOOD && Date.now() < deadline) dropped = (await rig.healthAfter(Date.now()))['ltkm']['dropped'];
  assert.equal(handled(), FLOOD, `handled ${handled()} of ${FLOOD} pulls; ltkm dropped before ${JSON.stringify(droppedBefore)} now ${JSON.stringify(dropped)}`);
  const rejected = rig.events('rejected', mark);
  assert.deepEqual([...new Set(rejected.map((e) => e['reason']))].filter((r) => r !== 'replay'), [], `only replays refused: ${JSON.stringify(rejected.slice(0, 3))}`);
  assert.equal(refusedSince(), dropped['replay']! - (droppedBefore['replay'] ?? 0), 'only replays refused (counters)');
  const pulls = rig.events('solicited-pull', mark).length;
  assert.ok(pulls >= 1);
  const handledMs = Date.now() - t0;

  // Then wait for the pending registration: until nothing has registered for 5 s (gate interval 2 s).
  const registers = async () => (await rig.simEvents()).filter((e) => e.seq > seqBefore && e.type === 'register');
  let count = (await registers()).length;
  let quietSince = Date.now();
  while (Date.now() - quietSince < 5000) {
    await pause(250);
    const now = (await registers()).length;
    if (now !== count) [count, quietSince] = [now, Date.now()];
  }
  const sms = (await rig.healthAfter(Date.now()))['modem']['sms'] as Record<string, number>;
  console.log(JSON.stringify({ metric: 'pull-flood', pulls: FLOOD, sendMs, handledMs, acted: pulls, refusedAsReplay: refusedSince(), registrations: count, smsAcks: sms['acks'], smsAckErrors: sms['ackErrors'] }));
  assert.ok(count >= 1, 'the flood did cause a registration');
  const published = rig.events('registered', mark);
  const pullTimes = rig.events('solicited-pull', mark).map((e) => Date.parse(String(e['ts'])));
  assert.ok(
    count <= 2,
    `the BSM saw ${count} registrations; accepted pulls from +${Math.min(...pullTimes) - t0} to +${Math.max(...pullTimes) - t0} ms; registered (ms after the first pull sent, triggers folded): ${published.map((e) => `+${Date.parse(String(e['ts'])) - t0} ×${String(e['coalescedTriggers'])}`).join(', ')}`,
  );
  assert.equal(published.length, count);
  assert.equal(published.reduce((n, e) => n + (e['coalescedTriggers'] as number), 0), pulls, 'every accepted pull folded into one of them');
  assert.equal(rig.on('status').at(-1)!.payload['state'], 'ready');
});
