import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex, toHex } from '../../../../src/codec/hex.js';
import {
  commandCase,
  decodeCommandApdu,
  decodeResponseApdu,
  encodeCommandApdu,
  encodeResponseApdu,
  type CommandApdu,
} from '../../../../src/codec/usim/index.js';
import { DecodeError, EncodeError } from '../../../../src/codec/errors.js';

/** Real command APDUs of a USIM session (ETSI TS 102 221 / TS 31.102 layouts). */
const CASES: { name: string; hex: string; apdu: CommandApdu; case: 1 | 2 | 3 | 4 }[] = [
  { name: 'VERIFY PIN1 status (case 1)', hex: '00200001', apdu: { cla: 0, ins: 0x20, p1: 0, p2: 1 }, case: 1 },
  { name: 'READ BINARY 9 bytes (case 2)', hex: '00b0000009', apdu: { cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 9 }, case: 2 },
  { name: 'GET RESPONSE 256 as 00 (case 2)', hex: '00c0000000', apdu: { cla: 0, ins: 0xc0, p1: 0, p2: 0, le: 256 }, case: 2 },
  {
    name: 'SELECT EF_IMSI without data (case 3)',
    hex: '00a4000c026f07',
    apdu: { cla: 0, ins: 0xa4, p1: 0, p2: 0x0c, data: fromHex('6f07') },
    case: 3,
  },
  {
    name: 'SELECT EF_IMSI with FCP (case 4)',
    hex: '00a40004026f0700',
    apdu: { cla: 0, ins: 0xa4, p1: 0, p2: 0x04, data: fromHex('6f07'), le: 256 },
    case: 4,
  },
];

describe('usim codec: command APDUs (cases 1-4, short Le)', () => {
  for (const c of CASES) {
    it(`encodes and decodes ${c.name}`, () => {
      assert.equal(toHex(encodeCommandApdu(c.apdu)), c.hex);
      assert.equal(commandCase(c.apdu), c.case);
      const d = decodeCommandApdu(fromHex(c.hex));
      assert.equal(d.case, c.case);
      assert.deepEqual({ cla: d.cla, ins: d.ins, p1: d.p1, p2: d.p2, le: d.le }, { cla: c.apdu.cla, ins: c.apdu.ins, p1: c.apdu.p1, p2: c.apdu.p2, le: c.apdu.le });
      assert.equal(toHex(d.data), toHex(c.apdu.data ?? new Uint8Array(0)));
    });
  }

  it('refuses what short APDUs cannot carry', () => {
    assert.throws(() => encodeCommandApdu({ cla: 0, ins: 0xa4, p1: 0, p2: 0, data: new Uint8Array(256) }), EncodeError);
    assert.throws(() => encodeCommandApdu({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 257 }), EncodeError);
    assert.throws(() => encodeCommandApdu({ cla: 0x100, ins: 0xb0, p1: 0, p2: 0 }), EncodeError);
  });

  it('rejects truncated, extended and inconsistent commands with DecodeError', () => {
    for (const [hex, reason] of [
      ['00a400', 'truncated'],
      ['00a4000400000a', 'unsupported'],
      ['00a40004026f', 'bad-length'],
      ['00a40004026f070000', 'bad-length'],
    ] as const) {
      assert.throws(() => decodeCommandApdu(fromHex(hex)), (e: unknown) => e instanceof DecodeError && e.reason === reason, hex);
    }
  });
});

describe('usim codec: response APDUs', () => {
  it('splits data and status word', () => {
    const r = decodeResponseApdu(fromHex('db08a54211d5e3ba50bf9000'));
    assert.equal(toHex(r.data), 'db08a54211d5e3ba50bf');
    assert.equal(r.sw, 0x9000);
    assert.equal(decodeResponseApdu(fromHex('6122')).sw, 0x6122);
  });
  it('round-trips through encodeResponseApdu', () => {
    assert.equal(toHex(encodeResponseApdu(fromHex('0102'), 0x6c09)), '01026c09');
  });
  it('needs SW1 SW2', () => {
    assert.throws(() => decodeResponseApdu(fromHex('90')), DecodeError);
  });
});
