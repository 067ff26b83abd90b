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
    m.deleteMsks(KDID, ID.keyGroup);
    assert.ok(!m.hasMsk(KDID, ID));
    assert.throws(() => m.deleteMsks(KDID, ID.keyGroup), KeyNotFoundError);
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

  describe('two MSKs per Key Domain / Key Group, as EF_MSK keeps them (TS 31.102 §4.2.80)', () => {
    const mskOf = (id: { keyGroup: number; keyNumber: number }) => Buffer.alloc(16, 0x40 + id.keyGroup * 16 + id.keyNumber);
    const id = (keyGroup: number, keyNumber: number) => ({ keyGroup, keyNumber });
    const store = (m: MeMikey, counter: number, mskId: { keyGroup: number; keyNumber: number }) => m.mskUpdate(mskMessage({ muk: MUK, counter, msk: mskOf(mskId), mskId }));
    const mtkUnder = (m: MeMikey, mskId: { keyGroup: number; keyNumber: number }, counter: number) =>
      m.mtkGenerate(mtkMessage({ msk: mskOf(mskId), counter, mtkId: 1, mtk: MTK, mskId }));
    const held = (m: MeMikey, g: number) => [1, 2, 3, 4, 5, 6].filter((n) => m.hasMsk(KDID, id(g, n)));

    it('5 rotations of one key group: each new MSK stored, only the last two usable, other groups untouched', () => {
      const m = me();
      let c = 1;
      store(m, c++, id(2, 1));
      store(m, c++, id(1, 1));
      const expected = [[1, 2], [2, 3], [3, 4], [4, 5], [5, 6]];
      for (const [i, want] of expected.entries()) {
        assert.equal(store(m, c++, id(1, i + 2)).stored, true, `rotation ${i + 1}`);
        assert.deepEqual(held(m, 1), want, `rotation ${i + 1}`);
      }
      assert.equal(toHex(mtkUnder(m, id(1, 6), 7).mtk.reveal()), toHex(MTK));
      assert.equal(toHex(mtkUnder(m, id(1, 5), 1).mtk.reveal()), toHex(MTK), 'counters stay per MSK');
      assert.throws(() => mtkUnder(m, id(1, 5), 1), KeyFreshnessError);
      for (const n of [4, 3, 2, 1]) assert.throws(() => mtkUnder(m, id(1, n), 10), KeyNotFoundError, `MSK 1/${n} replaced`);
      m.deleteMsks(KDID, 1);
      assert.deepEqual(held(m, 1), [], 'MSK deletion takes the whole key group');
      assert.deepEqual(held(m, 2), [1]);
      assert.equal(toHex(mtkUnder(m, id(2, 1), 1).mtk.reveal()), toHex(MTK), 'the other key group keeps its MSK');
    });

    it('the same MSK ID delivered again is replaced in place: the other MSK of the group stays the older one', () => {
      const m = me();
      store(m, 1, id(1, 1));
      store(m, 2, id(1, 2));
      store(m, 3, id(1, 1));
      assert.deepEqual(held(m, 1), [1, 2]);
      store(m, 4, id(1, 3));
      assert.deepEqual(held(m, 1), [2, 3]);
      assert.throws(() => mtkUnder(m, id(1, 1), 1), KeyNotFoundError);
    });
  });
});
