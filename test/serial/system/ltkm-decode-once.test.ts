// Issue 14: one owner for the LTKM path. Through the real daemon (pty modem, pcscd + vpcd with the simulated world
// in its own process, so only the daemon's decodes are counted), every MIKEY message that reaches the terminal, by
// UDP or by SMS, pushed key or solicited pull, is decoded exactly once: the daemon's health shows the codec's
// decode count (codec.mikeyDecodes) beside the intake's arrivals (ltkm.received), and the simulated BSM's own log
// says how many it sent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KEY_GROUP, SystemRig, TERMINAL, type SimEvent } from './harness.js';

const NEWS = 'urn:bcastd:sim:news';
const N = 3;

/** What the simulated BSM sent the terminal after `seq`: LTKM datagrams that went out, and pulls by SMS. */
const sentSince = (events: SimEvent[], seq: number) =>
  events.filter((e) => e.seq > seq && ((e.type === 'ltkm-push' && e['dropped'] === false) || e.type === 'sms-pull')).length;

test('one MIKEY decode per LTKM through the real daemon: UDP pushes, SMS pulls and a UDP pull', { timeout: 120_000 }, async (t) => {
  // No player and no broadcast: nothing else in the daemon decodes MIKEY (STKMs would).
  const rig = await SystemRig.start(t, { overrides: { sim: { process: 'child', useVpcd: true } } });
  await rig.waitFor('registration', (p) => p['state'] === 'registered', 20_000);
  await rig.waitForSimEvent((e) => e.type === 'verification', 10_000);

  /** Health once the intake has everything the BSM sent since `seq` and nothing waits. */
  const settled = async (seq: number, base: number) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const h = await rig.healthAfter(Date.now());
      const sent = sentSince(await rig.simEvents(), seq);
      if ((h['ltkm']['received'] as number) - base >= sent && h['ltkm']['waiting'] === 0 && h['ltkm']['held'] === 0) return { h, sent };
      assert.ok(Date.now() < deadline, `the daemon did not receive what the BSM sent: ${JSON.stringify(h['ltkm'])}, sent ${sent}`);
    }
  };
  // Power-up's pushes first: the count starts from a quiet daemon.
  const start = await settled(0, 0);
  const before = start.h;
  const seq = (await rig.simEvents()).at(-1)!.seq;
  const mark = rig.mark();

  for (let i = 0; i < N; i++) {
    const pushed = await rig.simControl('/push', { terminal: TERMINAL, serviceId: NEWS });
    assert.equal(pushed.status, 200, JSON.stringify(pushed.json));
  }
  for (let i = 0; i < N; i++) {
    // Each pull's own event (a mark per pull: the first pull's event must not stand for the later ones).
    const pullMark = rig.mark();
    const pulled = await rig.simControl('/pull', { terminal: TERMINAL, keyGroup: KEY_GROUP.sport, via: 'sms' });
    assert.equal(pulled.status, 200, JSON.stringify(pulled.json));
    await rig.waitFor('events', (p) => p['type'] === 'solicited-pull' && p['source'] === 'sms', 20_000, { since: pullMark });
  }
  assert.equal((await rig.simControl('/pull', { terminal: TERMINAL, keyGroup: 0, via: 'udp' })).status, 200);
  await rig.waitFor('events', (p) => p['type'] === 'solicited-pull' && p['source'] === 'udp', 20_000, { since: mark });

  const { h: after, sent } = await settled(seq, before['ltkm']['received'] as number);
  const received = (after['ltkm']['received'] as number) - (before['ltkm']['received'] as number);
  const decodes = (after['codec']['mikeyDecodes'] as number) - (before['codec']['mikeyDecodes'] as number);
  t.diagnostic(JSON.stringify({ sent, received, decodes, total: after['codec']['mikeyDecodes'] }));
  assert.ok(sent >= 2 * N + 1, `the BSM sent our ${2 * N + 1} messages at least (${sent})`);
  assert.equal(received, sent, 'every message the BSM sent reached the intake');
  assert.equal(decodes, received, 'exactly one MIKEY decode per LTKM');
  // And since the daemon started: one decode per LTKM it ever received.
  assert.equal(after['codec']['mikeyDecodes'], after['ltkm']['received'], JSON.stringify(after['ltkm']));
  assert.equal(rig.events('solicited-pull', mark).filter((e) => e['source'] === 'sms').length, N);
  // The intake has them all (settled); their key-stored events may still be on their way over MQTT.
  for (const deadline = Date.now() + 10_000; rig.events('key-stored', mark).length < N && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
  assert.ok(rig.events('key-stored', mark).length >= N, JSON.stringify(rig.events('key-stored', mark)));
  assert.deepEqual(rig.events('rejected', mark), []);
});
