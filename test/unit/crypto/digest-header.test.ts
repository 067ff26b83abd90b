import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  formatAuthorization,
  parseAuthHeader,
  parseAuthorization,
  parseChallenge,
  type DigestAuthorization,
} from '../../../src/crypto/digest-header.js';
import { DigestParseError, type DigestParseReason } from '../../../src/crypto/errors.js';

test('RFC 2617 §3.5 challenge (unfolded)', () => {
  const c = parseChallenge(
    'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
  );
  assert.equal(c.realm, 'testrealm@host.com');
  assert.equal(c.nonce, 'dcd98b7102dd2f0e8b11d0f600bfb0c093');
  assert.deepEqual(c.qop, ['auth', 'auth-int']);
  assert.equal(c.opaque, '5ccc069c403ebaf9f0171e9517f40e41');
  assert.equal(c.algorithm, 'MD5');
  assert.equal(c.stale, false);
  assert.equal(c.domain, undefined);
});

test('GBA BSF challenge (TS 24.109): AKAv1-MD5, qop auth-int, token and quoted values', () => {
  const c = parseChallenge(
    'Digest realm="bsf.mnc001.mcc001.pub.3gppnetwork.org", nonce="I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=", algorithm=AKAv1-MD5, qop="auth-int", opaque="5ccc069c"',
  );
  assert.deepEqual(
    { realm: c.realm, nonce: c.nonce, algorithm: c.algorithm, qop: c.qop, opaque: c.opaque },
    {
      realm: 'bsf.mnc001.mcc001.pub.3gppnetwork.org',
      nonce: 'I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=',
      algorithm: 'AKAv1-MD5',
      qop: ['auth-int'],
      opaque: '5ccc069c',
    },
  );
});

test('escapes in quoted strings, case-insensitive names, stale and domain', () => {
  const c = parseChallenge('DIGEST REALM="a \\"quoted\\" \\\\ realm", Nonce = "n", STALE=TRUE, Domain="/a /b", X-Extra=tok');
  assert.equal(c.realm, 'a "quoted" \\ realm');
  assert.equal(c.nonce, 'n');
  assert.equal(c.stale, true);
  assert.equal(c.domain, '/a /b');
  assert.equal(c.params['x-extra'], 'tok');
});

test('a parameter named __proto__ is kept as an ordinary parameter', () => {
  const c = parseChallenge('Digest __proto__="x", realm="r", nonce="n"');
  assert.equal(Object.getPrototypeOf(c.params), Object.prototype);
  assert.deepEqual(Object.keys(c.params), ['__proto__', 'realm', 'nonce']);
  assert.equal(Object.getOwnPropertyDescriptor(c.params, '__proto__')?.value, 'x');
});

test('empty list elements and an empty nonce are fine', () => {
  const c = parseChallenge(' , Digest realm="r",, nonce="" ,');
  assert.deepEqual([c.realm, c.nonce], ['r', '']);
});

test('several challenges in one value: the Digest one is picked', () => {
  const c = parseChallenge('Basic realm="basic", Digest realm="digest", nonce="n1", Bearer');
  assert.deepEqual([c.realm, c.nonce], ['digest', 'n1']);
  const d = parseChallenge('Negotiate YIIB/w==, Digest realm="d", nonce="n2"');
  assert.deepEqual([d.realm, d.nonce], ['d', 'n2']);
  assert.deepEqual(parseAuthHeader('Negotiate YIIB/w==, Basic realm="x"'), [
    { scheme: 'Negotiate', params: {}, token68: 'YIIB/w==' },
    { scheme: 'Basic', params: { realm: 'x' } },
  ]);
});

const malformed: Array<[string, DigestParseReason]> = [
  ['', 'empty'],
  ['  ,  ', 'empty'],
  ['=x', 'expected-token'],
  ['Digest realm="x', 'unterminated-quote'],
  ['Digest realm="x\\', 'unterminated-quote'],
  ['Digest realm="x" nonce="y"', 'expected-comma'],
  ['Digest realm="x", realm="y", nonce="z"', 'duplicate-param'],
  ['Digest realm="x", REALM="y", nonce="z"', 'duplicate-param'],
  ['Digest realm=@, nonce="n"', 'expected-value'],
  ['Digest realm = , nonce="n"', 'expected-value'],
  ['Digest realm="a\u0001b", nonce="n"', 'control-char'],
  ['Digest realm="a\nb", nonce="n"', 'control-char'],
  ['Digest realm="a\\\u0001", nonce="n"', 'control-char'],
  ['Digest realm x', 'expected-equals'],
  ['Digest"realm"', 'expected-comma'],
  ['Basic realm="x"', 'no-digest-challenge'],
  ['Digest nonce="n"', 'missing-param'],
  ['Digest realm="r"', 'missing-param'],
];

for (const [value, reason] of malformed) {
  test(`parseChallenge refuses ${JSON.stringify(value)} with ${reason}`, () => {
    assert.throws(
      () => parseChallenge(value),
      (e: unknown) => e instanceof DigestParseError && e.reason === reason,
    );
  });
}

test('property: parseChallenge / parseAuthorization throw nothing but DigestParseError', () => {
  const alphabet = fc.constantFrom('D', 'i', 'g', 'e', 's', 't', ' ', ',', '=', '"', '\\', 'a', 'r', 'n', '\t', '/', '+', '\u0001', 'é');
  const headerish = fc.oneof(fc.string(), fc.string({ unit: alphabet, maxLength: 40 }).map((s) => `Digest ${s}`));
  fc.assert(
    fc.property(headerish, (s) => {
      for (const parse of [parseChallenge, parseAuthorization]) {
        try {
          parse(s);
        } catch (e) {
          assert.ok(e instanceof DigestParseError, `${String(e)} for ${JSON.stringify(s)}`);
        }
      }
    }),
    { numRuns: 500 },
  );
});

test('formatAuthorization: first GBA request (TS 24.109 §5.2.1) byte for byte', () => {
  assert.equal(
    formatAuthorization({
      username: '001010000000001@ims.mnc001.mcc001.3gppnetwork.org',
      realm: 'bsf.mnc001.mcc001.pub.3gppnetwork.org',
      nonce: '',
      uri: '/',
      response: '',
    }),
    'Digest username="001010000000001@ims.mnc001.mcc001.3gppnetwork.org", realm="bsf.mnc001.mcc001.pub.3gppnetwork.org", nonce="", uri="/", response=""',
  );
});

test('formatAuthorization: algorithm, qop and nc as tokens, the rest quoted and escaped', () => {
  assert.equal(
    formatAuthorization({
      username: 'a"b\\c',
      realm: 'r',
      nonce: 'n',
      uri: '/',
      response: '6629fae49393a05397450978507c4ef1',
      algorithm: 'AKAv1-MD5',
      cnonce: 'cn',
      opaque: 'op',
      qop: 'auth-int',
      nc: '00000001',
      auts: 'AAECAwQFBgcICQoLDA0=',
    }),
    'Digest username="a\\"b\\\\c", realm="r", nonce="n", uri="/", response="6629fae49393a05397450978507c4ef1", ' +
      'algorithm=AKAv1-MD5, cnonce="cn", opaque="op", qop=auth-int, nc=00000001, auts="AAECAwQFBgcICQoLDA0="',
  );
});

test('formatAuthorization refuses header injection and non-token token fields', () => {
  const base = { username: 'u', realm: 'r', nonce: 'n', uri: '/', response: '' };
  assert.throws(() => formatAuthorization({ ...base, username: 'u\r\nX-Evil: 1' }), RangeError);
  assert.throws(() => formatAuthorization({ ...base, qop: 'auth int' }), RangeError);
  assert.throws(() => formatAuthorization({ ...base, nc: '' }), RangeError);
});

test('parseAuthorization: RFC 2617 §3.5 credentials', () => {
  const a = parseAuthorization(
    'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", ' +
      'qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
  );
  assert.deepEqual(
    { ...a, params: undefined },
    {
      username: 'Mufasa',
      realm: 'testrealm@host.com',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      uri: '/dir/index.html',
      qop: 'auth',
      nc: '00000001',
      cnonce: '0a4f113b',
      response: '6629fae49393a05397450978507c4ef1',
      opaque: '5ccc069c403ebaf9f0171e9517f40e41',
      params: undefined,
    },
  );
});

test('parseAuthorization requires username, realm, nonce, uri, response', () => {
  assert.throws(
    () => parseAuthorization('Digest username="u", realm="r", nonce="n", uri="/"'),
    (e: unknown) => e instanceof DigestParseError && e.reason === 'missing-param' && /response/.test(e.message),
  );
});

const printable = fc.string({ maxLength: 30 }).filter((s) => !/[\u0000-\u0008\u000a-\u001f\u007f]/.test(s));
const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+\-.^_`|~]{1,12}$/);

test('property: formatAuthorization → parseAuthorization round-trips every field', () => {
  fc.assert(
    fc.property(
      fc.record(
        {
          username: printable,
          realm: printable,
          nonce: printable,
          uri: printable,
          response: printable,
          algorithm: token,
          cnonce: printable,
          opaque: printable,
          qop: token,
          nc: token,
          auts: printable,
        },
        { requiredKeys: ['username', 'realm', 'nonce', 'uri', 'response'] },
      ),
      (fields: DigestAuthorization) => {
        const { params, ...parsed } = parseAuthorization(formatAuthorization(fields));
        assert.deepEqual(parsed, { ...fields });
        assert.equal(Object.keys(params).length, Object.keys(fields).length);
      },
    ),
  );
});
