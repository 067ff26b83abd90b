import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CardAuthError, CardStatusError, KeyFreshnessError, KeyNotFoundError, MeMikey } from '../../../src/card/index.js';
import { toHex } from '../../../src/codec/hex.js';
import { decodeMikey, macInput } from '../../../src/codec/mikey/index.js';
import { Secret, deriveMikeyKeys, verificationMac, verifyMac } from '../../../src/crypto/index.js';
import { BSM_FQDN, BTID, KDID, MSK_CSB, MSK_RAND, NAF_ID, mskMessage, mtkMessage } from '../sim-usim/fixtures.js';

const te = new TextEncoder();
const MUK = Buffer.alloc(32, 0x17);
const MSK = Buffer.alloc(16, 0x42);
const MTK = Buffer.alloc(16, 0x55);
const SALT = Buffer.alloc(14, 0x66);
const ID = { keyGroup: 1, keyNumber: 1 };

function me(): MeMikey {
  const m = new MeMikey(KDID);
  m.addMuk(NAF_ID, te.encode(BTID), new Secret(MUK));
  return m;
}

describe('ME-side MIKEY (GBA_ME)', () => {
  it('stores the MSK of an MSK message and answers a verification message the BSM can check', () => {
    const m = me();
    const r = m.mskUpdate(mskMessage({ muk: MUK, counter: 4, msk: MSK, v: true }));
    assert.deepEqual({ ...r, verification: null }, { keyDomainId: toHex(KDID), mskId: ID, stored: true, solicitedPull: false, verification: null });
    assert.ok(m.hasMsk(KDID, ID));
    const v = decodeMikey(r.verification!);
    const mac = v.payloads.find((p) => p.type === 'V')!;
    const expect = verificationMac(deriveMikeyKeys(MUK, MSK_CSB, MSK_RAND).authKey, macInput(r.verification!, v), te.encode(BSM_FQDN), te.encode(BTID), Uint8Array.of(0, 0, 0, 4));
    assert.ok(mac.type === 'V' && verifyMac(expect, mac.mac));
  });

  it('refuses replays (KeyFreshnessError), wrong MACs (CardAuthError), unknown MUKs (KeyNotFoundError), garbage (wrong-data)', () => {
    const m = me();
    const msg = mskMessage({ muk: MUK, counter: 4, msk: MSK });
    m.mskUpdate(msg);
    assert.throws(() => m.mskUpdate(msg), (e: unknown) => e instanceof KeyFreshnessError && e.sw === undefined);
    assert.throws(() => m.mskUpdate(mskMessage({ muk: MUK, counter: 5, msk: MSK, badMac: true })), CardAuthError);
    assert.throws(() => m.mskUpdate(mskMessage({ muk: MUK, counter: 5, msk: MSK, idr: 'x@bsf' })), KeyNotFoundError);
    assert.throws(() => m.mskUpdate(Uint8Array.of(1, 2, 3)), (e: unknown) => e instanceof CardStatusError && e.code === 'wrong-data');
    assert.throws(() => m.mskUpdate(mtkMessage({ msk: MSK, counter: 9, mtkId: 1, mtk: MTK })), (e: unknown) => e instanceof CardStatusError && e.code === 'wrong-data');
  });

  it('checks a key-less solicited pull and stores nothing (but its counter counts)', () => {
    const m = me();
    assert.throws(() => m.mskUpdate(mskMessage({ muk: MUK, counter: 2, badMac: true })), CardAuthError);
    const r = m.mskUpdate(mskMessage({ muk: MUK, counter: 2 }));
    assert.deepEqual([r.stored, r.solicitedPull, r.verification], [false, true, null]);
    assert.ok(!m.hasMsk(KDID, { keyGroup: 0, keyNumber: 0 }));
    assert.throws(() => m.mskUpdate(mskMessage({ muk: MUK, counter: 2 })), KeyFreshnessError);
  });

  it('generates the MTK (and salt) of MTK messages under a stored MSK', () => {
    const m = me();
    m.mskUpdate(mskMessage({ muk: MUK, counter: 1, msk: MSK, range: [10, 20] }));
    const r = m.mtkGenerate(mtkMessage({ msk: MSK, counter: 1, mtkId: 10, mtk: MTK, salt: SALT }));
    assert.deepEqual([r.keyDomainId, r.mskId, r.mtkId], [toHex(KDID), ID, 10]);
    assert.equal(toHex(r.mtk.reveal()), toHex(MTK));
    assert.equal(toHex(r.salt!.reveal()), toHex(SALT));
    assert.equal(String(r.mtk), '[secret]');
    assert.throws(() => m.mtkGenerate(mtkMessage({ msk: MSK, counter: 1, mtkId: 11, mtk: MTK })), KeyFreshnessError);
    assert.throws(() => m.mtkGenerate(mtkMessage({ msk: MSK, counter: 2, mtkId: 21, mtk: MTK })), KeyFreshnessError);
    assert.throws(() => m.mtkGenerate(mtkMessage({ msk: MSK, counter: 2, mtkId: 11, mtk: MTK, badMac: true })), CardAuthError);
    assert.equal(m.mtkGenerate(mtkMessage({ msk: MSK, counter: 2, mtkId: 11, mtk: MTK })).salt, null);
    assert.throws(() => m.mtkGenerate(mtkMessage({ msk: MSK, counter: 3, mtkId: 11, mtk: MTK, mskId: { keyGroup: 2, keyNumber: 2 } })), KeyNotFoundError);
  });

  it('deletes MSKs and MUKs; wipe() forgets everything', () => {
    const m = me();
    m.mskUpdate(mskMessage({ muk: MUK, counter: 1, msk: MSK }));
    m.deleteMsk(KDID, ID);
    assert.ok(!m.hasMsk(KDID, ID));
    assert.throws(() => m.deleteMsk(KDID, ID), KeyNotFoundError);
    m.deleteMuk(te.encode(BSM_FQDN), te.encode(BTID));
    assert.equal(m.mukCount, 0);
    const n = me();
    n.mskUpdate(mskMessage({ muk: MUK, counter: 1, msk: MSK }));
    n.wipe();
    assert.equal(n.mukCount, 0);
    assert.ok(!n.hasMsk(KDID, ID));
  });

  it('a new MUK for the same NAF replaces the old one and restarts its counter', () => {
    const m = me();
    m.mskUpdate(mskMessage({ muk: MUK, counter: 9, msk: MSK }));
    const next = Buffer.alloc(32, 0x18);
    m.addMuk(NAF_ID, te.encode(BTID), new Secret(next));
    assert.equal(m.mukCount, 1);
    assert.throws(() => m.mskUpdate(mskMessage({ muk: MUK, counter: 10, msk: MSK })), CardAuthError);
    assert.equal(m.mskUpdate(mskMessage({ muk: next, counter: 1, msk: MSK })).stored, true);
  });
});
