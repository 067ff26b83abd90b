import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMikey, macInput } from '../../../src/codec/mikey/index.js';
import {
  FID,
  SW,
  decodeMbmsResponse,
  decodeGbaNlRecord,
  decodeMskRecord,
  decodeMukRecord,
  encodeGbaBp,
  gbaCommand,
  mbmsCommand,
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

const mbms = (r: Rig, cmd: MbmsCommand) => r.run(mbmsCommand(cmd));
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
    const vraw = decodeMbmsResponse(out.data).verification!;
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

  it('runs out of room: a third Key Domain (98 66), a fifth MSK of a domain (98 66), a third MUK (98 67)', async () => {
    const r = await rig();
    const muk = await gbaDone(r);
    let c = 10;
    assert.equal((await update(r, mskMessage({ muk, counter: c++, msk: MSK }))).sw, SW.OK);
    assert.equal((await update(r, mskMessage({ muk, counter: c++, msk: MSK, keyDomainId: Buffer.from('00f120', 'hex') }))).sw, SW.OK);
    assert.equal((await update(r, mskMessage({ muk, counter: c++, msk: MSK, keyDomainId: Buffer.from('00f130', 'hex') }))).sw, SW.NO_MEMORY);
    for (let n = 1; n <= 4; n++) assert.equal((await update(r, mskMessage({ muk, counter: c++, msk: MSK, mskId: { keyGroup: 1, keyNumber: n } }))).sw, SW.OK);
    assert.equal((await update(r, mskMessage({ muk, counter: c++, msk: MSK, mskId: { keyGroup: 1, keyNumber: 5 } }))).sw, SW.NO_MEMORY);
    await gbaDone(r, nafId('bsm2.example', UA_PROTOCOL_ID_MBMS));
    await assert.rejects(gbaDone(r, nafId('bsm3.example', UA_PROTOCOL_ID_MBMS)), (e: unknown) => (e as { sw?: number }).sw === SW.NO_MEMORY_MUK);
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
    assert.deepEqual(decodeMbmsResponse(out.data), { mtk: Uint8Array.from(MTK), salt: Uint8Array.from(SALT) });
    assert.equal(decodeMskRecord(await record(r, FID.EF_MSK, 1))!.msks[0]!.tsCounter, 2);
    assert.equal((await mtk(r, mtkMessage({ msk: MSK, counter: 2, mtkId: 6, mtk: MTK }))).sw, SW.KEY_FRESHNESS);
    assert.equal((await mtk(r, mtkMessage({ msk: MSK, counter: 3, mtkId: 101, mtk: MTK }))).sw, SW.KEY_FRESHNESS);
    assert.equal((await mtk(r, mtkMessage({ msk: MSK, counter: 4, mtkId: 6, mtk: MTK, badMac: true }))).sw, SW.AUTH_MAC);
    const plain = decodeMbmsResponse((await mtk(r, mtkMessage({ msk: MSK, counter: 4, mtkId: 6, mtk: MTK }))).data);
    assert.deepEqual(plain, { mtk: Uint8Array.from(MTK) });
    assert.equal((await mtk(r, mtkMessage({ msk: MSK, counter: 5, mtkId: 6, mtk: MTK, mskId: { keyGroup: 9, keyNumber: 9 } }))).sw, SW.REFERENCE_NOT_FOUND);
  });

  it('MSK deletion forgets the MSK; MUK deletion forgets the MUK', async () => {
    const r = await rig();
    const muk = await gbaDone(r);
    await update(r, mskMessage({ muk, counter: 1, msk: MSK }));
    assert.equal((await mbms(r, { mode: 'msk-deletion', keyDomainId: KDID, mskId: { keyGroup: 1, keyNumber: 1 } })).sw, SW.OK);
    assert.equal(decodeMskRecord(await record(r, FID.EF_MSK, 1)), null);
    assert.equal((await mtk(r, mtkMessage({ msk: MSK, counter: 2, mtkId: 5, mtk: MTK }))).sw, SW.REFERENCE_NOT_FOUND);
    assert.equal((await mbms(r, { mode: 'msk-deletion', keyDomainId: KDID, mskId: { keyGroup: 1, keyNumber: 1 } })).sw, SW.REFERENCE_NOT_FOUND);
    assert.equal((await mbms(r, { mode: 'muk-deletion', idi: te.encode(BSM_FQDN), idr: te.encode(BTID) })).sw, SW.OK);
    assert.equal(decodeMukRecord(await record(r, FID.EF_MUK, 1)), null);
    assert.equal((await update(r, mskMessage({ muk, counter: 9, msk: MSK }))).sw, SW.REFERENCE_NOT_FOUND);
  });
});
