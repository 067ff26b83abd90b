import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_SERVICES, decodeMikey, decodeWspPush, describeMbms, encodeDatagramAsSms } from '../../../src/codec/index.js';
import { SUBSCRIBER, startWorld } from './world.js';

const IMSI = SUBSCRIBER.imsi;
const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

for (const gbaU of [true, false]) {
  test(`${gbaU ? 'GBA_U' : 'GBA_ME'}: purchase on the portal → Key Group 0 solicited pull arrives at the listener (MAC-checked)`, async (t) => {
    const w = await startWorld({ gbaU });
    t.after(w.close);
    await w.bsm.register(['urn:svc:news']);
    await w.until(() => w.stored.length === 1);
    const res = await post(`${w.net.urls.portal}/purchase`, { serviceId: 'urn:svc:movies', terminal: IMSI });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { purchased: true, pull: { keyGroup: 0, via: 'udp' } });
    await w.until(() => w.pulls.length === 1);
    assert.deepEqual(w.pulls, [{ keyGroup: 0, via: 'udp' }]);
    assert.equal(w.intake.stats().solicitedPulls, 1);
    // The terminal layer's reaction to KG0 (SPEC [R]): re-register for all services, now including the purchase.
    const r = await w.bsm.register([ALL_SERVICES]);
    assert.equal(r.roundTrips, 1);
    assert.ok(w.net.bsm.registrationOf(IMSI)!.services.has('urn:svc:movies'));
    await w.until(() => w.stored.some((s) => s.keyGroup === 0x0303));
  });
}

test('a forged solicited pull is not handed to the terminal layer', async (t) => {
  const w = await startWorld({ gbaU: true });
  t.after(w.close);
  await w.bsm.register(['urn:svc:news']);
  w.net.faults.inject('wrongMac');
  const res = await post(`${w.net.urls.control}/pull`, { terminal: IMSI, keyGroup: 0x0202 });
  assert.equal(res.status, 200);
  await w.until(() => w.intake.stats().dropped.mac === 1);
  assert.deepEqual(w.pulls, []);
});

test('solicited pull over SMS: WSP push `<TID> 06 03 D2 AF 93 <MIKEY>` through the SMS sink, processed like UDP', async (t) => {
  const pushes: Uint8Array[] = [];
  const w = await startWorld({ gbaU: false, smsSink: { deliverWapPush: async (b) => void pushes.push(b) } });
  t.after(w.close);
  await w.bsm.register(['urn:svc:news']);
  const res = await post(`${w.net.urls.control}/pull`, { terminal: IMSI, keyGroup: 0x0202, via: 'sms' });
  assert.equal(res.status, 200);
  assert.equal(pushes.length, 1);
  const push = pushes[0]!;
  assert.equal(Buffer.from(push.subarray(1, 6)).toString('hex'), '0603d2af93');
  const wsp = decodeWspPush(push);
  const info = describeMbms(decodeMikey(wsp.body));
  assert.equal(info.solicitedPull, true);
  assert.equal(info.mskId?.keyGroup, 0x0202);
  assert.equal(info.idr, w.gba.session!.btid);
  // A B-TID-bearing pull does not fit one SMS: the SMSC segments it (SPEC §1).
  const parts = encodeDatagramAsSms({ originator: '+4912345', destinationPort: 2948, sourcePort: 9200, payload: push, reference: 7, timestamp: new Date() });
  assert.ok(Array.isArray(parts) && parts.length >= 2);
  // The modem side hands the WSP body to the same entry point as UDP.
  await w.intake.accept(wsp.body, { address: 'smsc', port: 0, via: 'sms' });
  assert.deepEqual(w.pulls, [{ keyGroup: 0x0202, via: 'sms' }]);
  // The same bytes again are a replay.
  await w.intake.accept(wsp.body, { address: 'smsc', port: 0, via: 'sms' });
  assert.equal(w.intake.stats().dropped.replay, 1);
  assert.equal(w.pulls.length, 1);
});

for (const gbaU of [true, false]) {
  test(`${gbaU ? 'GBA_U' : 'GBA_ME'}: a key-less message with the V bit set is rejected as such (UDP and SMS), never a pull, no verification sent`, async (t) => {
    const pushes: Uint8Array[] = [];
    const w = await startWorld({ gbaU, smsSink: { deliverWapPush: async (b) => void pushes.push(b) } });
    t.after(w.close);
    await w.bsm.register(['urn:svc:news']);
    await w.until(() => w.stored.length === 1 && w.net.bsm.ltkm.verifications.length === 1);
    const verifications = w.net.bsm.ltkm.verifications.length;
    w.net.faults.inject('vBitPull', 2);
    assert.equal((await post(`${w.net.urls.control}/pull`, { terminal: IMSI, keyGroup: 0 })).status, 200);
    await w.until(() => w.intake.stats().dropped['keyless-v-set'] === 1);
    assert.equal((await post(`${w.net.urls.control}/pull`, { terminal: IMSI, keyGroup: 0x0202, via: 'sms' })).status, 200);
    const wsp = decodeWspPush(pushes[0]!);
    assert.equal(decodeMikey(wsp.body).hdr.v, true, 'the fault sent V set');
    await w.intake.accept(wsp.body, { address: 'smsc', port: 0, via: 'sms' });
    assert.equal(w.intake.stats().dropped['keyless-v-set'], 2);
    assert.deepEqual(w.rejected, ['keyless-v-set', 'keyless-v-set']);
    assert.deepEqual(w.pulls, []);
    assert.equal(w.intake.stats().solicitedPulls, 0);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(w.net.bsm.ltkm.verifications.length, verifications, 'no verification message answered it');
    // The next, well-formed pull is acted on: the rejection consumed nothing the BSM relies on.
    assert.equal((await post(`${w.net.urls.control}/pull`, { terminal: IMSI, keyGroup: 0 })).status, 200);
    await w.until(() => w.pulls.length === 1);
  });
}

test('a pull that finds no card is not judged (unavailable: the intake keeps it) and is checked once the card is back', async (t) => {
  const { cardKeyProcessor } = await import('../../../src/daemon/card-wiring.js');
  const { decodeMikey } = await import('../../../src/codec/index.js');
  const pushes: Uint8Array[] = [];
  const w = await startWorld({ gbaU: true, smsSink: { deliverWapPush: async (b) => void pushes.push(b) } });
  t.after(w.close);
  await w.bsm.register(['urn:svc:news']);
  await w.until(() => w.stored.length === 1);
  assert.equal((await post(`${w.net.urls.control}/pull`, { terminal: IMSI, keyGroup: 0, via: 'sms' })).status, 200);
  const raw = decodeWspPush(pushes[0]!).body;
  w.usim.remove();
  await w.until(() => w.card.state !== 'ready');
  const processor = cardKeyProcessor(w.card, {});
  const ltkm = { raw, message: decodeMikey(raw) };
  const started = Date.now();
  const verdict = await processor.processMskMessage(ltkm);
  assert.equal(verdict.kind, 'unavailable', JSON.stringify(verdict));
  assert.ok(Date.now() - started < 1000, 'at once: the intake, not the card adapter, keeps it');
  w.usim.insert();
  await w.until(() => w.card.state === 'ready');
  assert.deepEqual(await processor.processMskMessage(ltkm), { kind: 'processed', stored: null }, 'the card checked the pull once it was back');
});
