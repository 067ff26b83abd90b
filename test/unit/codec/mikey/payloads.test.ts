/**
 * Every payload type, byte-exact against layouts written out by hand from RFC 3830 §6 (and RFC 4563 /
 * RFC 6043 for the CS ID maps), so encoder and decoder cannot agree on a shared mistake.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DecodeError, EncodeError } from '../../../../src/codec/errors.js';
import { fromHex, toHex } from '../../../../src/codec/hex.js';
import {
  buildVerificationMessage,
  decodeKeyData,
  decodeMikey,
  encodeKeyData,
  encodeMikey,
  macInput,
  mikeyToJson,
  withMac,
  type HdrPayload,
  type KeyData,
  type MikeyMessage,
  type MikeyPayload,
} from '../../../../src/codec/mikey/index.js';

const h = (hex: string) => fromHex(hex.replace(/\s+/g, ''));
/** HDR: version 1, PSK init, next payload `next`, V=0 PRF=0, CSB ID 01020304, #CS 0, empty map. 10 bytes. */
const hdrHex = (next: string) => `01 00 ${next} 00 01020304 00 01`;
const emptyHdr: HdrPayload = {
  type: 'HDR',
  version: 1,
  dataType: 0,
  v: false,
  prf: 0,
  csbId: 0x01020304,
  csIdMap: { mapType: 1, csCount: 0 },
};
const mac20 = 'A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3';

// Key data chain (RFC 3830 §6.13): TGK/null, TEK+SALT/SPI, TGK+SALT/interval, TEK/null (last).
const keyDataHex =
  '14 00 0002 1111' +
  '14 31 0002 2222 0003 333333 02 4444' +
  '14 12 0001 55 0001 66 01 77 02 8888' +
  '00 20 0001 99';
const keyData: KeyData[] = [
  { keyType: 0, key: h('1111'), kv: { kvType: 0 } },
  { keyType: 3, key: h('2222'), salt: h('333333'), kv: { kvType: 1, spi: h('4444') } },
  { keyType: 1, key: h('55'), salt: h('66'), kv: { kvType: 2, vf: h('77'), vt: h('8888') } },
  { keyType: 2, key: h('99'), kv: { kvType: 0 } },
];

const cases: Array<[string, string, MikeyPayload[], HdrPayload?]> = [
  ['T NTP-UTC', `${hdrHex('05')} 00 00 0123456789ABCDEF`, [{ type: 'T', tsType: 0, ntp: 0x0123456789abcdefn }]],
  ['T NTP', `${hdrHex('05')} 00 01 FFFFFFFFFFFFFFFF`, [{ type: 'T', tsType: 1, ntp: 0xffffffffffffffffn }]],
  ['T COUNTER', `${hdrHex('05')} 00 02 00000102`, [{ type: 'T', tsType: 2, counter: 258 }]],
  ['RAND', `${hdrHex('0B')} 00 03 AABBCC`, [{ type: 'RAND', rand: h('AABBCC') }]],
  ['ID (URI)', `${hdrHex('06')} 00 01 0003 616263`, [{ type: 'ID', idType: 1, id: h('616263') }]],
  ['V HMAC-SHA-1-160', `${hdrHex('09')} 00 01 ${mac20}`, [{ type: 'V', macAlg: 1, mac: h(mac20), macOffset: 12 }]],
  ['V NULL', `${hdrHex('09')} 00 00`, [{ type: 'V', macAlg: 0, mac: h(''), macOffset: 12 }]],
  ['SP', `${hdrHex('0A')} 00 05 00 0003 000110`, [{ type: 'SP', policyNo: 5, protType: 0, params: h('000110') }]],
  ['ERR', `${hdrHex('0C')} 00 03 0000`, [{ type: 'ERR', errNo: 3, reserved: 0 }]],
  ['EXT', `${hdrHex('15')} 00 00 0002 ABCD`, [{ type: 'EXT', extType: 0, data: h('ABCD') }]],
  [
    'KEMAC NULL: key data decoded',
    `${hdrHex('01')} 00 00 0026 ${keyDataHex} 00`,
    [{ type: 'KEMAC', encrAlg: 0, encrData: h(keyDataHex), keyData, macAlg: 0, mac: h(''), macOffset: 53 }],
  ],
  [
    'KEMAC AES-KW-128: encr data opaque',
    `${hdrHex('01')} 00 02 0003 ABCDEF 01 ${mac20}`,
    [{ type: 'KEMAC', encrAlg: 2, encrData: h('ABCDEF'), macAlg: 1, mac: h(mac20), macOffset: 18 }],
  ],
  [
    'chain T → RAND → EXT → V',
    `${hdrHex('05')} 0B 02 00000001  15 01 AA  09 05 0000  00 01 ${mac20}`,
    [
      { type: 'T', tsType: 2, counter: 1 },
      { type: 'RAND', rand: h('AA') },
      { type: 'EXT', extType: 5, data: h('') },
      { type: 'V', macAlg: 1, mac: h(mac20), macOffset: 25 },
    ],
  ],
  [
    'HDR SRTP-ID map, 2 crypto sessions',
    '01 00 00 00 01020304 02 00  01 11111111 00000001  02 22222222 00000002',
    [],
    {
      ...emptyHdr,
      csIdMap: {
        mapType: 0,
        srtp: [
          { policyNo: 1, ssrc: 0x11111111, roc: 1 },
          { policyNo: 2, ssrc: 0x22222222, roc: 2 },
        ],
      },
    },
  ],
  [
    'HDR GENERIC-ID map, V set, PRF 1',
    '01 01 00 81 01020304 01 02  05 00 82 0102 0003 AABBCC 02 DDEE',
    [],
    {
      ...emptyHdr,
      dataType: 1,
      v: true,
      prf: 1,
      csIdMap: {
        mapType: 2,
        generic: [{ csId: 5, protType: 0, s: true, policies: h('0102'), sessionData: h('AABBCC'), spi: h('DDEE') }],
      },
    },
  ],
  ['HDR empty map with #CS 3', '01 06 00 00 01020304 03 01', [], { ...emptyHdr, dataType: 6, csIdMap: { mapType: 1, csCount: 3 } }],
];

describe('MIKEY payloads: decode and encode against hand-written bytes', () => {
  for (const [name, hex, payloads, hdr] of cases) {
    it(name, () => {
      const bytes = h(hex);
      const msg = decodeMikey(bytes);
      assert.deepEqual(msg, { hdr: hdr ?? emptyHdr, payloads });
      assert.equal(toHex(encodeMikey(msg)), toHex(bytes));
      // The decoded view of encr data is not what the encoder reads: dropping it changes nothing.
      const stripped: MikeyMessage = {
        hdr: msg.hdr,
        payloads: msg.payloads.map((p) => (p.type === 'KEMAC' ? { ...p, keyData: undefined, macOffset: undefined } : p)),
      };
      assert.equal(toHex(encodeMikey(stripped)), toHex(bytes));
    });
  }
});

describe('MIKEY key data', () => {
  it('decodeKeyData reads what a caller decrypted; encodeKeyData writes it back', () => {
    assert.deepEqual(decodeKeyData(h(keyDataHex)), keyData);
    assert.equal(toHex(encodeKeyData(keyData)), toHex(h(keyDataHex)));
  });
  it('empty plain data holds no key', () => assert.deepEqual(decodeKeyData(new Uint8Array()), []));
  it('encodeKeyData refuses a salt on a type without one, and no salt where one is needed', () => {
    assert.throws(() => encodeKeyData([{ keyType: 2, key: h('00'), salt: h('00'), kv: { kvType: 0 } }]), EncodeError);
    assert.throws(() => encodeKeyData([{ keyType: 3, key: h('00'), kv: { kvType: 0 } }]), EncodeError);
  });
});

describe('MIKEY: malformed input is a DecodeError at the right offset', () => {
  const bad: Array<[string, string, string, number]> = [
    ['version 2', '02 00 00 00 01020304 00 01', 'unsupported', 0],
    ['CS ID map type 3', '01 00 00 00 01020304 00 03', 'unsupported', 9],
    ['SRTP-ID map shorter than #CS entries', '01 00 00 00 01020304 02 00 01 11111111 00000001', 'truncated', 10],
    ['PKE payload (no decoder: cannot be skipped)', `${hdrHex('02')} 00 00`, 'unsupported', 10],
    ['unassigned payload type 13', `${hdrHex('0D')} 00`, 'unsupported', 10],
    ['TS type 3', `${hdrHex('05')} 00 03 00000000`, 'unsupported', 11],
    ['MAC alg 2', `${hdrHex('09')} 00 02`, 'unsupported', 11],
    ['key data type 4', `${hdrHex('01')} 00 00 0004 00 40 0000 00`, 'unsupported', 15],
    ['key validity type 3', `${hdrHex('01')} 00 00 0004 00 03 0000 00`, 'unsupported', 15],
    ['key data followed by a non key data payload', `${hdrHex('01')} 00 00 0004 05 00 0000 00`, 'bad-value', 14],
    ['bytes after the last key data', `${hdrHex('01')} 00 00 0005 00 00 0000 FF 00`, 'trailing', 18],
    ['encr data longer than the message', `${hdrHex('01')} 00 00 0010 00`, 'truncated', 14],
    ['bytes after the last payload', `${hdrHex('0C')} 00 03 0000 00`, 'trailing', 14],
  ];
  for (const [name, hex, reason, offset] of bad) {
    it(name, () => {
      assert.throws(
        () => decodeMikey(h(hex)),
        (e: unknown) => e instanceof DecodeError && e.codec === 'mikey' && e.reason === reason && e.offset === offset,
      );
    });
  }
});

describe('MIKEY encoder refuses what the wire cannot carry', () => {
  const msg = (p: MikeyPayload, hdr: Partial<HdrPayload> = {}): MikeyMessage => ({ hdr: { ...emptyHdr, ...hdr }, payloads: [p] });
  const bad: Array<[string, MikeyMessage]> = [
    ['MAC length not that of its algorithm', msg({ type: 'V', macAlg: 1, mac: h('00') })],
    ['unknown MAC algorithm', msg({ type: 'V', macAlg: 7, mac: h('') })],
    ['RAND longer than 255', msg({ type: 'RAND', rand: new Uint8Array(256) })],
    ['ID longer than 65535', msg({ type: 'ID', idType: 0, id: new Uint8Array(65536) })],
    ['counter above 32 bits', msg({ type: 'T', tsType: 2, counter: 2 ** 32 })],
    ['NTP above 64 bits', msg({ type: 'T', tsType: 0, ntp: 1n << 64n })],
    ['PRF above 127', msg({ type: 'ERR', errNo: 0, reserved: 0 }, { prf: 128 })],
    ['CSB ID above 32 bits', msg({ type: 'ERR', errNo: 0, reserved: 0 }, { csbId: 2 ** 32 })],
    ['#CS above 255', msg({ type: 'ERR', errNo: 0, reserved: 0 }, { csIdMap: { mapType: 1, csCount: 256 } })],
  ];
  for (const [name, m] of bad) it(name, () => assert.throws(() => encodeMikey(m), EncodeError));
});

describe('MIKEY MAC helpers', () => {
  const msg = buildVerificationMessage({ csbId: 0x01020304, counter: 7 });
  const raw = encodeMikey(msg);

  it('macInput is everything before the MAC field of V', () => {
    assert.equal(toHex(raw), toHex(h(`01 01 05 00 01020304 00 01  09 02 00000007  00 01 ${'00'.repeat(20)}`)));
    assert.equal(toHex(macInput(raw, msg)), toHex(raw.subarray(0, raw.length - 20)));
  });

  it('withMac fills the field in a copy, and the result decodes with that MAC', () => {
    const mac = h(mac20);
    const signed = withMac(raw, msg, mac);
    assert.equal(toHex(signed.subarray(-20)), toHex(mac));
    assert.equal(toHex(raw.subarray(-20)), '00'.repeat(20));
    const back = decodeMikey(signed).payloads[1];
    assert.ok(back?.type === 'V');
    assert.deepEqual(back.mac, mac);
    assert.equal(back.macOffset, raw.length - 20);
  });

  it('refuses a message without a MAC payload, raw bytes of another message, or a MAC of the wrong size', () => {
    const noMac: MikeyMessage = { hdr: emptyHdr, payloads: [{ type: 'T', tsType: 2, counter: 1 }] };
    assert.throws(() => macInput(encodeMikey(noMac), noMac), EncodeError);
    assert.throws(() => macInput(raw.subarray(1), msg), EncodeError);
    assert.throws(() => withMac(raw, msg, h('00')), EncodeError);
  });
});

describe('MIKEY JSON view of each payload', () => {
  it('names values and shows binary as hex', () => {
    const bytes = h(
      '01 01 05 80 01020304 00 01' + // HDR: verification, V set
        '06 01 0000000000000001' + // T NTP
        '0A 00 0001 41' + // ID NAI "A"
        '0C 00 00 0000' + // SP, no params
        '15 0C 0000' + // ERR 12
        '01 01 0000' + // EXT sdp-ids, empty
        '00 00 0000 00', // KEMAC NULL, no key data, MAC NULL
    );
    const j = mikeyToJson(bytes);
    assert.equal(j.dataType, 'psk-verification');
    assert.equal(j.v, true);
    assert.equal(j.kind, 'verification');
    assert.deepEqual(
      j.payloads.map((p) => p['type']),
      ['HDR', 'T', 'ID', 'SP', 'ERR', 'EXT', 'KEMAC'],
    );
    assert.deepEqual(j.payloads[1], { type: 'T', tsType: 'NTP', ntp: '0000000000000001' });
    assert.deepEqual(j.payloads[2], { type: 'ID', idType: 'NAI', id: 'A', idHex: '41' });
    assert.deepEqual(j.payloads[3], { type: 'SP', policyNo: 0, protType: 0, params: '' });
    assert.deepEqual(j.payloads[4], { type: 'ERR', errNo: 12, error: 'Unspecified error', reserved: 0 });
    assert.deepEqual(j.payloads[5], { type: 'EXT', extType: 1, name: 'sdp-ids', data: '' });
    assert.deepEqual(j.payloads[6], {
      type: 'KEMAC',
      encrAlg: 'NULL',
      encrDataLength: 0,
      encrData: '',
      keyData: [],
      macAlg: 'NULL',
      mac: '',
      macOffset: 43,
    });
    assert.deepEqual(JSON.parse(JSON.stringify(j)), j, 'JSON-safe');
  });
});
