// Acceptance 4: what the terminal must not act on. A solicited pull with a forged MAC, one with a replayed
// counter, a WAP push SMS to another port and a push for another application: none reaches the BSM as a
// registration, each is reported on `events` and counted in `health`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeDatagramAsSms, encodeWspPush, toHex } from '../../../src/codec/index.js';
import { KEY_GROUP, SystemRig, TERMINAL, pause } from './harness.js';

const SMSC = '+447785016005';
const ORIGINATOR = '+447700900123';
const WAP_PUSH_PORT = 2948;
const WSP_PORT = 9200;
let reference = 0x40;

/**
 * A WAP push of application/mikey as SMS-DELIVER PDUs (SMSC prefix included), hex for POST /sms. The body is
 * a MIKEY-looking stub: both cases must be turned away on the port or the application id, before any MIKEY
 * parsing (the test cannot MAC a real pull: the MUK never leaves the daemon's card).
 */
function pushSms(o: { destinationPort: number; applicationId: string | number }): string[] {
  const push = encodeWspPush({ tid: 1, contentType: 'application/mikey', applicationId: o.applicationId, body: Uint8Array.from([0x01, 0x00, 0x0a, 0x00, 0x11, 0x22, 0x33, 0x44]) });
  return encodeDatagramAsSms({ originator: ORIGINATOR, smsc: SMSC, destinationPort: o.destinationPort, sourcePort: WSP_PORT, payload: push, reference: reference++, timestamp: new Date() }).map((p) => toHex(p));
}

test('forged MAC, replayed counter, wrong port, non-BCAST application: no registration, an event and a counter each', { timeout: 60_000 }, async (t) => {
  const rig = await SystemRig.start(t);
  await rig.waitFor('registration', (p) => p['state'] === 'registered', 20_000);
  // Let the start-up LTKM exchange settle: its counter (accepted by the card) is the one the replay repeats.
  // The replay comes first: a counter the card rejected for a bad MAC was never stored, so repeating it
  // would not be a replay (SPEC §3.3: fresher than the counter stored for the MUK).
  await rig.waitForSimEvent((e) => e.type === 'verification', 10_000);
  await pause(500);

  const registrations = async () => (await rig.simEvents('register')).length;
  const published = () => rig.on('registration').filter((m) => m.payload['state'] === 'registered').length;
  /** Waits past the rate gate's 2 s, then checks that nothing registered since the subtest began. */
  const noRegistration = async (what: string, before: { bsm: number; mqtt: number }) => {
    await pause(3000);
    assert.equal(await registrations(), before.bsm, `${what}: the BSM saw a registration`);
    assert.equal(published(), before.mqtt, `${what}: a registration was published`);
  };
  const baseline = async () => ({ bsm: await registrations(), mqtt: published() });

  await t.test('replayed counter on a key group 0 pull (SMS)', async () => {
    const before = await baseline();
    const mark = rig.mark();
    assert.equal((await rig.simControl('/faults', { fault: 'replayCounter' })).status, 200);
    assert.equal((await rig.simControl('/pull', { terminal: TERMINAL, keyGroup: 0, via: 'sms' })).status, 200);
    const ev = await rig.waitFor('events', (p) => p['type'] === 'rejected', 10_000, { since: mark });
    assert.equal(ev.payload['reason'], 'replay', JSON.stringify(ev.payload));
    assert.equal(ev.payload['source'], 'sms');
    const counters = await rig.healthAfter(Date.now());
    assert.equal(counters['terminal']['rejected']['replay'], 1, JSON.stringify(counters['terminal']));
    assert.equal(counters['ltkm']['dropped']['replay'], 1, JSON.stringify(counters['ltkm']));
    assert.equal(rig.events('solicited-pull', mark).length, 0, 'a replayed pull is not a trigger');
    await noRegistration('replayed counter', before);
  });

  await t.test('forged MAC on a key group 0 pull (UDP)', async () => {
    const before = await baseline();
    const mark = rig.mark();
    assert.equal((await rig.simControl('/faults', { fault: 'wrongMac' })).status, 200);
    assert.equal((await rig.simControl('/pull', { terminal: TERMINAL, keyGroup: 0, via: 'udp' })).status, 200);
    const ev = await rig.waitFor('events', (p) => p['type'] === 'rejected', 10_000, { since: mark });
    assert.equal(ev.payload['reason'], 'mac', JSON.stringify(ev.payload));
    assert.equal(ev.payload['source'], 'udp');
    const counters = await rig.healthAfter(Date.now());
    assert.equal(counters['terminal']['rejected']['mac'], 1, JSON.stringify(counters['terminal']));
    assert.equal(counters['ltkm']['dropped']['mac'], 1, JSON.stringify(counters['ltkm']));
    assert.equal(rig.events('solicited-pull', mark).length, 0, 'a forged pull is not a trigger');
    await noRegistration('forged MAC', before);
  });

  await t.test('a BCAST WAP push SMS to another port (not 2948)', async () => {
    const registered = await baseline();
    const mark = rig.mark();
    const before = await rig.healthAfter(Date.now());
    const sent = await rig.simControl('/sms', { pdus: pushSms({ destinationPort: 9999, applicationId: 0x13 }) });
    assert.equal(sent.status, 200, JSON.stringify(sent.json));
    // The modem counts it as a port datagram that is not a WAP push…
    const deadline = Date.now() + 5000;
    let counters = await rig.healthAfter(Date.now());
    while (counters['modem']['sms']['datagrams'] !== before['modem']['sms']['datagrams'] + 1 && Date.now() < deadline) counters = await rig.healthAfter(Date.now());
    assert.equal(counters['modem']['sms']['datagrams'], before['modem']['sms']['datagrams'] + 1, JSON.stringify(counters['modem']));
    assert.equal(counters['modem']['sms']['pushes'], before['modem']['sms']['pushes'], 'not taken for a WAP push');
    await noRegistration('wrong port', registered);
    // …and the daemon reports it (acceptance 4: a rejection event and a counter), naming the SMS path.
    const ev = rig.events('rejected', mark);
    assert.equal(ev.length, 1, `a rejected event for the SMS to port 9999; events since: ${JSON.stringify(rig.events(undefined, mark))}`);
    assert.equal(ev[0]!['source'], 'sms', JSON.stringify(ev[0]));
    const now = await rig.healthAfter(Date.now());
    const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    assert.equal(total(now['terminal']['rejected']), total(before['terminal']['rejected']) + 1, JSON.stringify(now['terminal']['rejected']));
  });

  await t.test('a WAP push for x-wap-application:mms.ua, not the BCAST client', async () => {
    const before = await baseline();
    const mark = rig.mark();
    const sent = await rig.simControl('/sms', { pdus: pushSms({ destinationPort: WAP_PUSH_PORT, applicationId: 'x-wap-application:mms.ua' }) });
    assert.equal(sent.status, 200, JSON.stringify(sent.json));
    const ev = await rig.waitFor('events', (p) => p['type'] === 'rejected', 10_000, { since: mark });
    assert.equal(ev.payload['reason'], 'not-bcast', JSON.stringify(ev.payload));
    assert.equal(ev.payload['source'], 'sms');
    const counters = await rig.healthAfter(Date.now());
    assert.equal(counters['terminal']['rejected']['not-bcast'], 1, JSON.stringify(counters['terminal']));
    await noRegistration('non-BCAST application id', before);
  });

  // After all that, a genuine pull still works (the rejections left nothing stuck).
  const mark = rig.mark();
  assert.equal((await rig.simControl('/pull', { terminal: TERMINAL, keyGroup: KEY_GROUP.news, via: 'udp' })).status, 200);
  await rig.waitFor('events', (p) => p['type'] === 'msk-requested', 10_000, { since: mark });
});
