import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BsmError } from '../../../src/bsm/index.js';
import { ALL_SERVICES } from '../../../src/codec/index.js';
import { maskId } from '../../../src/util/mask.js';
import { recordingClock } from '../../unit/gba/harness.js';
import { KEY_DOMAIN, SUBSCRIBER, startWorld } from './world.js';

const IMSI = SUBSCRIBER.imsi;
const control = (url: string, path: string, body: unknown) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

test('AUTS resync during the first registration', async (t) => {
  const w = await startWorld({ gbaU: true, cardSqn: 9000 });
  t.after(w.close);
  const r = await w.bsm.register([ALL_SERVICES]);
  assert.equal(r.items[0]!.status, 200);
  assert.equal(w.gba.stats().resyncs, 1);
  assert.equal(w.net.events.ofType('resync').length, 1);
});

test('B-TID expiry: BSM challenges → re-bootstrap → the request succeeds', async (t) => {
  const w = await startWorld({ gbaU: false });
  t.after(w.close);
  await w.bsm.register([ALL_SERVICES]);
  const old = w.gba.session!.btid;
  const res = await control(w.net.urls.control, '/expire', { terminal: IMSI });
  assert.equal(res.status, 200);
  const r = await w.bsm.register([ALL_SERVICES]);
  assert.equal(r.items[0]!.status, 200);
  assert.notEqual(w.gba.session!.btid, old);
  assert.equal(w.gba.stats().bootstraps, 2);
  assert.equal(w.bsm.stats().rebootstraps, 1);
  assert.equal(r.roundTrips, 2, 'rejected request + retry with the fresh B-TID on the fresh nonce');
  assert.equal(w.net.bsm.registrationOf(IMSI)!.btid, w.gba.session!.btid);
});

test('a request without the 3gpp-gba product token: 403 with no challenge, recorded in the event log', async (t) => {
  const w = await startWorld({ gbaU: true });
  t.after(w.close);
  const post = (headers: Record<string, string>) =>
    fetch(`${w.net.urls.bsm}/keymanagement?requesttype=register`, { method: 'POST', headers: { 'content-type': 'application/mbms-register+xml', ...headers }, body: '<mbmsSecurityRegister><serviceID>urn:svc:news</serviceID></mbmsSecurityRegister>' });
  for (const ua of [undefined, 'curl/8.5.0', 'bcastd/1.0 3gpp-gbax']) {
    const res = await post(ua === undefined ? {} : { 'user-agent': ua });
    assert.equal(res.status, 403, `User-Agent ${ua}`);
    assert.equal(res.headers.get('www-authenticate'), null, 'refused outright, no challenge');
  }
  const fails = w.net.events.ofType('auth-fail').filter((e) => e.server === 'bsm');
  assert.equal(fails.length, 3);
  assert.match(fails[1]!.why, /no 3gpp-gba product token in User-Agent 'curl\/8\.5\.0'/);
  // With the token, the same request is challenged (the Digest exchange can start).
  const ok = await post({ 'user-agent': 'bcastd/1.0 3gpp-gba-uicc' });
  assert.equal(ok.status, 401);
  assert.match(ok.headers.get('www-authenticate') ?? '', /^Digest realm="3GPP-bootstrapping/);
  assert.equal(w.net.events.ofType('register').length, 0);
});

for (const gbaU of [true, false]) {
  test(`${gbaU ? 'GBA_U' : 'GBA_ME'}: after a re-bootstrap the BSM pushes under the registered B-TID's MUK, so only a new registration brings the keys back`, async (t) => {
    const w = await startWorld({ gbaU });
    t.after(w.close);
    await w.bsm.register([ALL_SERVICES]);
    await w.until(() => w.stored.length === 2);
    const push = async () => {
      const res = await control(w.net.urls.control, '/push', { terminal: IMSI, serviceId: 'urn:svc:news' });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    const ok = await push();
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    await w.until(() => w.stored.length === 3);
    // The B-TID dies; an MSK request re-bootstraps inside the BSM client and is answered under the new MUK…
    assert.equal((await control(w.net.urls.control, '/expire', { terminal: IMSI })).status, 200);
    const m = await w.bsm.requestMsk([{ keyDomainId: Buffer.from(KEY_DOMAIN, 'hex'), mskId: Uint8Array.of(0x01, 0x01, 0, 0) }]);
    assert.deepEqual(m.items.map((i) => i.status), [200]);
    assert.equal(w.bsm.stats().rebootstraps, 1);
    await w.until(() => w.stored.length === 4);
    // …but the registration still names the old B-TID: nothing the BSM can push until the terminal registers again.
    const stale = await push();
    assert.equal(stale.status, 409);
    assert.match(String(stale.json['error']), /no longer valid/);
    await w.bsm.register([ALL_SERVICES]);
    await w.until(() => w.stored.length === 6);
    const again = await push();
    assert.equal(again.status, 200, JSON.stringify(again.json));
    await w.until(() => w.stored.length === 7);
    assert.deepEqual(w.rejected, [], 'no push under a MUK the card lacks');
    assert.equal(again.json['btid'], maskId(w.gba.session!.btid));
  });
}

test('stale nonce: one fresh challenge, then success', async (t) => {
  const w = await startWorld({ gbaU: true });
  t.after(w.close);
  await w.bsm.register([ALL_SERVICES]);
  await control(w.net.urls.control, '/faults', { fault: 'staleNonce' });
  const r = await w.bsm.register([ALL_SERVICES]);
  assert.equal(r.items[0]!.status, 200);
  assert.equal(r.roundTrips, 2);
  assert.equal(w.bsm.stats().staleNonces, 1);
  assert.equal(w.gba.stats().bootstraps, 1, 'stale is not a B-TID problem');
});

test('5xx storm: retried with exponential backoff (asserted delays), then success', async (t) => {
  const clock = recordingClock();
  const w = await startWorld({ gbaU: true, clock, maxAttempts: 10 });
  t.after(w.close);
  await w.bsm.register([ALL_SERVICES]);
  w.net.faults.inject('bsm5xx', 4);
  const r = await w.bsm.register([ALL_SERVICES]);
  assert.equal(r.items[0]!.status, 200);
  assert.equal(r.roundTrips, 5);
  // baseMs 50, maxMs 400, random()=1 → the full ceiling each time: 50, 100, 200, 400.
  assert.deepEqual(clock.sleeps, [50, 100, 200, 400]);
  assert.equal(w.bsm.stats().retries, 4);
});

test('5xx storm past maxAttempts: reported as unreachable, capped delays', async (t) => {
  const clock = recordingClock();
  const w = await startWorld({ gbaU: true, clock, maxAttempts: 6 });
  t.after(w.close);
  await w.bsm.register([ALL_SERVICES]);
  w.net.faults.inject('bsm5xx', 50);
  await assert.rejects(w.bsm.register([ALL_SERVICES]), (e: unknown) => e instanceof BsmError && e.reason === 'unreachable' && e.status === 503);
  assert.deepEqual(clock.sleeps, [50, 100, 200, 400, 400]);
});

test('connection resets are retried like 5xx', async (t) => {
  const clock = recordingClock();
  const w = await startWorld({ gbaU: true, clock });
  t.after(w.close);
  await w.bsm.register([ALL_SERVICES]);
  w.net.faults.inject('resetConnection', 2);
  const r = await w.bsm.register([ALL_SERVICES]);
  assert.equal(r.items[0]!.status, 200);
  assert.equal(clock.sleeps.length, 2);
});

test('forged (wrong MAC) and replayed LTKMs are rejected, counted and not stored', async (t) => {
  const w = await startWorld({ gbaU: false });
  t.after(w.close);
  await w.bsm.register(['urn:svc:news']);
  await w.until(() => w.stored.length === 1);
  // Replayed: the counter of the last accepted push again (a fresh, correctly MAC'd message).
  await control(w.net.urls.control, '/faults', { fault: 'replayCounter' });
  await w.bsm.register(['urn:svc:news']);
  await w.until(() => w.intake.stats().dropped.replay === 1);
  // Forged: MAC flipped by the BSM fault.
  await control(w.net.urls.control, '/faults', { fault: 'wrongMac' });
  const rotated = w.net.bsm.rotateMsk('urn:svc:news');
  await w.bsm.register(['urn:svc:news']);
  await w.until(() => w.intake.stats().dropped.mac === 1);
  assert.equal(w.stored.length, 1, 'neither was stored');
  assert.equal(await w.keys.holds(0x0101, 1), true, 'the card holds the first MSK');
  assert.equal(await w.keys.holds(0x0101, rotated), false, 'the card holds no forged MSK');
  const st = w.intake.stats();
  assert.equal(st.verificationsSent, 1);
  assert.equal(w.net.bsm.ltkm.verifications.length, 1);
  // A genuine push still works afterwards.
  await w.bsm.register(['urn:svc:news']);
  await w.until(() => w.stored.length === 2);
});

test('dropped datagram: nothing arrives; the next push does', async (t) => {
  const w = await startWorld({ gbaU: true });
  t.after(w.close);
  w.net.faults.inject('dropDatagram');
  await w.bsm.register(['urn:svc:news']);
  await w.net.events.waitFor((e) => e.type === 'ltkm-push' && e.dropped);
  assert.equal(w.intake.stats().received, 0);
  await w.bsm.register(['urn:svc:news']);
  await w.until(() => w.stored.length === 1);
});

test('4xx other than 401 is surfaced at once, without retries', async (t) => {
  const clock = recordingClock();
  const w = await startWorld({ gbaU: true, clock });
  t.after(w.close);
  await w.bsm.register([ALL_SERVICES]);
  w.net.faults.inject('bsm403');
  const before = w.bsm.stats().roundTrips;
  await assert.rejects(w.bsm.register([ALL_SERVICES]), (e: unknown) => e instanceof BsmError && e.reason === 'http-status' && e.status === 403);
  assert.equal(w.bsm.stats().roundTrips - before, 1);
  assert.deepEqual(clock.sleeps, []);
});
