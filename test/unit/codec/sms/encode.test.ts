/** encodeSmsDeliver / encodeDatagramAsSms: header layout, defaults, and what they refuse. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EncodeError } from '../../../../src/codec/errors.js';
import { toHex } from '../../../../src/codec/hex.js';
import {
  decodeSmsDeliver,
  encodeDatagramAsSms,
  encodeSmsDeliver,
  tpduLength,
  type DatagramSmsOptions,
  type SmsDeliverInput,
} from '../../../../src/codec/sms/index.js';

const base: SmsDeliverInput = { originator: '+447700900123', timestamp: '2026-11-28T03:00:00+01:00', text: 'x' };
const push: DatagramSmsOptions = {
  originator: '+447700900123',
  smsc: '+447785016005',
  destinationPort: 2948,
  sourcePort: 9200,
  payload: new Uint8Array(0),
  reference: 90,
  timestamp: '2026-11-28T03:00:00+01:00',
};

describe('encodeSmsDeliver', () => {
  it('defaults: empty SMSC prefix, first octet 04 (no more messages), PID 00, GSM 7-bit', () => {
    const pdu = encodeSmsDeliver(base);
    assert.equal(toHex(pdu), '00' + '04' + '0c91447700091032' + '00' + '00' + '62118230000040' + '01' + '78');
    const d = decodeSmsDeliver(pdu);
    assert.equal(d.smsc, null);
    assert.deepEqual(d.flags, { mms: true, lp: false, sri: false, udhi: false, rp: false });
    assert.equal(tpduLength(pdu), pdu.length - 1);
  });

  it('sets every first-octet flag it is given', () => {
    const d = decodeSmsDeliver(encodeSmsDeliver({ ...base, flags: { mms: false, lp: true, sri: true, rp: true } }));
    assert.equal(d.firstOctet, 0x08 | 0x20 | 0x80);
  });

  it('writes ports then concatenation then the caller’s IEs', () => {
    const pdu = encodeSmsDeliver({
      ...base,
      smscPrefix: false,
      text: undefined,
      userData: Uint8Array.of(0xaa),
      ports: { destination: 2948, source: 9200 },
      concat: { reference: 0x1234, total: 3, sequence: 2, referenceBits: 16 },
      udh: [{ iei: 0x24, data: Uint8Array.of(1) }],
    });
    // UDHL 15 = 6 + 6 + 3; UDL 17 = UDHL octet + 15 + 1 data octet; DCS defaults to 8-bit for userData.
    assert.equal(toHex(pdu.subarray(-18)), '11' + '0f' + '05040b8423f0' + '080412340302' + '240101' + 'aa');
    assert.equal(pdu[pdu.length - 18 - 7 - 1], 0x04, 'DCS 8-bit');
  });

  it('refuses inconsistent or oversized input with EncodeError', () => {
    const bad: [string, SmsDeliverInput][] = [
      ['both text and userData', { ...base, userData: new Uint8Array(1) }],
      ['neither text nor userData', { ...base, text: undefined }],
      ['text with an 8-bit alphabet', { ...base, alphabet: '8bit' }],
      ['septet above 127', { ...base, text: undefined, alphabet: 'gsm7', userData: Uint8Array.of(0x80) }],
      ['odd UCS2 user data', { ...base, text: undefined, alphabet: 'ucs2', userData: Uint8Array.of(0) }],
      ['port IE given twice', { ...base, ports: { destination: 1, source: 2 }, udh: [{ iei: 5, data: new Uint8Array(4) }] }],
      ['udhi false with IEs', { ...base, flags: { udhi: false }, ports: { destination: 1, source: 2 } }],
      ['8-bit port above 255', { ...base, ports: { destination: 256, source: 2, bits: 8 } }],
      ['16-bit port above 65535', { ...base, ports: { destination: 65536, source: 2 } }],
      ['8-bit reference above 255', { ...base, concat: { reference: 256, total: 2, sequence: 1 } }],
      ['concat IE of the wrong length', { ...base, udh: [{ iei: 0, data: new Uint8Array(2) }] }],
      ['IE data over 255 octets', { ...base, udh: [{ iei: 0x70, data: new Uint8Array(256) }] }],
      ['8-bit user data over 140 octets', { ...base, text: undefined, userData: new Uint8Array(141) }],
      ['PID not an octet', { ...base, pid: 256 }],
      ['DCS not an octet', { ...base, dcs: -1 }],
      ['class 4', { ...base, messageClass: 4 as 0 }],
      ['TOA not an octet', { ...base, originator: { address: '1', toa: 300 } }],
      ['TON 8', { ...base, originator: { address: '1', ton: 8 } }],
      ['alphanumeric SMSC', { ...base, smsc: { address: 'SMSC', ton: 5 } }],
    ];
    for (const [what, msg] of bad) assert.throws(() => encodeSmsDeliver(msg), EncodeError, what);
  });
});

describe('encodeDatagramAsSms', () => {
  it('single part: UDH 06 05 04 0B84 23F0 and the payload', () => {
    const payload = new Uint8Array(133).fill(7);
    const [pdu, ...rest] = encodeDatagramAsSms({ ...push, payload });
    assert.equal(rest.length, 0);
    const d = decodeSmsDeliver(pdu!);
    assert.equal(d.udl, 140);
    assert.equal(toHex(pdu!.subarray(pdu!.length - 140, pdu!.length - 133)), '0605040b8423f0');
    assert.equal(d.concat, null);
  });

  it('segments at 128 octets with 0B 05 04 0B84 23F0 00 03 ref tot seq', () => {
    const payload = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const pdus = encodeDatagramAsSms({ ...push, payload, pid: 0x7f });
    assert.equal(pdus.length, 3);
    pdus.forEach((pdu, i) => {
      const d = decodeSmsDeliver(pdu);
      assert.equal(d.smsc, '+447785016005');
      assert.equal(d.pid, 0x7f);
      assert.deepEqual(d.userData, payload.subarray(i * 128, (i + 1) * 128));
      const udStart = pdu.length - d.udl;
      assert.equal(toHex(pdu.subarray(udStart, udStart + 12)), `0b05040b8423f000035a030${i + 1}`);
    });
  });

  it('uses IE 08 when asked for 16-bit references (127 octets a part)', () => {
    const pdus = encodeDatagramAsSms({ ...push, payload: new Uint8Array(254), reference: 0xbeef, referenceBits: 16 });
    assert.equal(pdus.length, 2);
    assert.deepEqual(decodeSmsDeliver(pdus[0]!).concat, { reference: 0xbeef, total: 2, sequence: 1, referenceBits: 16 });
  });

  it('refuses a non-8-bit DCS, more than 255 parts, or a reference that does not fit', () => {
    assert.throws(() => encodeDatagramAsSms({ ...push, dcs: 0x00 }), EncodeError);
    assert.throws(() => encodeDatagramAsSms({ ...push, dcs: 0x24 }), EncodeError);
    assert.throws(() => encodeDatagramAsSms({ ...push, payload: new Uint8Array(128 * 255 + 1) }), EncodeError);
    assert.throws(() => encodeDatagramAsSms({ ...push, payload: new Uint8Array(200), reference: 256 }), EncodeError);
    assert.equal(encodeDatagramAsSms({ ...push, payload: new Uint8Array(128 * 255) }).length, 255);
  });

  it('tpduLength refuses a PDU shorter than its own prefix', () => {
    assert.throws(() => tpduLength(Uint8Array.of(7, 0x91)), EncodeError);
    assert.throws(() => tpduLength(new Uint8Array(0)), EncodeError);
  });
});
