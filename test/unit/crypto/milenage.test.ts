import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  buildAuts,
  checkAutn,
  computeOpc,
  f1,
  f1star,
  f2,
  f2345,
  f3,
  f4,
  f5,
  f5star,
  generateAuthVector,
  resolveAuts,
  sqnFromNumber,
  sqnToNumber,
} from '../../../src/crypto/milenage.js';
import { hex, loadVector, type CryptoVectors, type MilenageSet } from './vectors.js';

const shared = loadVector<{ sets: MilenageSet[] }>('milenage.json').sets;

/**
 * TS 35.208 §4.3.3-4.3.6 (test sets 3-6), as tabulated in hostap tests/test-milenage.c
 * ("3GPP TS 35.208 v6.0.0 - 4.3.3 … 4.3.6"), cross-checked against free5gc/util
 * milenage/milenage_test.go, which lists the same values (for set 6 without RES, CK and AK).
 */
const ts35208Sets3to6: MilenageSet[] = [
  {
    testSet: 3,
    K: 'fec86ba6eb707ed08905757b1bb44b8f',
    RAND: '9f7c8d021accf4db213ccff0c7f71a6a',
    SQN: '9d0277595ffc',
    AMF: '725c',
    OP: 'dbc59adcb6f9a0ef735477b7fadf8374',
    OPc: '1006020f0a478bf6b699f15c062e42b3',
    f1_MAC_A: '9cabc3e99baf7281',
    f1star_MAC_S: '95814ba2b3044324',
    f2_RES: '8011c48c0c214ed2',
    f3_CK: '5dbdbb2954e8f3cde665b046179a5098',
    f4_IK: '59a92d3b476a0443487055cf88b2307b',
    f5_AK: '33484dc2136b',
    f5star_AKstar: 'deacdd848cc6',
  },
  {
    testSet: 4,
    K: '9e5944aea94b81165c82fbf9f32db751',
    RAND: 'ce83dbc54ac0274a157c17f80d017bd6',
    SQN: '0b604a81eca8',
    AMF: '9e09',
    OP: '223014c5806694c007ca1eeef57f004f',
    OPc: 'a64a507ae1a2a98bb88eb4210135dc87',
    f1_MAC_A: '74a58220cba84c49',
    f1star_MAC_S: 'ac2cc74a96871837',
    f2_RES: 'f365cd683cd92e96',
    f3_CK: 'e203edb3971574f5a94b0d61b816345d',
    f4_IK: '0c4524adeac041c4dd830d20854fc46b',
    f5_AK: 'f0b9c08ad02e',
    f5star_AKstar: '6085a86c6f63',
  },
  {
    testSet: 5,
    K: '4ab1deb05ca6ceb051fc98e77d026a84',
    RAND: '74b0cd6031a1c8339b2b6ce2b8c4a186',
    SQN: 'e880a1b580b6',
    AMF: '9f07',
    OP: '2d16c5cd1fdf6b22383584e3bef2a8d8',
    OPc: 'dcf07cbd51855290b92a07a9891e523e',
    f1_MAC_A: '49e785dd12626ef2',
    f1star_MAC_S: '9e85790336bb3fa2',
    f2_RES: '5860fc1bce351e7e',
    f3_CK: '7657766b373d1c2138f307e3de9242f9',
    f4_IK: '1c42e960d89b8fa99f2744e0708ccb53',
    f5_AK: '31e11a609118',
    f5star_AKstar: 'fe2555e54aa9',
  },
  {
    testSet: 6,
    K: '6c38a116ac280c454f59332ee35c8c4f',
    RAND: 'ee6466bc96202c5a557abbeff8babf63',
    SQN: '414b98222181',
    AMF: '4464',
    OP: '1ba00a1a7c6700ac8c3ff3e96ad08725',
    OPc: '3803ef5363b947c6aaa225e58fae3934',
    f1_MAC_A: '078adfb488241a57',
    f1star_MAC_S: '80246b8d0186bcf1',
    f2_RES: '16c8233f05a0ac28',
    f3_CK: '3f8c7587fe8e4b233af676aede30ba3b',
    f4_IK: 'a7466cc1e6b2a1337d49d3b66e95d7b4',
    f5_AK: '45b0f69ab06c',
    f5star_AKstar: '1f53cd2b1113',
  },
];

for (const [source, sets] of [['test/vectors/milenage.json', shared], ['TS 35.208 (hostap table)', ts35208Sets3to6]] as const) {
  for (const v of sets) {
    test(`Milenage test set ${v.testSet} (${source}): every output, OPc derived from OP`, () => {
      const K = hex(v.K);
      const RAND = hex(v.RAND);
      const opc = computeOpc(K, hex(v.OP));
      assert.equal(opc.toString('hex'), v.OPc);
      assert.equal(f1(K, opc, RAND, hex(v.SQN), hex(v.AMF)).toString('hex'), v.f1_MAC_A);
      assert.equal(f1star(K, opc, RAND, hex(v.SQN), hex(v.AMF)).toString('hex'), v.f1star_MAC_S);
      assert.equal(f2(K, opc, RAND).toString('hex'), v.f2_RES);
      assert.equal(f3(K, opc, RAND).toString('hex'), v.f3_CK);
      assert.equal(f4(K, opc, RAND).toString('hex'), v.f4_IK);
      assert.equal(f5(K, opc, RAND).toString('hex'), v.f5_AK);
      assert.equal(f5star(K, opc, RAND).toString('hex'), v.f5star_AKstar);
    });

    test(`Milenage test set ${v.testSet} (${source}): f2345 with the given OPc`, () => {
      const r = f2345(hex(v.K), hex(v.OPc), hex(v.RAND));
      assert.deepEqual(
        { res: r.res.toString('hex'), ck: r.ck.toString('hex'), ik: r.ik.toString('hex'), ak: r.ak.toString('hex'), akStar: r.akStar.toString('hex') },
        { res: v.f2_RES, ck: v.f3_CK, ik: v.f4_IK, ak: v.f5_AK, akStar: v.f5star_AKstar },
      );
    });
  }
}

const set1 = shared.find((s) => s.testSet === 1)!;
const set1Input = { K: hex(set1.K), OPc: hex(set1.OPc), SQN: hex(set1.SQN), AMF: hex(set1.AMF), RAND: hex(set1.RAND) };

test('generateAuthVector: AUTN of test set 1 matches crypto.json, the rest matches the f-functions', () => {
  const { milenageAutnTestSet1 } = loadVector<CryptoVectors>('crypto.json');
  const av = generateAuthVector(set1Input);
  assert.equal(av.AUTN.toString('hex'), milenageAutnTestSet1);
  assert.equal(av.RAND.toString('hex'), set1.RAND);
  assert.equal(av.XRES.toString('hex'), set1.f2_RES);
  assert.equal(av.CK.toString('hex'), set1.f3_CK);
  assert.equal(av.IK.toString('hex'), set1.f4_IK);
  assert.equal(av.AK.toString('hex'), set1.f5_AK);
});

test('checkAutn: the card accepts the vector and recovers SQN and AMF', () => {
  const av = generateAuthVector(set1Input);
  const r = checkAutn({ K: set1Input.K, OPc: set1Input.OPc, RAND: av.RAND, AUTN: av.AUTN });
  assert.deepEqual(
    { ok: r.ok, macOk: r.macOk, sqnOk: r.sqnOk, sqn: r.sqn.toString('hex'), amf: r.amf.toString('hex') },
    { ok: true, macOk: true, sqnOk: true, sqn: set1.SQN, amf: set1.AMF },
  );
});

test('checkAutn: a changed byte anywhere in AUTN is a MAC failure', () => {
  const av = generateAuthVector(set1Input);
  for (let i = 0; i < 16; i++) {
    const autn = Buffer.from(av.AUTN);
    autn[i]! ^= 0x01;
    const r = checkAutn({ K: set1Input.K, OPc: set1Input.OPc, RAND: av.RAND, AUTN: autn });
    assert.equal(r.macOk, false, `byte ${i}`);
    assert.equal(r.ok, false);
  }
});

test('checkAutn: a stale SQN is a synchronisation failure, not a MAC failure', () => {
  const av = generateAuthVector(set1Input);
  const seen: string[] = [];
  const r = checkAutn({
    K: set1Input.K,
    OPc: set1Input.OPc,
    RAND: av.RAND,
    AUTN: av.AUTN,
    acceptSqn: (sqn) => {
      seen.push(sqn.toString('hex'));
      return false;
    },
  });
  assert.deepEqual([r.ok, r.macOk, r.sqnOk], [false, true, false]);
  assert.deepEqual(seen, [set1.SQN]);
});

test('checkAutn: acceptSqn is not consulted when the MAC is wrong', () => {
  const av = generateAuthVector(set1Input);
  av.AUTN[15]! ^= 0xff;
  let called = false;
  const r = checkAutn({ K: set1Input.K, OPc: set1Input.OPc, RAND: av.RAND, AUTN: av.AUTN, acceptSqn: () => (called = true) });
  assert.equal(called, false);
  assert.deepEqual([r.ok, r.macOk, r.sqnOk], [false, false, false]);
});

/**
 * AUTS values that verify with TS 35.208 test set 20's K / OPc, from hostap tests/test-milenage.c
 * ("milenage_auts test"; the second one is labelled "AUTS from a test USIM", RAND = aa…aa).
 * SQNms of the first: 4f2039392ddd xor f5*(set 20) 4f2039392ddc = 000000000001.
 */
const set20 = { K: hex('90dca4eda45b53cf0f12d7c9c3bc6a89'), OPc: hex('cb9cccc4b9258e6dca4760379fb82581') };
const autsCases = [
  { RAND: hex('9fddc72092c6ad036b6e464789315b78'), AUTS: '4f2039392ddd4bb4316ed4a14688', sqn: '000000000001' },
  { RAND: Buffer.alloc(16, 0xaa), AUTS: '43681ad3daf006bcde405a207267', sqn: undefined },
];

for (const [i, c] of autsCases.entries()) {
  test(`resolveAuts / buildAuts: published AUTS #${i + 1} verifies and is rebuilt exactly`, () => {
    const r = resolveAuts({ ...set20, RAND: c.RAND, AUTS: hex(c.AUTS) });
    assert.equal(r.macOk, true);
    if (c.sqn) assert.equal(r.sqnMs.toString('hex'), c.sqn);
    assert.equal(buildAuts({ ...set20, RAND: c.RAND, SQNms: r.sqnMs }).toString('hex'), c.AUTS);
  });
}

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

test('property: buildAuts → resolveAuts returns SQNms with a valid MAC-S', () => {
  fc.assert(
    fc.property(bytes(16), bytes(16), bytes(16), fc.integer({ min: 0, max: 2 ** 48 - 1 }), (K, OPc, RAND, sqn) => {
      const SQNms = sqnFromNumber(sqn);
      const r = resolveAuts({ K, OPc, RAND, AUTS: buildAuts({ K, OPc, RAND, SQNms }) });
      assert.equal(r.macOk, true);
      assert.equal(sqnToNumber(r.sqnMs), sqn);
    }),
  );
});

test('property: any flipped bit in AUTS fails MAC-S', () => {
  fc.assert(
    fc.property(bytes(16), bytes(16), bytes(16), bytes(6), fc.integer({ min: 0, max: 14 * 8 - 1 }), (K, OPc, RAND, SQNms, bit) => {
      const auts = buildAuts({ K, OPc, RAND, SQNms });
      auts[bit >> 3]! ^= 1 << (bit & 7);
      assert.equal(resolveAuts({ K, OPc, RAND, AUTS: auts }).macOk, false);
    }),
  );
});

test('property: checkAutn accepts every generated vector and recovers its SQN and AMF', () => {
  fc.assert(
    fc.property(bytes(16), bytes(16), bytes(16), bytes(6), bytes(2), (K, OPc, RAND, SQN, AMF) => {
      const av = generateAuthVector({ K, OPc, RAND, SQN, AMF });
      const r = checkAutn({ K, OPc, RAND, AUTN: av.AUTN });
      assert.equal(r.ok, true);
      assert.deepEqual([...r.sqn], [...SQN]);
      assert.deepEqual([...r.amf], [...AMF]);
    }),
  );
});

test('sqnFromNumber / sqnToNumber: 48-bit big-endian, range checked', () => {
  assert.equal(sqnFromNumber(0x0102030405).toString('hex'), '000102030405');
  assert.equal(sqnToNumber(hex('ff9bb4d0b607')), 0xff9bb4d0b607);
  assert.throws(() => sqnFromNumber(2 ** 48), RangeError);
  assert.throws(() => sqnFromNumber(-1), RangeError);
});

test('wrong key or field sizes are refused with a RangeError naming the field', () => {
  const k = hex(set1.K);
  assert.throws(() => computeOpc(k.subarray(0, 15), hex(set1.OP)), /K must be 16 bytes/);
  assert.throws(() => f2345(k, hex(set1.OPc), Buffer.alloc(8)), /RAND must be 16 bytes/);
  assert.throws(() => f1(k, hex(set1.OPc), hex(set1.RAND), Buffer.alloc(5), hex(set1.AMF)), /SQN must be 6 bytes/);
  assert.throws(() => checkAutn({ K: k, OPc: hex(set1.OPc), RAND: hex(set1.RAND), AUTN: Buffer.alloc(15) }), /AUTN must be 16 bytes/);
  assert.throws(() => resolveAuts({ K: k, OPc: hex(set1.OPc), RAND: hex(set1.RAND), AUTS: Buffer.alloc(16) }), /AUTS must be 14 bytes/);
});
