import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '../../../src/codec/hex.js';
import {
  FID,
  SW,
  auth3gCommand,
  decodeAuth3gResponse,
  decodeGbaBootstrapResponse,
  decodeGbaBp,
  decodeGbaNafResponse,
  decodeGbaNlRecord,
  decodeMukRecord,
  encodeGbaBp,
  gbaCommand,
  mbmsCommandBlocks,
  readRecord,
  selectFid,
  updateBinary,
} from '../../../src/codec/usim/index.js';
import { resolveAuts, sqnToNumber } from '../../../src/crypto/index.js';
import { hex, loadVector, type MilenageSet } from '../crypto/vectors.js';
import { BTID, IMPI, NAF_ID, akaVector, gbaKeys } from './fixtures.js';
import { readEf, rig } from './rig.js';

const sets = loadVector<{ sets: MilenageSet[] }>('milenage.json').sets;
const te = new TextEncoder();

describe('virtual USIM: 3G AKA with Milenage', () => {
  for (const s of sets) {
    it(`test set ${s.testSet}: RES, CK, IK as published (and Kc = c3(CK, IK))`, async () => {
      const sqn = sqnToNumber(hex(s.SQN));
      const r = await rig({ sub: { k: hex(s.K), opc: hex(s.OPc), amf: hex(s.AMF), sqn: sqn - 32 } });
      const av = akaVector(r.sub, sqn, hex(s.RAND));
      const res = await r.run(auth3gCommand(hex(s.RAND), av.AUTN));
      assert.equal(res.sw, SW.OK);
      const out = decodeAuth3gResponse(res.data);
      assert.equal(out.kind, 'success');
      if (out.kind !== 'success') return;
      assert.equal(toHex(out.res), s.f2_RES);
      assert.equal(toHex(out.ck), s.f3_CK);
      assert.equal(toHex(out.ik), s.f4_IK);
      const kc = hex(s.f3_CK).map((b, i) => b ^ hex(s.f3_CK)[i + 8]! ^ hex(s.f4_IK)[i]! ^ hex(s.f4_IK)[i + 8]!).subarray(0, 8);
      assert.equal(toHex(out.kc!), toHex(kc));
      assert.equal(r.usim.sqnMs, sqn);
    });
  }

  it('a replayed SQN gets AUTS; the network recovers the card SQN from it', async () => {
    const r = await rig();
    const rand = Buffer.alloc(16, 1);
    const ok = await r.run(auth3gCommand(rand, akaVector(r.sub, 64, rand).AUTN));
    assert.equal(decodeAuth3gResponse(ok.data).kind, 'success');
    const stale = decodeAuth3gResponse((await r.run(auth3gCommand(rand, akaVector(r.sub, 64, rand).AUTN))).data);
    assert.equal(stale.kind, 'sync-failure');
    if (stale.kind !== 'sync-failure') return;
    const back = resolveAuts({ K: r.sub.k, OPc: r.sub.opc, RAND: rand, AUTS: stale.auts });
    assert.ok(back.macOk);
    assert.equal(sqnToNumber(back.sqnMs), 64);
  });

  it('a wrong MAC-A answers 98 62; the out-of-range fault forces one AUTS', async () => {
    const r = await rig();
    const rand = Buffer.alloc(16, 2);
    const autn = akaVector(r.sub, 64, rand).AUTN;
    autn[15]! ^= 1;
    assert.equal((await r.run(auth3gCommand(rand, autn))).sw, SW.AUTH_MAC);
    r.usim.faults.rejectNextSqn();
    assert.equal(decodeAuth3gResponse((await r.run(auth3gCommand(rand, akaVector(r.sub, 96, rand).AUTN))).data).kind, 'sync-failure');
    assert.equal(decodeAuth3gResponse((await r.run(auth3gCommand(rand, akaVector(r.sub, 96, rand).AUTN))).data).kind, 'success');
  });

  it('needs the USIM selected and PIN1 verified', async () => {
    const r = await rig({ select: false });
    const rand = Buffer.alloc(16, 3);
    assert.equal((await r.run(auth3gCommand(rand, akaVector(r.sub, 64, rand).AUTN))).sw, SW.CONDITIONS_NOT_SATISFIED);
    const p = await rig({ sub: { pin: '1234' } });
    assert.equal((await p.run(auth3gCommand(rand, akaVector(p.sub, 64, rand).AUTN))).sw, SW.SECURITY_STATUS);
  });
});

describe('virtual USIM: GBA_U', () => {
  it('bootstrapping answers RES only and stores RAND in EF_GBABP', async () => {
    const r = await rig();
    const rand = Buffer.alloc(16, 4);
    const { av } = gbaKeys(r.sub, 64, rand);
    const out = await r.run(gbaCommand({ mode: 'bootstrap', rand, autn: av.AUTN }));
    assert.deepEqual(decodeGbaBootstrapResponse(out.data), { kind: 'success', res: Uint8Array.from(av.XRES) });
    assert.equal(toHex(decodeGbaBp((await readEf(r, FID.EF_GBABP, 160)).data).rand), toHex(rand));
    const stale = await r.run(gbaCommand({ mode: 'bootstrap', rand, autn: av.AUTN }));
    assert.equal(decodeGbaBootstrapResponse(stale.data).kind, 'sync-failure');
  });

  it('NAF derivation answers Ks_ext_NAF = KDF(Ks, "gba-me", …) and keeps Ks_int_NAF as the MUK', async () => {
    const r = await rig();
    const rand = Buffer.alloc(16, 5);
    const { av, ksExtNaf, ksIntNaf } = gbaKeys(r.sub, 64, rand);
    assert.equal((await r.run(gbaCommand({ mode: 'naf-derivation', nafId: NAF_ID, impi: te.encode(IMPI) }))).sw, SW.CONDITIONS_NOT_SATISFIED, 'no Ks yet');
    await r.run(gbaCommand({ mode: 'bootstrap', rand, autn: av.AUTN }));
    await r.ch.command(selectFid(FID.EF_GBABP, false), { op: 'SELECT' });
    await r.ch.command(updateBinary(0, encodeGbaBp({ rand, btid: BTID, lifetime: '2030-01-01T00:00:00Z' }, 160)), { op: 'UPDATE' });
    const out = await r.run(gbaCommand({ mode: 'naf-derivation', nafId: NAF_ID, impi: te.encode(IMPI) }));
    assert.equal(toHex(decodeGbaNafResponse(out.data)), toHex(ksExtNaf));
    await r.ch.command(selectFid(FID.EF_GBANL, false), { op: 'SELECT' });
    assert.deepEqual(decodeGbaNlRecord(await r.ch.command(readRecord(1, 160), { op: 'READ' })), { nafId: Uint8Array.from(NAF_ID), btid: BTID });
    await r.ch.command(selectFid(FID.EF_MUK, false), { op: 'SELECT' });
    const muk = decodeMukRecord(await r.ch.command(readRecord(1, 160), { op: 'READ' }));
    assert.deepEqual(muk, { idi: Uint8Array.from(NAF_ID), idr: te.encode(BTID), tsCounter: 0 });
    const seen = r.exchanges.map((e) => toHex(e.response)).join('|');
    assert.ok(!seen.includes(toHex(ksIntNaf)), 'Ks_int_NAF never leaves the card');
    assert.ok(!seen.includes(toHex(av.CK)) && !seen.includes(toHex(av.IK)), 'nor does Ks');
  });

  it('an AKA-only card answers 98 64 in the GBA and MBMS contexts', async () => {
    const r = await rig({ profile: 'aka-only' });
    const rand = Buffer.alloc(16, 6);
    assert.equal((await r.run(gbaCommand({ mode: 'bootstrap', rand, autn: akaVector(r.sub, 64, rand).AUTN }))).sw, SW.CONTEXT_NOT_SUPPORTED);
    assert.equal((await r.run(mbmsCommandBlocks({ mode: 'msk-update', mikey: Uint8Array.of(1) })[0]!)).sw, SW.CONTEXT_NOT_SUPPORTED);
    assert.equal((await r.run({ ...auth3gCommand(rand, akaVector(r.sub, 64, rand).AUTN), p2: 0x85 })).sw, SW.WRONG_P1P2);
  });
});
