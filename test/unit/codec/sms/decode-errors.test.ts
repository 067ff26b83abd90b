/**
 * Malformed SMS-DELIVER PDUs: each must be refused with a DecodeError naming the reason and the
 * offset of the offending octet in the PDU, never decoded by guessing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DecodeError } from '../../../../src/codec/errors.js';
import { fromHex } from '../../../../src/codec/hex.js';
import { decodeSmsDeliver, type DecodeSmsOptions } from '../../../../src/codec/sms/index.js';

/** oFono's simple_deliver, field by field, with the offset each field starts at. */
const FIELDS = {
  smsc: '07911326040000F0', // 0
  fo: '04', // 8
  oa: '0B911346610089F6', // 9
  pid: '00', // 17
  dcs: '00', // 18
  scts: '20806291731448', // 19
  udl: '0C', // 26
  ud: 'C8F71D14969741F977FD07', // 27..37
};
type Fields = typeof FIELDS;
const pdu = (over: Partial<Fields> = {}, tail = ''): string => Object.values({ ...FIELDS, ...over }).join('') + tail;

interface Case {
  name: string;
  hex: string;
  opts?: DecodeSmsOptions;
  codec?: string;
  reason: string;
  offset: number;
}

const CASES: Case[] = [
  { name: 'empty input', hex: '', reason: 'truncated', offset: 0 },
  { name: 'UDL beyond the end (13 septets, 11 octets)', hex: pdu({ udl: '0D' }), reason: 'truncated', offset: 27 },
  { name: 'octet after the user data', hex: pdu({}, '00'), reason: 'trailing-data', offset: 38 },
  { name: 'UDL above 160 septets', hex: pdu({ udl: 'A1' }), reason: 'bad-length', offset: 26 },
  { name: '8-bit UDL above 140 octets', hex: pdu({ dcs: '04', udl: '8D' }), reason: 'bad-length', offset: 26 },
  { name: 'address length beyond the end', hex: FIELDS.smsc + '04' + '0B91' + '1346', reason: 'truncated', offset: 11 },
  { name: 'address length above 20 semi-octets', hex: pdu({ oa: '15911346610089F6' }), reason: 'bad-length', offset: 9 },
  { name: 'filler F inside the address digits', hex: pdu({ oa: '0B911346610F89F6' }), reason: 'bad-bcd', offset: 14 },
  { name: 'timestamp year not BCD', hex: pdu({ scts: '2A806291731448' }), reason: 'bad-bcd', offset: 19 },
  { name: 'timestamp month 13', hex: pdu({ scts: '20316291731448' }), reason: 'bad-value', offset: 20 },
  { name: 'timestamp 30 February', hex: pdu({ scts: '00200391731448' }), reason: 'bad-value', offset: 21 },
  { name: 'timestamp hour 24', hex: pdu({ scts: '20806242731448' }), reason: 'bad-value', offset: 22 },
  { name: 'timestamp zone units not BCD', hex: pdu({ scts: '208062917314A0' }), reason: 'bad-bcd', offset: 25 },
  { name: 'TP-MTI 1 (SUBMIT-REPORT)', hex: pdu({ fo: '05' }), reason: 'unsupported', offset: 8 },
  { name: 'TP-MTI 2 (STATUS-REPORT)', hex: pdu({ fo: '06' }), reason: 'unsupported', offset: 8 },
  { name: 'TP-MTI 3 (reserved)', hex: pdu({ fo: '07' }), reason: 'unsupported', offset: 8 },
  { name: 'UDHI with empty user data', hex: pdu({ fo: '44', dcs: '04', udl: '00', ud: '' }), reason: 'truncated', offset: 27 },
  { name: 'UDHL beyond UDL (8-bit)', hex: pdu({ fo: '44', dcs: '04', udl: '03', ud: '050003' }), reason: 'bad-length', offset: 27 },
  { name: 'UDHL beyond UDL (GSM 7-bit)', hex: pdu({ fo: '44', udl: '02', ud: '0500' }), reason: 'bad-length', offset: 27 },
  { name: 'IE runs past UDHL', hex: pdu({ fo: '44', dcs: '04', udl: '05', ud: '0400034C02' }), codec: 'udh', reason: 'truncated', offset: 28 },
  { name: 'IE header runs past UDHL', hex: pdu({ fo: '44', dcs: '04', udl: '02', ud: '0100' }), codec: 'udh', reason: 'truncated', offset: 28 },
  { name: 'port IE of 3 octets', hex: pdu({ fo: '44', dcs: '04', udl: '06', ud: '0505030B8423' }), codec: 'udh', reason: 'bad-length', offset: 28 },
  { name: 'concat IE of 4 octets', hex: pdu({ fo: '44', dcs: '04', udl: '07', ud: '0600044C020100' }), codec: 'udh', reason: 'bad-length', offset: 28 },
  { name: 'UCS2 with an odd length', hex: pdu({ dcs: '08', udl: '03', ud: '004100' }), reason: 'bad-length', offset: 27 },
  { name: 'SMSC length above 11 octets', hex: pdu({ smsc: '0C91' + '11'.repeat(11) }), reason: 'bad-length', offset: 0 },
  { name: 'SMSC beyond the end', hex: '07911326', reason: 'truncated', offset: 2 },
  { name: 'filler F inside the SMSC', hex: pdu({ smsc: '0791F326040000F0' }), reason: 'bad-bcd', offset: 2 },
  { name: '+CMT length one short of the TPDU', hex: pdu(), opts: { tpduLength: 31 }, reason: 'length-mismatch', offset: 0 },
  { name: '+CMT length longer than the PDU', hex: pdu(), opts: { tpduLength: 40 }, reason: 'truncated', offset: 38 },
  { name: '+CMT length of the whole PDU (no prefix): 07 is not a DELIVER', hex: pdu(), opts: { tpduLength: 38 }, reason: 'unsupported', offset: 0 },
  { name: '+CMT length contradicting smscPrefix:false', hex: pdu(), opts: { tpduLength: 30, smscPrefix: false }, reason: 'length-mismatch', offset: 0 },
  { name: 'negative +CMT length', hex: pdu(), opts: { tpduLength: -1 }, reason: 'bad-value', offset: -1 },
];

describe('decodeSmsDeliver refuses malformed PDUs', () => {
  it('accepts the unmodified base PDU', () => {
    assert.equal(decodeSmsDeliver(fromHex(pdu())).text, 'How are you?');
    assert.equal(decodeSmsDeliver(fromHex(pdu()), { tpduLength: 30 }).text, 'How are you?');
  });

  for (const c of CASES) {
    it(`${c.name}: ${c.reason} at ${c.offset}`, () => {
      assert.throws(
        () => decodeSmsDeliver(fromHex(c.hex), c.opts),
        (e: unknown) => {
          assert.ok(e instanceof DecodeError, `DecodeError, got ${String(e)}`);
          assert.equal(e.codec, c.codec ?? 'sms');
          assert.equal(e.reason, c.reason);
          assert.equal(e.offset, c.offset === -1 ? undefined : c.offset);
          return true;
        },
      );
    });
  }

  it('refuses every truncation of a valid PDU', () => {
    const whole = fromHex(pdu({ fo: '44', dcs: '04', udl: '0D', ud: '0B05040B8423F000035A0201AA' }));
    assert.equal(decodeSmsDeliver(whole).concat?.reference, 0x5a);
    for (let n = 0; n < whole.length; n++) assert.throws(() => decodeSmsDeliver(whole.subarray(0, n)), DecodeError, `length ${n}`);
  });
});
