/** GSM 7-bit (default + extension table, fill bits after a UDH), UCS2 surrogates, DCS groups, SCTS. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EncodeError } from '../../../../src/codec/errors.js';
import { fromHex, toHex } from '../../../../src/codec/hex.js';
import {
  decodeGsm7,
  decodeSmsDeliver,
  encodeGsm7,
  encodeSmsDeliver,
  isGsm7Encodable,
  SmsReassembler,
  type SmsDeliverInput,
} from '../../../../src/codec/sms/index.js';

const TS = '2024-02-29T23:59:59+01:00';
const base = { originator: '+4915112345678', timestamp: TS, smscPrefix: false } as const;
const roundTrip = (m: SmsDeliverInput) => decodeSmsDeliver(encodeSmsDeliver(m), { smscPrefix: m.smscPrefix ?? true });

/** TS 23.038 §6.2.1 default table, row by row (0x1B is the escape). */
const DEFAULT_ROWS: [number, string][] = [
  [0x00, '@£$¥èéùìòÇ\nØø\rÅå'],
  [0x10, 'Δ_ΦΓΛΩΠΨΣΘΞ'],
  [0x1c, 'ÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'],
];
const EXTENSION: [number, string][] = [
  [0x0a, '\f'], [0x14, '^'], [0x28, '{'], [0x29, '}'], [0x2f, '\\'], [0x3c, '['], [0x3d, '~'], [0x3e, ']'], [0x40, '|'], [0x65, '€'],
];

describe('GSM 7-bit alphabet', () => {
  it('maps every default-table septet both ways', () => {
    let count = 0;
    for (const [start, chars] of DEFAULT_ROWS) {
      [...chars].forEach((ch, i) => {
        assert.equal(decodeGsm7(Uint8Array.of(start + i)), ch, `septet 0x${(start + i).toString(16)}`);
        assert.deepEqual(encodeGsm7(ch), Uint8Array.of(start + i));
        count++;
      });
    }
    assert.equal(count, 127);
  });

  it('maps the extension table through the escape, two septets each', () => {
    for (const [code, ch] of EXTENSION) {
      assert.deepEqual(encodeGsm7(ch), Uint8Array.of(0x1b, code));
      assert.equal(decodeGsm7(Uint8Array.of(0x1b, code)), ch);
    }
    const text = '€[]{}^\\|~';
    assert.equal(encodeGsm7(text).length, 18);
    const d = roundTrip({ ...base, text });
    assert.equal(d.dcs.alphabet, 'gsm7');
    assert.equal(d.udl, 18);
    assert.equal(d.text, text);
  });

  it('follows TS 23.038 for escapes it does not define', () => {
    assert.equal(decodeGsm7(Uint8Array.of(0x1b, 0x41)), 'A', 'no extension entry: default character');
    assert.equal(decodeGsm7(Uint8Array.of(0x1b, 0x1b, 0x41)), ' A', 'escape to a further table: space');
    assert.equal(decodeGsm7(Uint8Array.of(0x41, 0x1b)), 'A ', 'lone trailing escape: space');
  });

  it('refuses text outside the alphabet, and picks UCS2 for it by default', () => {
    assert.equal(isGsm7Encodable('ça'), false);
    assert.throws(() => encodeGsm7('ç'), EncodeError);
    assert.throws(() => encodeSmsDeliver({ ...base, alphabet: 'gsm7', text: 'naïve' }), EncodeError);
    assert.equal(roundTrip({ ...base, text: 'naïve' }).dcs.alphabet, 'ucs2');
  });

  it('packs after a UDH with the fill bits of TS 23.040 §9.2.3.24 (hand-worked)', () => {
    // Empty header (UDHL 0) = 1 octet = 8 bits: the text starts at septet 2 (bit 14), so 6 fill bits.
    // 'A' = 0x41: its low 2 bits go to bits 6-7 of octet 1 (0x40), its high 5 bits to octet 2 (0x10).
    const pdu = encodeSmsDeliver({ ...base, flags: { udhi: true }, text: 'A' });
    assert.equal(toHex(pdu.subarray(-4)), '03004010');
    assert.equal(decodeSmsDeliver(pdu, { smscPrefix: false }).text, 'A');
  });

  it('round-trips text after headers of every length (each fill-bit count 0-6)', () => {
    const fills = new Set<number>();
    for (let dataLen = 0; dataLen <= 12; dataLen++) {
      const udh = [{ iei: 0x70, data: Uint8Array.from({ length: dataLen }, (_, i) => i + 1) }];
      const headerOctets = 1 + 2 + dataLen;
      fills.add(Math.ceil((headerOctets * 8) / 7) * 7 - headerOctets * 8);
      const text = 'Fill bits: é€{x}';
      const d = roundTrip({ ...base, udh, text });
      assert.equal(d.text, text);
      assert.deepEqual(d.udh, udh);
      assert.equal(d.udl, Math.ceil((headerOctets * 8) / 7) + encodeGsm7(text).length);
    }
    assert.deepEqual([...fills].sort(), [0, 1, 2, 3, 4, 5, 6]);
  });

  it('joins an escape split across two segments', () => {
    const part = (sequence: number, userData: Uint8Array) =>
      roundTrip({ ...base, alphabet: 'gsm7', concat: { reference: 7, total: 2, sequence }, userData });
    const re = new SmsReassembler({ now: () => 0 });
    const p1 = part(1, Uint8Array.of(0x50, 0x1b)); // 'P', ESC
    const p2 = part(2, Uint8Array.of(0x65)); // '€' continued
    assert.equal(p1.text, 'P ');
    re.add(p1);
    const done = re.add(p2);
    assert.equal(done.kind === 'complete' && done.datagram.text, 'P€');
  });

  it('fills 160 septets, and no more', () => {
    assert.equal(roundTrip({ ...base, text: 'x'.repeat(160) }).text, 'x'.repeat(160));
    assert.throws(() => encodeSmsDeliver({ ...base, text: 'x'.repeat(161) }), EncodeError);
    assert.throws(() => encodeSmsDeliver({ ...base, text: '€'.repeat(81) }), EncodeError);
    // With a concatenation header (6 octets = 7 septets) 153 septets remain.
    const concat = { reference: 1, total: 2, sequence: 1 };
    assert.equal(roundTrip({ ...base, concat, text: 'y'.repeat(153) }).text?.length, 153);
    assert.throws(() => encodeSmsDeliver({ ...base, concat, text: 'y'.repeat(154) }), EncodeError);
  });
});

describe('UCS2', () => {
  it('carries a surrogate pair big-endian', () => {
    const text = 'Hi 😀!';
    const pdu = encodeSmsDeliver({ ...base, text });
    const d = decodeSmsDeliver(pdu, { smscPrefix: false });
    assert.equal(d.dcs.alphabet, 'ucs2');
    assert.equal(toHex(d.userData), '004800690020d83dde000021');
    assert.equal(d.text, text);
  });

  it('joins a surrogate pair split across two segments', () => {
    const re = new SmsReassembler({ now: () => 0 });
    const part = (sequence: number, hex: string) =>
      roundTrip({ ...base, alphabet: 'ucs2', concat: { reference: 300, referenceBits: 16, total: 2, sequence }, userData: fromHex(hex) });
    assert.equal(re.add(part(2, 'de00')).kind, 'pending');
    const done = re.add(part(1, '0041d83d'));
    assert.equal(done.kind === 'complete' && done.datagram.text, 'A😀');
  });

  it('holds 70 characters with no header', () => {
    assert.equal(roundTrip({ ...base, text: 'ж'.repeat(70) }).text, 'ж'.repeat(70));
    assert.throws(() => encodeSmsDeliver({ ...base, text: 'ж'.repeat(71) }), EncodeError);
  });
});

describe('TP-DCS groups (TS 23.038 §4)', () => {
  const cases: { dcs: number; alphabet: string; messageClass: number | null; compressed: boolean }[] = [
    { dcs: 0x00, alphabet: 'gsm7', messageClass: null, compressed: false },
    { dcs: 0x04, alphabet: '8bit', messageClass: null, compressed: false },
    { dcs: 0x08, alphabet: 'ucs2', messageClass: null, compressed: false },
    { dcs: 0x0c, alphabet: 'gsm7', messageClass: null, compressed: false }, // reserved alphabet
    { dcs: 0x10, alphabet: 'gsm7', messageClass: 0, compressed: false },
    { dcs: 0x16, alphabet: '8bit', messageClass: 2, compressed: false },
    { dcs: 0x19, alphabet: 'ucs2', messageClass: 1, compressed: false },
    { dcs: 0x20, alphabet: 'gsm7', messageClass: null, compressed: true },
    { dcs: 0x48, alphabet: 'ucs2', messageClass: null, compressed: false }, // automatic deletion group
    { dcs: 0x80, alphabet: 'gsm7', messageClass: null, compressed: false }, // reserved group
    { dcs: 0xc3, alphabet: 'gsm7', messageClass: null, compressed: false }, // MWI discard
    { dcs: 0xd8, alphabet: 'gsm7', messageClass: null, compressed: false }, // MWI store
    { dcs: 0xe0, alphabet: 'ucs2', messageClass: null, compressed: false }, // MWI store UCS2
    { dcs: 0xf0, alphabet: 'gsm7', messageClass: 0, compressed: false },
    { dcs: 0xf5, alphabet: '8bit', messageClass: 1, compressed: false },
    { dcs: 0xf3, alphabet: 'gsm7', messageClass: 3, compressed: false },
  ];
  for (const c of cases) {
    it(`0x${c.dcs.toString(16).padStart(2, '0')}: ${c.alphabet}, class ${c.messageClass}${c.compressed ? ', compressed' : ''}`, () => {
      const userData = Uint8Array.of(0x10, 0x20, 0x30, 0x40);
      const d = roundTrip({ ...base, dcs: c.dcs, userData });
      assert.deepEqual(d.dcs, { value: c.dcs, alphabet: c.alphabet, messageClass: c.messageClass, compressed: c.compressed });
      assert.deepEqual(d.userData, userData);
      // Septets counted for plain GSM 7-bit, octets otherwise.
      assert.equal(d.udl, 4);
      assert.equal(d.text !== undefined, !c.compressed && c.alphabet !== '8bit');
    });
  }
  it('builds a DCS from alphabet and class', () => {
    assert.equal(roundTrip({ ...base, alphabet: '8bit', messageClass: 1, userData: new Uint8Array(1) }).dcs.value, 0x15);
    assert.equal(roundTrip({ ...base, alphabet: 'ucs2', text: 'a' }).dcs.value, 0x08);
    assert.throws(() => encodeSmsDeliver({ ...base, dcs: 4, alphabet: '8bit', userData: new Uint8Array(1) }), EncodeError);
    assert.throws(() => encodeSmsDeliver({ ...base, dcs: 4, text: 'a' }), EncodeError);
    assert.throws(() => encodeSmsDeliver({ ...base, dcs: 0x20, text: 'a' }), EncodeError);
  });
});

describe('TP-SCTS', () => {
  const cases: [string, string][] = [
    ['2011-12-13T13:12:11+01:00', '11213131211140'],
    ['2002-08-26T19:37:41-01:00', '20806291731448'],
    ['2024-02-29T23:59:59-07:30', '4220923295950b'], // -30 quarters: tens 3 + sign in the low nibble
    ['2099-12-31T00:00:00+13:45', '99211300000055'], // 55 quarters
    ['2000-01-01T00:00:00+00:00', '00101000000000'],
  ];
  for (const [iso, hex] of cases) {
    it(`${iso} <-> ${hex}`, () => {
      const pdu = encodeSmsDeliver({ ...base, timestamp: iso, text: '' });
      assert.equal(toHex(pdu.subarray(-8, -1)), hex);
      assert.equal(decodeSmsDeliver(pdu, { smscPrefix: false }).timestamp, iso);
    });
  }
  it('encodes a Date at a given offset', () => {
    const d = roundTrip({ ...base, timestamp: new Date('2026-11-28T02:00:00Z'), timestampOffsetMinutes: 60, text: '' });
    assert.equal(d.timestamp, '2026-11-28T03:00:00+01:00');
    assert.equal(d.timestampOffsetMinutes, 60);
    assert.equal(Date.parse(d.timestamp), Date.parse('2026-11-28T02:00:00Z'));
  });
  it('shows a negative zero zone as +00:00', () => {
    const pdu = encodeSmsDeliver({ ...base, timestamp: '2020-01-01T00:00:00+00:00', text: '' });
    pdu[pdu.length - 2] = 0x08;
    assert.equal(decodeSmsDeliver(pdu, { smscPrefix: false }).timestamp, '2020-01-01T00:00:00+00:00');
  });
  it('refuses what it cannot encode', () => {
    for (const timestamp of ['2011-12-13 13:12:11', '1999-12-31T23:59:59Z', '2011-12-13T13:12:11+01:10', '2011-02-30T00:00:00Z', new Date(NaN)]) {
      assert.throws(() => encodeSmsDeliver({ ...base, timestamp, text: '' }), EncodeError);
    }
  });
});

describe('addresses', () => {
  const cases: { input: SmsDeliverInput['originator']; hex: string; address: string; ton: number; npi: number }[] = [
    { input: '+31641600986', hex: '0b911346610089f6', address: '+31641600986', ton: 1, npi: 1 },
    { input: '1234', hex: '04812143', address: '1234', ton: 0, npi: 1 },
    { input: '', hex: '0081', address: '', ton: 0, npi: 1 },
    { input: 'sipgate', hex: '0dd0f334fc1ca69701', address: 'sipgate', ton: 5, npi: 0 },
    { input: { address: '0', toa: 0x85 }, hex: '0185f0', address: '0', ton: 0, npi: 5 },
    { input: { address: '*#123abc', toa: 0x81 }, hex: '0881ba21c3ed', address: '*#123abc', ton: 0, npi: 1 },
    // 9 septets (B a n k ESC ( 1 ESC )) = 63 bits: 16 semi-octets, 8 octets.
    { input: { address: 'Bank{1}', ton: 5 }, hex: '10d0c2b07bbd41c53629', address: 'Bank{1}', ton: 5, npi: 0 },
    { input: { address: '112', ton: 2, npi: 1 }, hex: '03a111f2', address: '112', ton: 2, npi: 1 },
  ];
  for (const c of cases) {
    it(`${JSON.stringify(c.input)} <-> ${c.hex}`, () => {
      const pdu = encodeSmsDeliver({ ...base, originator: c.input, text: '' });
      assert.equal(toHex(pdu.subarray(1, 1 + c.hex.length / 2)), c.hex);
      const d = decodeSmsDeliver(pdu, { smscPrefix: false });
      assert.deepEqual([d.originator.address, d.originator.ton, d.originator.npi], [c.address, c.ton, c.npi]);
    });
  }
  it('writes and reads the SMSC prefix (odd digits end in F; null is 00)', () => {
    const pdu = encodeSmsDeliver({ ...base, smscPrefix: true, smsc: '+12063130025', text: '' });
    assert.equal(toHex(pdu.subarray(0, 8)), '07912160130320f5');
    assert.equal(decodeSmsDeliver(pdu).smsc, '+12063130025');
    const none = encodeSmsDeliver({ ...base, smscPrefix: true, text: '' });
    assert.equal(none[0], 0);
    assert.equal(decodeSmsDeliver(none).smsc, null);
    assert.throws(() => encodeSmsDeliver({ ...base, smscPrefix: false, smsc: '+1', text: '' }), EncodeError);
  });
  it('refuses addresses that do not fit', () => {
    assert.throws(() => encodeSmsDeliver({ ...base, originator: '+123456789012345678901', text: '' }), EncodeError);
    assert.throws(() => encodeSmsDeliver({ ...base, originator: 'ABCDEFGHIJKL', text: '' }), EncodeError);
    assert.throws(() => encodeSmsDeliver({ ...base, originator: { address: '12x', toa: 0x81 }, text: '' }), EncodeError);
    assert.throws(() => encodeSmsDeliver({ ...base, smscPrefix: true, smsc: '+123456789012345678901', text: '' }), EncodeError);
  });
  it('decodes an alphanumeric address with as many characters as its semi-octet length allows', () => {
    // 'sipgate' = 7 septets = 49 bits in 7 octets: the 7 spare bits are not an 8th character '@'.
    const d = decodeSmsDeliver(encodeSmsDeliver({ ...base, originator: 'sipgate', text: '' }), { smscPrefix: false });
    assert.equal(d.originator.address, 'sipgate');
  });
});
