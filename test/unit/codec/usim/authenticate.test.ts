import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DecodeError, EncodeError } from '../../../../src/codec/errors.js';
import { fromHex, toHex } from '../../../../src/codec/hex.js';
import {
  auth3gCommand,
  decodeAuth3gData,
  decodeAuth3gResponse,
  decodeGbaBootstrapResponse,
  decodeGbaData,
  decodeGbaNafResponse,
  encodeAuth3gResponse,
  encodeCommandApdu,
  encodeGbaBootstrapResponse,
  encodeGbaData,
  encodeGbaNafResponse,
  gbaCommand,
} from '../../../../src/codec/usim/index.js';
import { loadVector, type MilenageSet } from '../../crypto/vectors.js';

const [set1] = loadVector<{ sets: MilenageSet[] }>('milenage.json').sets;
const AUTN1 = loadVector<{ milenageAutnTestSet1: string }>('crypto.json').milenageAutnTestSet1;
const b = (h: string) => fromHex(h);

describe('usim codec: AUTHENTICATE 3G context (P2 81)', () => {
  it('command: 00 88 00 81 22 10 RAND 10 AUTN 00 (TS 35.208 test set 1)', () => {
    const hex = toHex(encodeCommandApdu(auth3gCommand(b(set1!.RAND), b(AUTN1))));
    assert.equal(hex, `0088008122` + `10${set1!.RAND}` + `10${AUTN1}` + '00');
    assert.deepEqual(decodeAuth3gData(b(hex.slice(10, -2))), { rand: b(set1!.RAND), autn: b(AUTN1) });
  });

  it('success answer DB L RES L CK L IK [08 Kc] with the published test set 1 values', () => {
    const data = `db08${set1!.f2_RES}10${set1!.f3_CK}10${set1!.f4_IK}`;
    const r = decodeAuth3gResponse(b(data));
    assert.equal(r.kind, 'success');
    if (r.kind !== 'success') return;
    assert.equal(toHex(r.res), set1!.f2_RES);
    assert.equal(toHex(r.ck), set1!.f3_CK);
    assert.equal(toHex(r.ik), set1!.f4_IK);
    assert.equal(r.kc, undefined);
    assert.equal(toHex(encodeAuth3gResponse(r)), data);
    const withKc = decodeAuth3gResponse(b(`${data}080102030405060708`));
    assert.equal(withKc.kind === 'success' && toHex(withKc.kc!), '0102030405060708');
  });

  it('sync failure answer DC 0E AUTS', () => {
    const auts = '00112233445566778899aabbccdd';
    const r = decodeAuth3gResponse(b(`dc0e${auts}`));
    assert.deepEqual(r, { kind: 'sync-failure', auts: b(auts) });
    assert.equal(toHex(encodeAuth3gResponse(r)), `dc0e${auts}`);
  });

  it('rejects malformed answers with DecodeError', () => {
    for (const [hex, reason] of [
      ['', 'truncated'],
      ['aa00', 'bad-tag'],
      ['db02aabb', 'bad-length'],
      [`db08${set1!.f2_RES}08${set1!.f3_CK.slice(0, 16)}`, 'bad-length'],
      ['dc0d00112233445566778899aabbcc', 'bad-length'],
      [`dc0e00112233445566778899aabbccdd00`, 'trailing-data'],
    ] as const) {
      assert.throws(() => decodeAuth3gResponse(b(hex)), (e: unknown) => e instanceof DecodeError && e.reason === reason, hex);
    }
    assert.throws(() => decodeAuth3gData(b(`0f${set1!.RAND.slice(2)}10${AUTN1}`)), DecodeError);
  });
});

describe('usim codec: AUTHENTICATE GBA context (P2 84)', () => {
  it('bootstrapping: DD 10 RAND 10 AUTN → DB L RES or DC L AUTS', () => {
    const cmd = gbaCommand({ mode: 'bootstrap', rand: b(set1!.RAND), autn: b(AUTN1) });
    assert.equal(cmd.p2, 0x84);
    assert.equal(toHex(cmd.data!), `dd10${set1!.RAND}10${AUTN1}`);
    assert.deepEqual(decodeGbaData(cmd.data!), { mode: 'bootstrap', rand: b(set1!.RAND), autn: b(AUTN1) });
    const ok = decodeGbaBootstrapResponse(b(`db08${set1!.f2_RES}`));
    assert.deepEqual(ok, { kind: 'success', res: b(set1!.f2_RES) });
    assert.equal(toHex(encodeGbaBootstrapResponse(ok)), `db08${set1!.f2_RES}`);
    assert.equal(decodeGbaBootstrapResponse(b(`dc0e${'00'.repeat(14)}`)).kind, 'sync-failure');
  });

  it('NAF derivation: DE L NAF_ID L IMPI → DB 20 Ks_ext_NAF', () => {
    const nafId = b('626d73632e6578616d706c652e636f6d0100000001');
    const impi = new TextEncoder().encode('001010000000001@ims.mnc001.mcc001.3gppnetwork.org');
    const data = encodeGbaData({ mode: 'naf-derivation', nafId, impi });
    assert.equal(toHex(data.subarray(0, 2)), 'de15');
    assert.deepEqual(decodeGbaData(data), { mode: 'naf-derivation', nafId, impi });
    const ks = 'b704e67cdc728fa2788688aefe3aa1a6be0c96b54ea073540b070aae2452326d';
    assert.equal(toHex(encodeGbaNafResponse(b(ks))), `db20${ks}`);
    assert.equal(toHex(decodeGbaNafResponse(b(`db20${ks}`))), ks);
  });

  it('rejects unknown modes and wrong key sizes', () => {
    assert.throws(() => decodeGbaData(b('df00')), (e: unknown) => e instanceof DecodeError && e.reason === 'bad-tag');
    assert.throws(() => decodeGbaNafResponse(b(`db10${'00'.repeat(16)}`)), DecodeError);
    assert.throws(() => encodeGbaData({ mode: 'naf-derivation', nafId: new Uint8Array(0), impi: new Uint8Array(1) }), EncodeError);
  });
});
