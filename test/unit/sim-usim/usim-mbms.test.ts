import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMikey, macInput } from '../../../src/codec/mikey/index.js';
import {
  FID,
  SW,
  concatBytes,
  decodeCommandApdu,
  decodeMbmsResponse,
  decodeGbaNlRecord,
  decodeMskRecord,
  decodeMukRecord,
  encodeGbaBp,
  gbaCommand,
  mbmsCommandBlocks,
  mbmsRetrieveCommand,
  readRecord,
  selectFid,
  updateBinary,
  type MbmsCommand,
} from '../../../src/codec/usim/index.js';
import { deriveKsNaf, deriveMikeyKeys, nafId, verificationMac, verifyMac, UA_PROTOCOL_ID_MBMS } from '../../../src/crypto/index.js';
import { BSM_FQDN, BTID, IMPI, KDID, MSK_CSB, MSK_RAND, NAF_ID, gbaKeys, mskMessage, mtkMessage } from './fixtures.js';
import { FILE_SIZES } from '../../../src/sim/usim/index.js';
import { rig, type Rig } from './rig.js';

const te = new TextEncoder();
const MSK = Buffer.alloc(16, 0x42);
const MTK = Buffer.alloc(16, 0x55);
const SALT = Buffer.alloc(14, 0x66);

/** GBA_U bootstrapping, B-TID stored, NAF derivation for `naf`: the card now holds the MUK (returned). */
async function gbaDone(r: Rig, naf: Uint8Array = NAF_ID): Promise<Buffer> {
  const rand = Buffer.alloc(16, 9);
  const { av } = gbaKeys(r.sub, 64, rand);
  await r.ch.command(gbaCommand({ mode: 'bootstrap', rand, autn: av.AUTN }), { op: 'GBA' });
  await r.ch.command(selectFid(FID.EF_GBABP, false), { op: 'SELECT' });
  await r.ch.command(updateBinary(0, encodeGbaBp({ rand, btid: BTID, lifetime: '2030-01-01T00:00:00Z' }, 160)), { op: 'UPDATE' });
  await r.ch.command(gbaCommand({ mode: 'naf-derivation', nafId: naf, impi: te.encode(IMPI) }), { op: 'NAF' });
  return deriveKsNaf({ ck: av.CK, ik: av.IK, rand, impi: IMPI, nafId: naf, kind: 'gba-u' });
}

/**
 * The exchange as a terminal must run it (SPEC §8): the blocks while the card answers 63 F1, then, on
 * 62 F3, retrieval while it answers 62 F1. Returns the final data and SW.
 */
async function mbms(r: Rig, cmd: MbmsCommand): Promise<{ data: Uint8Array; sw: number }> {
  let last: { data: Uint8Array; sw: number } = { data: new Uint8Array(0), sw: 0 };
  for (const block of mbmsCommandBlocks(cmd)) {
    last = await r.run(block);
    if (last.sw !== SW.MORE_COMMAND_DATA) break;
  }
  if (last.sw !== SW.AUTH_RESPONSE_AVAILABLE) return last;
  const parts: Uint8Array[] = [];
  let x: { data: Uint8Array; sw: number };
  let first = true;
  do {
    x = await r.run(mbmsRetrieveCommand(first));
    first = false;
    parts.push(x.data);
  } while (x.sw === SW.MORE_RESPONSE_DATA);
  return { data: concatBytes(...parts), sw: x.sw };
}
const update = (r: Rig, mikey: Uint8Array) => mbms(r, { mode: 'msk-update', mikey });
const mtk = (r: Rig, mikey: Uint8Array) => mbms(r, { mode: 'mtk-generation', mikey });

async function record(r: Rig, fid: number, n: number): Promise<Uint8Array> {
  await r.ch.command(selectFid(fid, false), { op: 'SELECT' });
  return r.ch.command(readRecord(n, fid === FID.EF_MSK ? FILE_SIZES.mskRecord : FILE_SIZES.mukRecord), { op: 'READ' });
}

describe('virtual USIM: MBMS context, MSK update', () => {
  it('stores the MSK (EF_MSK names it, EF_MUK counter moves) and answers the verification message when V is set', async () => {
    const r = await rig();
    const muk = await gbaDone(r);
    const out = await update(r, mskMessage({ muk, counter: 5, msk: MSK, v: true }));
    assert.equal(out.sw, SW.OK);
    assert.deepEqual(decodeMskRecord(await record(r, FID.EF_MSK, 1)), { keyDomainId: Uint8Array.from(KDID), msks: [{ mskId: 0x00010001, tsCounter: 0 }] });
    assert.equal(decodeMukRecord(await record(r, FID.EF_MUK, 1))!.tsCounter, 5);
    const vraw = decodeMbmsResponse(out.data, 'msk-update').verification!;
    const v = decodeMikey(vraw);
    assert.equal(v.hdr.dataType, 1);
    assert.equal(v.hdr.csbId, MSK_CSB);
    const authKey = deriveMikeyKeys(muk, MSK_CSB, MSK_RAND).authKey;
    const vp = v.payloads.find((p) => p.type === 'V')!;
    const expected = verificationMac(authKey, macInput(vraw, v), te.encode(BSM_FQDN), te.encode(BTID), Uint8Array.of(0, 0, 0, 5));
    assert.ok(vp.type === 'V' && verifyMac(expected, vp.mac), 'verification MAC as the BSM computes it');
  });

  it('answers nothing when V is clear; a replayed counter gets 98 65, a wrong MAC 98 62', async () => {
    const r = await rig();
    const muk = await gbaDone(r);
    const msg = mskMessage({ muk, counter: 7, msk: MSK });
    const first = await update(r, msg);
    assert.deepEqual([first.sw, first.data.length], [SW.OK, 0]);
    assert.equal((await update(r, msg)).sw, SW.KEY_FRESHNESS);
    assert.equal((await update(r, mskMessage({ muk, counter: 6, msk: MSK }))).sw, SW.KEY_FRESHNESS);
    assert.equal((await update(r, mskMessage({ muk, counter: 8, msk: MSK, badMac: true }))).sw, SW.AUTH_MAC);
    r.usim.faults.failNextMac();
    assert.equal((await update(r, mskMessage({ muk, counter: 8, msk: MSK }))).sw, SW.AUTH_MAC);
    assert.equal((await update(r, mskMessage({ muk, counter: 8, msk: MSK }))).sw, SW.OK);
  });

  it('checks a key-less solicited pull and stores no key', async () => {
    const r = await rig();
    const muk = await gbaDone(r);
    assert.equal((await update(r, mskMessage({ muk, counter: 3, badMac: true }))).sw, SW.AUTH_MAC);
    assert.equal((await update(r, mskMessage({ muk, counter: 3 }))).sw, SW.OK);
    assert.equal(decodeMskRecord(await record(r, FID.EF_MSK, 1)), null, 'EF_MSK still empty');
    assert.equal(decodeMukRecord(await record(r, FID.EF_MUK, 1))!.tsCounter, 3);
    assert.equal((await update(r, mskMessage({ muk, counter: 3 }))).sw, SW.KEY_FRESHNESS);
  });

  it('refuses an unknown MUK (6A 88) and a malformed message (6A 80)', async () => {
    const r = await rig();
    const muk = await gbaDone(r);
    assert.equal((await update(r, mskMessage({ muk, counter: 1, msk: MSK, idr: 'other@bsf' }))).sw, SW.REFERENCE_NOT_FOUND);
    assert.equal((await update(r, Uint8Array.of(1, 0, 5))).sw, SW.WRONG_DATA);
  });

  it('runs out of room for MUKs: a third NAF gets 98 67', async () => {
    const r = await rig();
    await gbaDone(r);
    await gbaDone(r, nafId('bsm2.example', UA_PROTOCOL_ID_MBMS));
    await assert.rejects(gbaDone(r, nafId('bsm3.example', UA_PROTOCOL_ID_MBMS)), (e: unknown) => (e as { sw?: number }).sw === SW.NO_MEMORY_MUK);
  });
});

describe('virtual USIM: EF_MSK, two MSKs per Key Domain / Key Group (TS 31.102 §4.2.80)', () => {
  const mskOf = (n: number) => Buffer.alloc(16, 0x40 + n);
  const id = (keyGroup: number, keyNumber: number) => ({ keyGroup, keyNumber });
  /** Every used EF_MSK record as "KDID/MSK ID,MSK ID". */
  async function mskRecords(r: Rig): Promise<string[]> {
    const out: string[] = [];
    for (let n = 1; n <= FILE_SIZES.mskRecords; n++) {
      const d = decodeMskRecord(await record(r, FID.EF_MSK, n));
      if (d) out.push(`${Buffer.from(d.keyDomainId).toString('hex')}/${d.msks.map((m) => m.mskId.toString(16).padStart(8, '0')).join(',')}`);
    }
    return out;
  }
  const mtkSw = async (r: Rig, mskId: { keyGroup: number; keyNumber: number }, counter: number) =>
    (await mtk(r, mtkMessage({ msk: mskOf(mskId.keyGroup * 16 + mskId.keyNumber), counter, mtkId: 1, mtk: MTK, mskId }))).sw;
  const store = (r: Rig, muk: Buffer, counter: number, mskId: { keyGroup: number; keyNumber: number }, keyDomainId?: Uint8Array) =>
    update(r, mskMessage({ muk, counter, msk: mskOf(mskId.keyGroup * 16 + mskId.keyNumber), mskId, ...(keyDomainId ? { keyDomainId } : {}) }));

  it('5 rotations of one key group: each new MSK is stored, the older of two replaced; other groups untouched', async () => {
    const r = await rig();
    const muk = await gbaDone(r);
    let c = 1;
    assert.equal((await store(r, muk, c++, id(2, 1))).sw, SW.OK);
    assert.equal((await store(r, muk, c++, id(1, 1))).sw, SW.OK);
    const expected = [
      ['00010001', '00010002'],
      ['00010002', '00010003'],
      ['00010003', '00010004'],
      ['00010004', '00010005'],
      ['00010005', '00010006'],
    ];
    for (const [i, held] of expected.entries()) {
      assert.equal((await store(r, muk, c++, id(1, i + 2))).sw, SW.OK, `rotation ${i + 1}`);
      assert.deepEqual(await mskRecords(r), ['00f110/00020001', `00f110/${held.join(',')}`], `rotation ${i + 1}`);
    }
    // Per-MSK counters: each of the two usable MSKs starts its own count.
    assert.equal(await mtkSw(r, id(1, 6), 7), SW.OK);
    assert.equal(await mtkSw(r, id(1, 5), 1), SW.OK);
    assert.equal(await mtkSw(r, id(1, 5), 1), SW.KEY_FRESHNESS);
    for (const n of [4, 3, 2, 1]) assert.equal(await mtkSw(r, id(1, n), 10), SW.REFERENCE_NOT_FOUND, `MSK 1/${n} replaced`);
    assert.equal(await mtkSw(r, id(2, 1), 1), SW.OK, 'the other key group keeps its MSK');
    assert.equal((await mbms(r, { mode: 'msk-deletion', keyDomainId: KDID, keyGroup: 9 })).sw, SW.REFERENCE_NOT_FOUND, 'no such key group');
    assert.equal((await mbms(r, { mode: 'msk-deletion', keyDomainId: KDID, keyGroup: 1 })).sw, SW.OK);
    for (const n of [5, 6]) assert.equal(await mtkSw(r, id(1, n), 20), SW.REFERENCE_NOT_FOUND, `MSK 1/${n} deleted with its key group`);
    assert.equal(await mtkSw(r, id(2, 1), 2), SW.OK, 'the other key group stays');
  });

  it('the same MSK ID delivered again is replaced in place: the other MSK of the group stays the older one', async () => {
    const r = await rig();
    const muk = await gbaDone(r);
    await store(r, muk, 1, id(1, 1));
    await store(r, muk, 2, id(1, 2));
    assert.equal((await store(r, muk, 3, id(1, 1))).sw, SW.OK);
    assert.deepEqual(await mskRecords(r), ['00f110/00010001,00010002']);
    await store(r, muk, 4, id(1, 3));
    assert.deepEqual(await mskRecords(r), ['00f110/00010002,00010003']);
    assert.equal(await mtkSw(r, id(1, 1), 1), SW.REFERENCE_NOT_FOUND);
    assert.equal(await mtkSw(r, id(1, 2), 1), SW.OK);
  });

  it('98 66 only when every record holds another Key Domain / Key Group; a freed record is reused', async () => {
    const r = await rig();
    const muk = await gbaDone(r);
    let c = 1;
    for (let g = 1; g <= FILE_SIZES.mskRecords; g++) assert.equal((await store(r, muk, c++, id(g, 1))).sw, SW.OK, `key group ${g}`);
    assert.equal((await store(r, muk, c++, id(FILE_SIZES.mskRecords + 1, 1))).sw, SW.NO_MEMORY, 'a new key group');
    assert.equal((await store(r, muk, c++, id(1, 1), Buffer.from('00f120', 'hex'))).sw, SW.NO_MEMORY, 'a new Key Domain');
    for (let n = 2; n <= 4; n++) assert.equal((await store(r, muk, c++, id(3, n))).sw, SW.OK, `rotation of a stored key group (${n})`);
    assert.equal((await mskRecords(r)).length, FILE_SIZES.mskRecords);
    assert.equal((await mbms(r, { mode: 'msk-deletion', keyDomainId: KDID, keyGroup: 2 })).sw, SW.OK);
    assert.equal((await store(r, muk, c++, id(1, 1), Buffer.from('00f120', 'hex'))).sw, SW.OK, 'the freed record takes the new Key Domain');
    assert.equal(await mtkSw(r, id(3, 4), 1), SW.OK);
    assert.equal(await mtkSw(r, id(4, 1), 1), SW.OK);
  });
});

describe('virtual USIM: EF_GBANL', () => {
  it('keeps one record per NAF; when all four are used the oldest gives way', async () => {
    const r = await rig();
    const fqdns = ['a', 'b', 'c', 'd', 'e'].map((x) => `${x}.bsm.example`);
    for (const f of fqdns) {
      await gbaDone(r, nafId(f, UA_PROTOCOL_ID_MBMS));
      assert.equal((await mbms(r, { mode: 'muk-deletion', idi: te.encode(f), idr: te.encode(BTID) })).sw, SW.OK);
    }
    await r.ch.command(selectFid(FID.EF_GBANL, false), { op: 'SELECT' });
    const names: string[] = [];
    for (let i = 1; i <= 4; i++) {
      const e = decodeGbaNlRecord(await r.ch.command(readRecord(i, FILE_SIZES.gbanlRecord), { op: 'READ' }));
      names.push(Buffer.from(e!.nafId.subarray(0, -5)).toString());
    }
    assert.deepEqual(names.sort(), fqdns.slice(1));
  });
});

describe('virtual USIM: MBMS context, MTK generation and deletions', () => {
  it('returns the MTK and salt of an MTK message for a stored MSK; replays and out-of-range MTK IDs get 98 65', async () => {
    const r = await rig();
    const muk = await gbaDone(r);
    await update(r, mskMessage({ muk, counter: 1, msk: MSK, range: [1, 100] }));
    const out = await mtk(r, mtkMessage({ msk: MSK, counter: 2, mtkId: 5, mtk: MTK, salt: SALT }));
    assert.equal(out.sw, SW.OK);
    assert.deepEqual(decodeMbmsResponse(out.data, 'mtk-generation'), { form: 'oma-bcast', mtk: Uint8Array.from(MTK), salt: Uint8Array.from(SALT) });
    assert.equal(decodeMskRecord(await record(r, FID.EF_MSK, 1))!.msks[0]!.tsCounter, 2);
    assert.equal((await mtk(r, mtkMessage({ msk: MSK, counter: 2, mtkId: 6, mtk: MTK }))).sw, SW.KEY_FRESHNESS);
    assert.equal((await mtk(r, mtkMessage({ msk: MSK, counter: 3, mtkId: 101, mtk: MTK }))).sw, SW.KEY_FRESHNESS);
    assert.equal((await mtk(r, mtkMessage({ msk: MSK, counter: 4, mtkId: 6, mtk: MTK, badMac: true }))).sw, SW.AUTH_MAC);
    const plain = decodeMbmsResponse((await mtk(r, mtkMessage({ msk: MSK, counter: 4, mtkId: 6, mtk: MTK }))).data, 'mtk-generation');
    assert.deepEqual(plain, { form: 'oma-bcast', mtk: Uint8Array.from(MTK) });
    assert.equal((await mtk(r, mtkMessage({ msk: MSK, counter: 5, mtkId: 6, mtk: MTK, mskId: { keyGroup: 9, keyNumber: 9 } }))).sw, SW.REFERENCE_NOT_FOUND);
  });

  it('MSK deletion forgets the MSK; MUK deletion forgets the MUK', async () => {
    const r = await rig();
    const muk = await gbaDone(r);
    await update(r, mskMessage({ muk, counter: 1, msk: MSK }));
    assert.equal((await mbms(r, { mode: 'msk-deletion', keyDomainId: KDID, keyGroup: 1 })).sw, SW.OK);
    assert.equal(decodeMskRecord(await record(r, FID.EF_MSK, 1)), null);
    assert.equal((await mtk(r, mtkMessage({ msk: MSK, counter: 2, mtkId: 5, mtk: MTK }))).sw, SW.REFERENCE_NOT_FOUND);
    assert.equal((await mbms(r, { mode: 'msk-deletion', keyDomainId: KDID, keyGroup: 1 })).sw, SW.REFERENCE_NOT_FOUND);
    assert.equal((await mbms(r, { mode: 'muk-deletion', idi: te.encode(BSM_FQDN), idr: te.encode(BTID) })).sw, SW.OK);
    assert.equal(decodeMukRecord(await record(r, FID.EF_MUK, 1)), null);
    assert.equal((await update(r, mskMessage({ muk, counter: 9, msk: MSK }))).sw, SW.REFERENCE_NOT_FOUND);
  });
});

describe('virtual USIM: MBMS context APDUs, written out by hand (SPEC §8)', () => {
  const raw = (r: Rig, hex: string) => r.run(decodeCommandApdu(Buffer.from(hex, 'hex')));
  const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');

  it('chains a 53 object longer than one APDU: 63 F1 after the first block, the answer after the last', async () => {
    const r = await rig();
    const muk = await gbaDone(r);
    assert.equal((await update(r, mskMessage({ muk, counter: 1, msk: MSK }))).sw, SW.OK);
    // A TEK+SALT key data with a long salt makes an MTK message longer than one APDU can carry.
    const salt = Buffer.alloc(200, 0x77);
    const msg = mtkMessage({ msk: MSK, counter: 2, mtkId: 5, mtk: MTK, salt });
    const value = msg.length + 1;
    assert.ok(value > 255 && value < 0x10000, 'needs the 82 length form and two blocks');
    const object = `5382${value.toString(16).padStart(4, '0')}02${hexOf(msg)}`;
    const first = await raw(r, `00898085ff${object.slice(0, 510)}`);
    assert.equal(first.sw, SW.MORE_COMMAND_DATA);
    const rest = object.slice(510);
    const last = await raw(r, `00890085${(rest.length / 2).toString(16).padStart(2, '0')}${rest}`);
    assert.equal(last.sw, SW.OK);
    assert.equal(hexOf(last.data), `5381e0ae81dd8610${'55'.repeat(16)}8781c8${'77'.repeat(200)}`);
  });

  it('refuses a next block without a first (69 85), more data than the object holds (67 00), an unknown mode (6A 80)', async () => {
    const r = await rig();
    assert.equal((await raw(r, '0089008503010203')).sw, SW.CONDITIONS_NOT_SATISFIED);
    assert.equal((await raw(r, '00898085065302030101ff')).sw, SW.WRONG_LENGTH);
    assert.equal((await raw(r, '0089808503530109')).sw, SW.WRONG_DATA);
    assert.equal((await raw(r, '00898085035401ff')).sw, SW.WRONG_DATA, 'not a 53 object');
    assert.equal((await raw(r, '0089808103530109')).sw, SW.WRONG_P1P2, 'odd INS only in the MBMS context');
  });

  it('profile "3gpp" + "retrieve": 62 F3, then P1 A0 / 20 (P2 85 or 00) in 16-byte blocks with 62 F1 between', async () => {
    const r = await rig();
    const muk = await gbaDone(r);
    assert.equal((await update(r, mskMessage({ muk, counter: 1, msk: MSK }))).sw, SW.OK);
    Object.assign(r.usim.mbmsBehaviour, { responseForm: '3gpp', responseDelivery: 'retrieve', retrievalBlockSize: 16 });
    const blocks = mbmsCommandBlocks({ mode: 'mtk-generation', mikey: mtkMessage({ msk: MSK, counter: 2, mtkId: 5, mtk: MTK, salt: SALT }) });
    assert.equal((await r.run(blocks[0]!)).sw, SW.AUTH_RESPONSE_AVAILABLE);
    const got: { data: string; sw: number }[] = [];
    for (const hex of ['0089a08500', '0089200000', '0089208500']) {
      const x = await raw(r, hex);
      got.push({ data: hexOf(x.data), sw: x.sw });
    }
    const want = `5321db10${'55'.repeat(16)}0e${'66'.repeat(14)}`;
    assert.deepEqual(got, [
      { data: want.slice(0, 32), sw: SW.MORE_RESPONSE_DATA },
      { data: want.slice(32, 64), sw: SW.MORE_RESPONSE_DATA },
      { data: want.slice(64), sw: SW.OK },
    ]);
    assert.equal((await raw(r, '0089208500')).sw, SW.CONDITIONS_NOT_SATISFIED, 'nothing left after the last block');
    assert.equal(hexOf((await raw(r, '0089a08500')).data), want.slice(0, 32), 'P1 A0 starts over');
    assert.equal((await raw(r, '0089a08100')).sw, SW.WRONG_P1P2, 'retrieval P2 is 85 or 00');
  });

  it('another command drops a held response: retrieval then gets 69 85', async () => {
    const r = await rig();
    const muk = await gbaDone(r);
    Object.assign(r.usim.mbmsBehaviour, { responseDelivery: 'retrieve' });
    assert.equal((await update(r, mskMessage({ muk, counter: 1, msk: MSK, v: true }))).sw, SW.OK, 'retrieved by the helper');
    const again = mbmsCommandBlocks({ mode: 'msk-update', mikey: mskMessage({ muk, counter: 2, msk: MSK, v: true }) });
    assert.equal((await r.run(again[0]!)).sw, SW.AUTH_RESPONSE_AVAILABLE);
    await r.run(selectFid(FID.EF_MSK, false));
    assert.equal((await raw(r, '0089a08500')).sw, SW.CONDITIONS_NOT_SATISFIED);
  });
});
