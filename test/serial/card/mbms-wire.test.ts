// Acceptance (issue 18 item 1): through real pcscd + vsmartcard-vpcd, the APDUs the virtual USIM receives on
// the vpcd socket for MSK update, MTK generation, MSK deletion and MUK deletion have exactly the SPEC §8
// layout (00 89 80 85 Lc 53 L mode payload; P1 00 on a chained block), and both response forms (OMA BCAST
// `AE`, 3GPP `DB`), the direct answer and the 62 F3 / P1 A0 / P1 20 retrieval are exercised end to end by
// the real Card adapter. Expected bytes are written out here from the MIKEY message and the SPEC layout.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { toHex } from '../../../src/codec/hex.js';
import { decodeMikey } from '../../../src/codec/mikey/index.js';
import { BSM_FQDN, BTID, IMPI, KDID, NAF_ID, gbaKeys, mskMessage, mtkMessage } from '../../unit/sim-usim/fixtures.js';
import { pcscRig, type PcscRig } from './rig.js';

const MSK = Buffer.alloc(16, 0x42);
const MTK = Buffer.alloc(16, 0x55);
const SALT = Buffer.alloc(14, 0x66);
let rig: PcscRig;
let ksIntNaf: Buffer;

before(async () => {
  rig = await pcscRig({ profile: 'full' });
  const rand = Buffer.alloc(16, 0x41);
  const g = gbaKeys(rig.sub, 64, rand);
  ksIntNaf = g.ksIntNaf;
  await rig.card.bootstrap(rand, g.av.AUTN);
  await rig.card.setBootstrapInfo(BTID, '2030-01-01T00:00:00Z');
  await rig.card.deriveNafKey(NAF_ID, IMPI);
});
after(() => rig?.close());
beforeEach(() => {
  rig.wire.length = 0;
  Object.assign(rig.usim.mbmsBehaviour, { responseForm: 'oma-bcast', responseDelivery: 'direct', retrievalBlockSize: 256 });
});

const h = (n: number) => n.toString(16).padStart(2, '0');
const hex = (b: Uint8Array) => toHex(b).toLowerCase();
/** `<command> → <response>` of every MBMS-context APDU (odd INS 89) and GET RESPONSE on the wire. */
const trace = () => rig.wire.filter((e) => e.command[1] === 0x89 || e.command[1] === 0xc0).map((e) => `${hex(e.command)} → ${hex(e.response)}`);

describe('PC/SC: MBMS context APDUs on the vpcd wire (SPEC §8)', { timeout: 60_000 }, () => {
  it('MSK update (V set): 00 89 80 85 Lc 53 81 L 01 <MSK message>; OMA BCAST answer 53 { AE { 8C verification } } via 61xx', async () => {
    const msg = mskMessage({ muk: ksIntNaf, counter: 10, msk: MSK, v: true });
    assert.ok(msg.length + 1 > 127 && msg.length + 4 <= 255, 'one block, long-form length');
    const up = await rig.card.mskUpdate(msg);
    assert.equal(up.stored, true);
    const v = up.verification!;
    assert.equal(decodeMikey(v).hdr.dataType, 1);
    const answer = `53${h(v.length + 4)}ae${h(v.length + 2)}8c${h(v.length)}${hex(v)}`;
    assert.deepEqual(trace(), [
      `00898085${h(msg.length + 4)}5381${h(msg.length + 1)}01${hex(msg)} → 61${h(answer.length / 2)}`,
      `00c00000${h(answer.length / 2)} → ${answer}9000`,
    ]);
  });

  it('MTK generation, 3GPP form by retrieval: 62 F3, 00 89 A0 85 00 (62 F1), 00 89 20 85 00 … (90 00); 53 { DB L MTK L salt }', async () => {
    Object.assign(rig.usim.mbmsBehaviour, { responseForm: '3gpp', responseDelivery: 'retrieve', retrievalBlockSize: 16 });
    const msg = mtkMessage({ msk: MSK, counter: 1, mtkId: 7, mtk: MTK, salt: SALT });
    const gen = await rig.card.mtkGenerate(msg);
    assert.equal(toHex(gen.mtk.reveal()), toHex(MTK));
    assert.equal(toHex(gen.salt!.reveal()), toHex(SALT));
    const answer = `5321db10${'55'.repeat(16)}0e${'66'.repeat(14)}`;
    const l = msg.length + 1;
    const header = l > 127 ? `5381${h(l)}` : `53${h(l)}`;
    assert.deepEqual(trace(), [
      `00898085${h(header.length / 2 + l)}${header}02${hex(msg)} → 62f3`,
      `0089a08500 → ${answer.slice(0, 32)}62f1`,
      `0089208500 → ${answer.slice(32, 64)}62f1`,
      `0089208500 → ${answer.slice(64)}9000`,
    ]);
  });

  it('a command longer than one APDU is chained: P1 80 block of 255 bytes → 63 F1, P1 00 block → OMA BCAST 53 { AE { 86 TEK, 87 salt } }', async () => {
    const salt = Buffer.alloc(200, 0x77);
    const msg = mtkMessage({ msk: MSK, counter: 2, mtkId: 8, mtk: MTK, salt });
    const gen = await rig.card.mtkGenerate(msg);
    assert.equal(toHex(gen.salt!.reveal()), toHex(salt));
    const object = `5382${(msg.length + 1).toString(16).padStart(4, '0')}02${hex(msg)}`;
    const rest = object.slice(510);
    const answer = `5381e0ae81dd8610${'55'.repeat(16)}8781c8${'77'.repeat(200)}`;
    assert.deepEqual(trace(), [
      `00898085ff${object.slice(0, 510)} → 63f1`,
      `00890085${h(rest.length / 2)}${rest} → 61${h(answer.length / 2)}`,
      `00c00000${h(answer.length / 2)} → ${answer}9000`,
    ]);
  });

  it('MSK deletion: 00 89 80 85 08 53 06 03 <Key Domain ID> <Key Group>; MUK deletion: 53 L 04 A0 { 80 IDr, 82 IDi }', async () => {
    await rig.card.deleteMsks(KDID, 1);
    const idr = hex(new TextEncoder().encode(BTID));
    const idi = hex(new TextEncoder().encode(BSM_FQDN));
    await rig.card.deleteMuk(new TextEncoder().encode(BSM_FQDN), new TextEncoder().encode(BTID));
    const mukId = `80${h(idr.length / 2)}${idr}82${h(idi.length / 2)}${idi}`;
    const value = `04a0${h(mukId.length / 2)}${mukId}`;
    assert.deepEqual(trace(), [
      `008980850853060300f1100001 → 9000`,
      `00898085${h(value.length / 2 + 2)}53${h(value.length / 2)}${value} → 9000`,
    ]);
  });
});
