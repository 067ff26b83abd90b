import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  BSF_MEDIA_TYPE,
  GBA_NAMESPACE,
  buildBootstrappingInfo,
  formatXsDateTime,
  parseBootstrappingInfo,
  parseXsDateTime,
} from '../../../../src/codec/xml/index.js';
import { expectDecodeError, expectEncodeError, mutated, onlyDecodeError, token } from './helpers.js';

const BTID = 'c2FtcGxlUkFORHZhbHVlMTIzNA==@bsf.mnc001.mcc001.pub.3gppnetwork.org';

test('the constants are the TS 24.109 ones', () => {
  assert.equal(BSF_MEDIA_TYPE, 'application/vnd.3gpp.bsf+xml');
  assert.equal(GBA_NAMESPACE, 'uri:3gpp-gba');
});

const GOOD: Array<[string, string, string, string]> = [
  [
    'the BSF layout of SPEC §5',
    `<BootstrappingInfo xmlns="uri:3gpp-gba"><btid>${BTID}</btid><lifetime>2025-06-01T12:00:00Z</lifetime></BootstrappingInfo>`,
    BTID,
    '2025-06-01T12:00:00.000Z',
  ],
  [
    'declaration, indentation and CRLF line ends',
    `<?xml version="1.0" encoding="UTF-8"?>\r\n<BootstrappingInfo xmlns="uri:3gpp-gba">\r\n  <btid>\r\n    ${BTID}\r\n  </btid>\r\n  <lifetime> 2025-06-01T12:00:00Z </lifetime>\r\n</BootstrappingInfo>\r\n`,
    BTID,
    '2025-06-01T12:00:00.000Z',
  ],
  [
    'a namespace prefix',
    `<gba:BootstrappingInfo xmlns:gba="uri:3gpp-gba"><gba:btid>${BTID}</gba:btid><gba:lifetime>2025-06-01T12:00:00Z</gba:lifetime></gba:BootstrappingInfo>`,
    BTID,
    '2025-06-01T12:00:00.000Z',
  ],
  [
    'unknown elements, attributes and comments around the fields, fields reversed',
    `<BootstrappingInfo xmlns="uri:3gpp-gba" version="2"><!-- hi --><future a="1"><x/></future><lifetime>2025-06-01T12:00:00Z</lifetime><note>n</note><btid>${BTID}</btid></BootstrappingInfo>`,
    BTID,
    '2025-06-01T12:00:00.000Z',
  ],
  [
    'a positive time zone',
    `<BootstrappingInfo xmlns="uri:3gpp-gba"><btid>${BTID}</btid><lifetime>2025-06-01T14:30:00+02:30</lifetime></BootstrappingInfo>`,
    BTID,
    '2025-06-01T12:00:00.000Z',
  ],
  [
    'a negative time zone across midnight',
    `<BootstrappingInfo xmlns="uri:3gpp-gba"><btid>${BTID}</btid><lifetime>2025-05-31T21:00:00-03:00</lifetime></BootstrappingInfo>`,
    BTID,
    '2025-06-01T00:00:00.000Z',
  ],
  [
    'no time zone (taken as UTC) and fractional seconds',
    `<BootstrappingInfo xmlns="uri:3gpp-gba"><btid>${BTID}</btid><lifetime>2025-06-01T12:00:00.123456</lifetime></BootstrappingInfo>`,
    BTID,
    '2025-06-01T12:00:00.123Z',
  ],
  [
    '24:00:00 is midnight of the next day, 29 February of a leap year',
    `<BootstrappingInfo xmlns="uri:3gpp-gba"><btid>${BTID}</btid><lifetime>2024-02-29T24:00:00Z</lifetime></BootstrappingInfo>`,
    BTID,
    '2024-03-01T00:00:00.000Z',
  ],
  [
    'btid in CDATA, UTF-8 bytes',
    `<BootstrappingInfo xmlns="uri:3gpp-gba"><btid><![CDATA[${BTID}]]></btid><lifetime>2025-06-01T12:00:00Z</lifetime></BootstrappingInfo>`,
    BTID,
    '2025-06-01T12:00:00.000Z',
  ],
];

for (const [name, body, btid, iso] of GOOD) {
  test(`reads: ${name}`, () => {
    for (const input of [body, new TextEncoder().encode(body)]) {
      const info = parseBootstrappingInfo(input);
      assert.equal(info.btid, btid);
      assert.equal(info.lifetime.toISOString(), iso);
    }
  });
}

const wrap = (inner: string): string => `<BootstrappingInfo xmlns="uri:3gpp-gba">${inner}</BootstrappingInfo>`;
const withLifetime = (lt: string): string => wrap(`<btid>${BTID}</btid><lifetime>${lt}</lifetime>`);

const BAD: Array<[string, string, string]> = [
  ['no btid', wrap('<lifetime>2025-06-01T12:00:00Z</lifetime>'), 'missing'],
  ['empty btid', wrap('<btid>  </btid><lifetime>2025-06-01T12:00:00Z</lifetime>'), 'missing'],
  ['no lifetime', wrap(`<btid>${BTID}</btid>`), 'missing'],
  ['empty lifetime', withLifetime(''), 'missing'],
  ['btid nested one level too deep', wrap(`<x><btid>${BTID}</btid></x><lifetime>2025-06-01T12:00:00Z</lifetime>`), 'missing'],
  ['another root', `<Bootstrapping xmlns="uri:3gpp-gba"><btid>${BTID}</btid></Bootstrapping>`, 'unexpected-root'],
  ['date only', withLifetime('2025-06-01'), 'bad-value'],
  ['space instead of T', withLifetime('2025-06-01 12:00:00Z'), 'bad-value'],
  ['no seconds', withLifetime('2025-06-01T12:00Z'), 'bad-value'],
  ['30 February', withLifetime('2024-02-30T12:00:00Z'), 'bad-value'],
  ['29 February of a common year', withLifetime('2023-02-29T12:00:00Z'), 'bad-value'],
  ['31 April', withLifetime('2025-04-31T12:00:00Z'), 'bad-value'],
  ['month 13', withLifetime('2025-13-01T12:00:00Z'), 'bad-value'],
  ['month 0', withLifetime('2025-00-01T12:00:00Z'), 'bad-value'],
  ['day 0', withLifetime('2025-06-00T12:00:00Z'), 'bad-value'],
  ['hour 25', withLifetime('2025-06-01T25:00:00Z'), 'bad-value'],
  ['24:00:01', withLifetime('2025-06-01T24:00:01Z'), 'bad-value'],
  ['minute 60', withLifetime('2025-06-01T12:60:00Z'), 'bad-value'],
  ['second 60', withLifetime('2025-06-01T12:00:60Z'), 'bad-value'],
  ['zone +15:00', withLifetime('2025-06-01T12:00:00+15:00'), 'bad-value'],
  ['zone +14:30', withLifetime('2025-06-01T12:00:00+14:30'), 'bad-value'],
  ['zone without colon', withLifetime('2025-06-01T12:00:00+0200'), 'bad-value'],
  ['lower-case z', withLifetime('2025-06-01T12:00:00z'), 'bad-value'],
  ['year 0000', withLifetime('0000-06-01T12:00:00Z'), 'bad-value'],
  ['a number', withLifetime('1717243200'), 'bad-value'],
  ['trailing text', withLifetime('2025-06-01T12:00:00Z tomorrow'), 'bad-value'],
  ['not XML', 'btid=x; lifetime=y', 'malformed'],
  ['JSON', '{"btid":"x","lifetime":"2025-06-01T12:00:00Z"}', 'malformed'],
];

for (const [name, body, reason] of BAD) {
  test(`refuses: ${name}`, () => {
    expectDecodeError(() => parseBootstrappingInfo(body), reason);
  });
}

test('builds the SPEC §5 layout', () => {
  assert.equal(
    buildBootstrappingInfo({ btid: BTID, lifetime: new Date('2025-06-01T12:00:00Z') }),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<BootstrappingInfo xmlns="uri:3gpp-gba">\n' +
      `  <btid>${BTID}</btid>\n` +
      '  <lifetime>2025-06-01T12:00:00Z</lifetime>\n' +
      '</BootstrappingInfo>',
  );
});

test('refuses to build what cannot be read back', () => {
  const lifetime = new Date('2025-06-01T12:00:00Z');
  expectEncodeError(() => buildBootstrappingInfo({ btid: '', lifetime }));
  expectEncodeError(() => buildBootstrappingInfo({ btid: ' x', lifetime }));
  expectEncodeError(() => buildBootstrappingInfo({ btid: 'a\u0000b', lifetime }));
  expectEncodeError(() => buildBootstrappingInfo({ btid: 'x', lifetime: new Date(NaN) }));
  expectEncodeError(() => buildBootstrappingInfo({ btid: 'x', lifetime: new Date('+010000-01-01T00:00:00Z') }));
});

const dateArb = fc.date({ min: new Date('0001-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true });

test('property: build then parse returns the same B-TID and lifetime', () => {
  fc.assert(
    fc.property(token(80), dateArb, (btid, lifetime) => {
      const back = parseBootstrappingInfo(buildBootstrappingInfo({ btid, lifetime }));
      assert.equal(back.btid, btid);
      assert.equal(back.lifetime.getTime(), lifetime.getTime());
    }),
    { numRuns: 5000 },
  );
});

test('property: an xs:dateTime written with any zone offset denotes the same instant', () => {
  fc.assert(
    fc.property(
      fc.date({ min: new Date('1000-01-02T00:00:00Z'), max: new Date('9998-12-30T00:00:00Z'), noInvalidDate: true }),
      fc.integer({ min: -14 * 60, max: 14 * 60 }),
      (d, offset) => {
        // Local wall-clock time at that offset, written with the offset.
        const local = new Date(d.getTime() + offset * 60_000).toISOString().slice(0, 23);
        const sign = offset < 0 ? '-' : '+';
        const abs = Math.abs(offset);
        const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
        assert.equal(parseXsDateTime(local + zone).getTime(), d.getTime());
        assert.equal(parseXsDateTime(formatXsDateTime(d)).getTime(), d.getTime());
      },
    ),
    { numRuns: 5000 },
  );
});

test('property: edited BSF bodies only ever raise DecodeError', () => {
  const body = buildBootstrappingInfo({ btid: BTID, lifetime: new Date('2025-06-01T12:00:00Z') });
  fc.assert(
    fc.property(mutated(body), (doc) => onlyDecodeError(() => parseBootstrappingInfo(doc))),
    { numRuns: 5000 },
  );
});

test('property: arbitrary lifetime text only ever raises DecodeError', () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom(...'0123456789-+:.TZ z'), maxLength: 32 }), (lt) =>
      onlyDecodeError(() => parseXsDateTime(lt)),
    ),
    { numRuns: 5000 },
  );
});
