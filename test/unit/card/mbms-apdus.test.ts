// The terminal's MBMS context exchange (SPEC §8) against a scripted card: every APDU and every answer is
// written out here byte by byte. Chaining on 63 F1, direct data (61xx + GET RESPONSE), the 62 F3 / 62 F1
// retrieval, both response forms, and each error status word as its typed error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ApduChannel,
  CardAuthError,
  CardProtocolError,
  KeyFreshnessError,
  KeyNotFoundError,
  NoMemoryError,
  SecurityStatusError,
  UsimApplication,
  type CardStatusError,
} from '../../../src/card/index.js';
import { fromHex } from '../../../src/codec/hex.js';
import type { MbmsCommand } from '../../../src/codec/usim/index.js';
import { ScriptedTransport } from './fake-transport.js';

const MTK = '55'.repeat(16);
const SALT = '66'.repeat(14);
const filler = (n: number) => Array.from({ length: n }, (_, i) => (i & 0xff).toString(16).padStart(2, '0')).join('');

function app(script: [string, string][]): { usim: UsimApplication; t: ScriptedTransport } {
  const t = new ScriptedTransport(script);
  return { usim: new UsimApplication(new ApduChannel(t)), t };
}

const STKM: MbmsCommand = { mode: 'mtk-generation', mikey: fromHex('010203') };
const STKM_APDU = '0089808506' + '5304' + '02' + '010203';
const LONG: MbmsCommand = { mode: 'msk-update', mikey: fromHex(filler(300)) };
const LONG_APDUS = ['00898085ff' + '5382012d' + '01' + filler(250), '0089008532' + filler(300).slice(500)];

describe('Card: MBMS context exchange (SPEC §8)', () => {
  it('direct answer: 61 24 → GET RESPONSE → 53 { AE { 86 TEK, 87 salt } }', async () => {
    const { usim, t } = app([
      [STKM_APDU, '6126'],
      ['00c0000026', `5324ae22` + `8610${MTK}` + `870e${SALT}` + '9000'],
    ]);
    const r = await usim.mbms(STKM);
    assert.deepEqual(r, { form: 'oma-bcast', mtk: fromHex(MTK), salt: fromHex(SALT) });
    assert.equal(t.sent.length, 2);
  });

  it('62 F3 → retrieval P1 A0 (62 F1) then P1 20 (90 00), reassembled: 53 { DB L MTK L salt }', async () => {
    const resp = `5321db` + `10${MTK}` + `0e${SALT}`;
    const { usim, t } = app([
      [STKM_APDU, '62f3'],
      ['0089a08500', resp.slice(0, 40) + '62f1'],
      ['0089208500', resp.slice(40) + '9000'],
    ]);
    assert.deepEqual(await usim.mbms(STKM), { form: '3gpp', mtk: fromHex(MTK), salt: fromHex(SALT) });
    assert.deepEqual(t.sent, [STKM_APDU, '0089a08500', '0089208500']);
  });

  it('a 305-byte command goes in two blocks, the card asking for the second with 63 F1', async () => {
    const { usim, t } = app([
      [LONG_APDUS[0]!, '63f1'],
      [LONG_APDUS[1]!, '9000'],
    ]);
    assert.deepEqual(await usim.mbms(LONG), { form: null });
    assert.deepEqual(t.sent, LONG_APDUS);
  });

  it('deletions: MSK deletion (Key Domain ID || Key Group) and MUK deletion (A0 { 80 IDr, 82 IDi }), 90 00 without data', async () => {
    const { usim, t } = app([
      ['0089808508' + '5306' + '03' + '00f110' + '0001', '9000'],
      ['008980850e' + '530c' + '04' + 'a009' + '80026274' + '820362736d', '9000'],
    ]);
    await usim.mbms({ mode: 'msk-deletion', keyDomainId: fromHex('00f110'), keyGroup: 1 });
    await usim.mbms({ mode: 'muk-deletion', idi: new TextEncoder().encode('bsm'), idr: new TextEncoder().encode('bt') });
    assert.equal(t.sent.length, 2);
  });

  const ERRORS: [sw: string, type: new (...a: never[]) => CardStatusError][] = [
    ['6a88', KeyNotFoundError],
    ['9862', CardAuthError],
    ['9865', KeyFreshnessError],
    ['9866', NoMemoryError],
    ['9867', NoMemoryError],
    ['6982', SecurityStatusError],
  ];
  for (const [sw, type] of ERRORS) {
    it(`SW ${sw} → ${type.name} (on the command, on the first block of a chain, and during retrieval)`, async () => {
      const swn = parseInt(sw, 16);
      const check = (e: unknown) => e instanceof type && e.sw === swn;
      await assert.rejects(app([[STKM_APDU, sw]]).usim.mbms(STKM), check);
      const chain = app([[LONG_APDUS[0]!, sw]]);
      await assert.rejects(chain.usim.mbms(LONG), check);
      assert.equal(chain.t.sent.length, 1, 'no second block after an error');
      await assert.rejects(
        app([
          [STKM_APDU, '62f3'],
          ['0089a08500', sw],
        ]).usim.mbms(STKM),
        check,
      );
    });
  }

  it('a card that ends a chain early, or asks for more than there is, is a protocol error', async () => {
    await assert.rejects(app([[LONG_APDUS[0]!, '9000']]).usim.mbms(LONG), CardProtocolError);
    await assert.rejects(app([[STKM_APDU, '63f1']]).usim.mbms(STKM), CardProtocolError);
  });

  it('a malformed response (outer tag 54) is a protocol error, not a crash', async () => {
    await assert.rejects(app([[STKM_APDU, '54009000']]).usim.mbms(STKM), CardProtocolError);
  });

  it('the blocks of a chain and its retrieval reach the card back to back, even with other commands queued', async () => {
    const t = new ScriptedTransport([
      [LONG_APDUS[0]!, '63f1'],
      [LONG_APDUS[1]!, '62f3'],
      ['0089a08500', '5306ae048c0201019000'],
      ['00a4000c023f00', '9000'],
    ]);
    const ch = new ApduChannel(t);
    const usim = new UsimApplication(ch);
    const [r] = await Promise.all([usim.mbms(LONG), ch.command({ cla: 0, ins: 0xa4, p1: 0, p2: 0x0c, data: fromHex('3f00') }, { op: 'SELECT MF' })]);
    assert.deepEqual(r, { form: 'oma-bcast', verification: fromHex('0101') });
    assert.equal(t.sent.at(-1), '00a4000c023f00', 'the other command waited for the whole MBMS exchange');
  });
});
