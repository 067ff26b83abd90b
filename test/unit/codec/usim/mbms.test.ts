// SPEC §8 [C]/[I]: AUTHENTICATE in the MBMS context, checked against APDUs written out byte by byte here
// (never produced by the encoder under test): the four modes, BER lengths, chaining in 255-byte blocks,
// the retrieval commands, and both response forms.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DecodeError, EncodeError } from '../../../../src/codec/errors.js';
import { fromHex, toHex } from '../../../../src/codec/hex.js';
import {
  decodeMbmsResponse,
  encodeCommandApdu,
  mbmsCommandBlocks,
  mbmsRetrieveCommand,
  type MbmsCommand,
  type MbmsModeName,
  type MbmsResponse,
} from '../../../../src/codec/usim/index.js';
import { loadVector } from '../../crypto/vectors.js';

const pull = loadVector<{ mikey: string }>('solicited-pull.json').mikey.toLowerCase();
const te = new TextEncoder();
/** n bytes 00 01 02 … (wrapping), as hex: a stand-in MIKEY message of a chosen length. */
const filler = (n: number) => Array.from({ length: n }, (_, i) => (i & 0xff).toString(16).padStart(2, '0')).join('');
const apdus = (cmd: MbmsCommand) => mbmsCommandBlocks(cmd).map((c) => toHex(encodeCommandApdu(c)).toLowerCase());

const COMMANDS: [name: string, cmd: MbmsCommand, wire: string[]][] = [
  [
    'MSK update: the solicited-pull vector (164 bytes) as received, BER length 81 A5, Lc A8, case 3',
    { mode: 'msk-update', mikey: fromHex(pull) },
    [`00898085a8` + `5381a5` + `01` + pull],
  ],
  ['MTK generation: mode 02 then the MIKEY MTK message', { mode: 'mtk-generation', mikey: fromHex('010203') }, ['0089808506' + '5304' + '02' + '010203']],
  [
    'MSK deletion: mode 03, Key Domain ID (3) || Key Group (2)',
    { mode: 'msk-deletion', keyDomainId: fromHex('00f110'), keyGroup: 0x0102 },
    ['0089808508' + '5306' + '03' + '00f110' + '0102'],
  ],
  [
    'MUK deletion: mode 04, MUK ID TLV A0 { 80 IDr, 82 IDi } as in EF_MUK',
    { mode: 'muk-deletion', idi: te.encode('bsm'), idr: te.encode('bt') },
    ['008980850e' + '530c' + '04' + 'a009' + '80026274' + '820362736d'],
  ],
  ['BER: a value of 127 bytes keeps the short length 7F', { mode: 'mtk-generation', mikey: fromHex(filler(126)) }, ['0089808581' + '537f' + '02' + filler(126)]],
  ['BER: a value of 128 bytes takes 81 80', { mode: 'mtk-generation', mikey: fromHex(filler(127)) }, ['0089808583' + '538180' + '02' + filler(127)]],
  ['chaining: 255 bytes of data still fit one block', { mode: 'msk-update', mikey: fromHex(filler(251)) }, ['00898085ff' + '5381fc' + '01' + filler(251)]],
  [
    'chaining: 256 bytes take a second block (P1 00) of one byte',
    { mode: 'msk-update', mikey: fromHex(filler(252)) },
    ['00898085ff' + '5381fd' + '01' + filler(251), '0089008501' + filler(252).slice(-2)],
  ],
  [
    'chaining: a 300-byte MIKEY message (82 01 2D) in 255 + 50 bytes',
    { mode: 'msk-update', mikey: fromHex(filler(300)) },
    ['00898085ff' + '5382012d' + '01' + filler(250), '0089008532' + filler(300).slice(500)],
  ],
];

describe('usim codec: MBMS context commands (SPEC §8: 00 89 80 85 Lc 53 L mode payload)', () => {
  it('the solicited-pull vector is the 164-byte message the first row is written for', () => assert.equal(pull.length / 2, 164));
  for (const [name, cmd, wire] of COMMANDS) {
    it(name, () => assert.deepEqual(apdus(cmd), wire));
  }

  it('retrieval after 62 F3: 00 89 A0 85 00 (first block), 00 89 20 85 00 (next)', () => {
    assert.equal(toHex(encodeCommandApdu(mbmsRetrieveCommand(true))), '0089a08500');
    assert.equal(toHex(encodeCommandApdu(mbmsRetrieveCommand(false))), '0089208500');
  });

  it('refuses what it cannot encode', () => {
    for (const cmd of [
      { mode: 'msk-update', mikey: new Uint8Array(0) },
      { mode: 'msk-deletion', keyDomainId: fromHex('00f1'), keyGroup: 1 },
      { mode: 'msk-deletion', keyDomainId: fromHex('00f110'), keyGroup: 0x10000 },
    ] as MbmsCommand[]) {
      assert.throws(() => mbmsCommandBlocks(cmd), EncodeError, cmd.mode);
    }
  });
});

const MTK = '55'.repeat(16);
const SALT = '66'.repeat(14);
const V = '0101'; // stands for a verification message
const bytes = (h: string) => fromHex(h);

const RESPONSES: [name: string, mode: MbmsModeName, data: string, want: MbmsResponse][] = [
  ['no data (a deletion, an update with V clear)', 'msk-deletion', '', { form: null }],
  ['OMA BCAST: 53 { AE { 86 TEK, 87 salt } }', 'mtk-generation', `5324ae22` + `8610${MTK}` + `870e${SALT}`, { form: 'oma-bcast', mtk: bytes(MTK), salt: bytes(SALT) }],
  ['OMA BCAST: 73 outer tag, TEK only', 'mtk-generation', `7314ae12` + `8610${MTK}`, { form: 'oma-bcast', mtk: bytes(MTK) }],
  ['OMA BCAST: 8C verification message of an MSK update', 'msk-update', `5306ae04` + `8c02${V}`, { form: 'oma-bcast', verification: bytes(V) }],
  [
    'OMA BCAST: 80 / 8A / 8B / 88 kept opaque, unknown 9F01 skipped',
    'mtk-generation',
    `5320ae1e` + `8010${MTK}` + `8a0112` + `8b0101` + `880134` + `9f0100`,
    { form: 'oma-bcast', bcast: { managementData: bytes(MTK), parentalRating: bytes('12'), speTypeNotSupported: bytes('01'), parentalControl: bytes('34') } },
  ],
  ['OMA BCAST: AE 00, nothing to say', 'msk-update', '5302ae00', { form: 'oma-bcast' }],
  ['3GPP: 53 { DB L MTK L salt } [U layout]', 'mtk-generation', `5321db` + `10${MTK}` + `0e${SALT}`, { form: '3gpp', mtk: bytes(MTK), salt: bytes(SALT) }],
  ['3GPP: MTK without salt', 'mtk-generation', `5312db` + `10${MTK}`, { form: '3gpp', mtk: bytes(MTK) }],
  ['3GPP: DB L verification message of an MSK update', 'msk-update', `5304db02${V}`, { form: '3gpp', verification: bytes(V) }],
  ['3GPP: DB alone (MSK update, V clear)', 'msk-update', '5301db', { form: '3gpp' }],
];

describe('usim codec: MBMS context responses, both forms', () => {
  for (const [name, mode, data, want] of RESPONSES) {
    it(name, () => assert.deepEqual(decodeMbmsResponse(fromHex(data), mode), want));
  }

  it('refuses another outer tag, another form byte, a truncated field', () => {
    for (const [hex, reason] of [
      ['5400', 'bad-tag'],
      ['5301aa', 'bad-tag'],
      ['5303db0501', 'truncated'],
      ['5305ae048602', 'truncated'],
    ] as const) {
      assert.throws(() => decodeMbmsResponse(fromHex(hex), 'mtk-generation'), (e: unknown) => e instanceof DecodeError && e.reason === reason, hex);
    }
  });
});
