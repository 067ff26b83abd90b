import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DecodeError } from '../../../../src/codec/errors.js';
import { fromHex, toHex } from '../../../../src/codec/hex.js';
import {
  MBMS_MODE,
  MBMS_TAG,
  decodeMbmsData,
  decodeMbmsResponse,
  encodeCommandApdu,
  encodeMbmsData,
  encodeMbmsResponse,
  mbmsCommand,
  type MbmsCommand,
} from '../../../../src/codec/usim/index.js';
import { loadVector } from '../../crypto/vectors.js';

const pull = fromHex(loadVector<{ mikey: string }>('solicited-pull.json').mikey);

describe('usim codec: AUTHENTICATE MBMS context (INS 89, P2 85) [U inner tags]', () => {
  it('MSK update carries the MIKEY message in 73 { 80 01 01, 81 L MIKEY } (the solicited-pull vector)', () => {
    const apdu = toHex(encodeCommandApdu(mbmsCommand({ mode: 'msk-update', mikey: pull })));
    const l = pull.length; // 163: long-form lengths (81 xx) inside, Lc = l + 9
    const hexByte = (n: number) => n.toString(16).padStart(2, '0');
    assert.equal(apdu, `00890085${hexByte(l + 9)}7381${hexByte(l + 6)}800101` + `8181${hexByte(l)}${toHex(pull)}00`);
  });

  const cmds: MbmsCommand[] = [
    { mode: 'msk-update', mikey: pull },
    { mode: 'mtk-generation', mikey: fromHex('0100') },
    { mode: 'msk-deletion', keyDomainId: fromHex('00f110'), mskId: { keyGroup: 0x0102, keyNumber: 0x0304 } },
    { mode: 'muk-deletion', idi: new TextEncoder().encode('bsm.example'), idr: new TextEncoder().encode('btid@bsf') },
  ];
  for (const c of cmds) {
    it(`${c.mode}: mode ${MBMS_MODE[c.mode]} round-trips`, () => {
      assert.deepEqual(decodeMbmsData(encodeMbmsData(c)), c);
    });
  }

  it('deletions are case 3, updates case 4', () => {
    assert.equal(mbmsCommand(cmds[2]!).le, undefined);
    assert.equal(mbmsCommand(cmds[0]!).le, 256);
  });

  it('decodes tolerantly: unknown inner objects are skipped, order is free', () => {
    const data = fromHex(`7311 9f0100 8304 01020304 800103 8203 00f110`.replace(/ /g, ''));
    assert.deepEqual(decodeMbmsData(data), { mode: 'msk-deletion', keyDomainId: fromHex('00f110'), mskId: { keyGroup: 0x0102, keyNumber: 0x0304 } });
  });

  it('responses: DB { 86 verification | 87 MTK 88 salt }, or nothing', () => {
    const r = { mtk: fromHex('55'.repeat(16)), salt: fromHex('66'.repeat(14)) };
    const enc = encodeMbmsResponse(r);
    assert.equal(toHex(enc), `db22${MBMS_TAG.MTK.toString(16)}10${'55'.repeat(16)}${MBMS_TAG.SALT.toString(16)}0e${'66'.repeat(14)}`);
    assert.deepEqual(decodeMbmsResponse(enc), r);
    assert.deepEqual(decodeMbmsResponse(new Uint8Array(0)), {});
    assert.equal(encodeMbmsResponse({}).length, 0);
    assert.deepEqual(decodeMbmsResponse(encodeMbmsResponse({ verification: fromHex('0101') })), { verification: fromHex('0101') });
  });

  it('rejects a missing mode, an unknown mode and short identifiers', () => {
    for (const [hex, reason] of [
      ['7303810100', 'missing'],
      ['7303800109', 'unsupported'],
      ['7400', 'bad-tag'],
      ['730d8001038202f110830401020304', 'bad-length'],
    ] as const) {
      assert.throws(() => decodeMbmsData(fromHex(hex)), (e: unknown) => e instanceof DecodeError && e.reason === reason, hex);
    }
    assert.throws(() => decodeMbmsResponse(fromHex('dc00')), DecodeError);
  });
});
