import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskId } from '../../../src/util/mask.js';
import { ALL_SERVICES } from '../../../src/codec/index.js';
import { KEY_DOMAIN, SUBSCRIBER, startWorld } from './world.js';

for (const gbaU of [true, false]) {
  const name = gbaU ? 'GBA_U' : 'GBA_ME';
  test(`${name}: bootstrap → register → pushed LTKM stored → verification answered → BSM records it`, async (t) => {
    const w = await startWorld({ gbaU });
    t.after(w.close);
    const r = await w.bsm.register([ALL_SERVICES]);
    assert.deepEqual(r.items.map((i) => [i.serviceId, i.status]), [[ALL_SERVICES, 200]]);
    assert.equal(r.roundTrips, 2, 'cold: 401 challenge then the authenticated request');
    const session = w.gba.session!;
    assert.equal(session.mode, gbaU ? 'gba-u' : 'gba-me');
    // The BSM pushes the MSK of both purchased services.
    await w.until(() => w.stored.length === 2);
    await w.net.events.waitFor((e) => e.type === 'verification' && e.counter === 2);
    const verifications = w.net.bsm.ltkm.verifications;
    assert.equal(verifications.length, 2);
    assert.ok(verifications.every((v) => v.ok && v.btid === session.btid));
    assert.deepEqual(verifications.map((v) => v.counter).sort(), [1, 2]);
    for (const svc of ['urn:svc:news', 'urn:svc:sport']) {
      const net = w.net.bsm.currentMsk(svc)!;
      const kg = w.net.bsm.service(svc)!.keyGroup;
      assert.deepEqual(w.stored.find((s) => s.keyGroup === kg), { keyDomainId: KEY_DOMAIN, keyGroup: kg, keyNumber: net.keyNumber }, `MSK of ${svc} stored`);
      // The card decrypted the BSM's MSK: an STKM under it yields the BSM's TEK, up to the last MTK ID of the validity (FFFF).
      const { tek, mtk, mtkId } = await w.keys.mtk(svc, { mtkId: 0xffff });
      assert.deepEqual(mtk, tek, 'MTK under the stored MSK = the TEK the BSM put in');
      assert.equal(mtkId, 0xffff);
    }
    const reg = w.net.bsm.registrationOf(SUBSCRIBER.imsi)!;
    assert.equal(reg.address, '127.0.0.1');
    assert.deepEqual([...reg.services].sort(), ['urn:svc:news', 'urn:svc:sport']);
    const ev = w.net.events.ofType('register')[0]!;
    assert.equal(ev.btid, maskId(session.btid));
    assert.deepEqual(ev.services, [ALL_SERVICES]);
    // SPEC §5: the GBA product token of the flavour reached the BSM (it refuses requests without one).
    assert.equal(ev.userAgentToken, gbaU ? '3gpp-gba-uicc' : '3gpp-gba');
    assert.equal(w.intake.stats().verificationsSent, 2);
    // Who did the work: GBA_U bootstraps and processes the MIKEY messages on the USIM; GBA_ME runs 3G AKA on it
    // and the card adapter's ME side does the rest.
    assert.deepEqual(w.auths, gbaU ? ['gba-bootstrap', 'gba-naf', 'mbms', 'mbms', 'mbms', 'mbms'] : ['3g']);
    // Control API shows the verifications and registrations too.
    const ver = (await (await fetch(`${w.net.urls.control}/verifications`)).json()) as Array<{ ok: boolean; btid: string }>;
    assert.equal(ver.length, 2);
    assert.ok(ver.every((v) => v.ok && v.btid === maskId(session.btid)));
  });
}

test('warm re-registration costs exactly one HTTP round trip', async (t) => {
  const w = await startWorld({ gbaU: true });
  t.after(w.close);
  await w.bsm.register(['urn:svc:news']);
  const gbaTrips = w.gba.stats().roundTrips;
  for (let i = 0; i < 3; i++) {
    const r = await w.bsm.register(['urn:svc:news']);
    assert.equal(r.roundTrips, 1);
  }
  assert.equal(w.gba.stats().roundTrips, gbaTrips, 'no bootstrap traffic');
  assert.equal(w.bsm.stats().roundTrips, 2 + 3);
});

test('per-service status codes are surfaced; MSK request is answered by a push', async (t) => {
  const w = await startWorld({ gbaU: false });
  t.after(w.close);
  const r = await w.bsm.register(['urn:svc:news', 'urn:svc:movies']);
  assert.deepEqual(r.items.map((i) => i.status), [200, 403]);
  await w.until(() => w.stored.length === 1);
  const kd = Buffer.from(KEY_DOMAIN, 'hex');
  const m = await w.bsm.requestMsk([
    { keyDomainId: kd, mskId: Uint8Array.of(0x02, 0x02, 0, 0) },
    { keyDomainId: kd, mskId: Uint8Array.of(0x03, 0x03, 0, 0) },
    { keyDomainId: kd, mskId: Uint8Array.of(0x09, 0x09, 0, 0) },
  ]);
  assert.deepEqual(m.items.map((i) => i.status), [200, 403, 404]);
  assert.equal(m.roundTrips, 1);
  await w.until(() => w.stored.some((s) => s.keyGroup === 0x0202));
  const ev = w.net.events.ofType('msk-request')[0]!;
  assert.deepEqual(ev.keys.map((k) => k.keyGroup), [0x0202, 0x0303, 0x0909]);
  assert.equal(ev.userAgentToken, '3gpp-gba');
  const d = await w.bsm.deregister(['urn:svc:news']);
  assert.deepEqual(d.items.map((i) => i.status), [200]);
  assert.deepEqual(w.net.events.ofType('deregister').map((e) => e.userAgentToken), ['3gpp-gba']);
});
