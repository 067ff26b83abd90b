import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  computeDigestResponse,
  decodeAkaNonce,
  digestHa1Base,
  digestResponseFromHa1Base,
  encodeAkaNonce,
  formatNc,
  verifyDigestResponse,
  type DigestResponseInput,
} from '../../../src/crypto/digest.js';
import { DigestParseError } from '../../../src/crypto/errors.js';
import { hex, loadVector, type MilenageSet } from './vectors.js';

const md5 = (...parts: Array<string | Buffer>): string => createHash('md5').update(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)))).digest('hex');

test('RFC 2617 §3.5 example: Mufasa / "Circle Of Life"', () => {
  const response = computeDigestResponse({
    username: 'Mufasa',
    realm: 'testrealm@host.com',
    password: 'Circle Of Life',
    method: 'GET',
    uri: '/dir/index.html',
    nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
    nc: 1,
    cnonce: '0a4f113b',
    qop: 'auth',
    algorithm: 'MD5',
  });
  assert.equal(response, '6629fae49393a05397450978507c4ef1');
});

test('RFC 7616 §3.9.1 example (MD5, nc given as text)', () => {
  const response = computeDigestResponse({
    username: 'Mufasa',
    realm: 'http-auth@example.org',
    password: 'Circle of Life',
    method: 'GET',
    uri: '/dir/index.html',
    nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
    nc: '00000001',
    cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    qop: 'auth',
    algorithm: 'MD5',
  });
  assert.equal(response, '8ca523f5e9506fed4657c9700eebdbec');
});

test('qop=auth-int: HA2 = MD5(method:uri:MD5(body)), computed independently', () => {
  const i = {
    username: 'bob',
    realm: 'bsm.example.com',
    password: 'secret',
    method: 'POST',
    uri: '/keymanagement?requesttype=register',
    nonce: 'abc123',
    nc: 2,
    cnonce: 'c0ffee',
    qop: 'auth-int',
    body: '<register/>',
    algorithm: 'MD5',
  } as const;
  const ha1 = md5('bob:bsm.example.com:secret');
  const ha2 = md5(`POST:/keymanagement?requesttype=register:${md5('<register/>')}`);
  const expected = md5(`${ha1}:abc123:00000002:c0ffee:auth-int:${ha2}`);
  assert.equal(computeDigestResponse(i), expected);
  assert.equal(computeDigestResponse({ ...i, body: Buffer.from('<register/>') }), expected);
});

test('AKAv1-MD5: the password is the RES bytes (Milenage test set 1), auth-int over an empty body', () => {
  const set1 = loadVector<{ sets: MilenageSet[] }>('milenage.json').sets.find((s) => s.testSet === 1)!;
  const res = hex(set1.f2_RES);
  const user = '001010000000001@ims.mnc001.mcc001.3gppnetwork.org';
  const realm = 'bsf.mnc001.mcc001.pub.3gppnetwork.org';
  const nonce = encodeAkaNonce({ rand: hex(set1.RAND), autn: hex('55f328b43577b9b94a9ffac354dfafb3') });
  const input: DigestResponseInput = {
    username: user,
    realm,
    password: res,
    method: 'GET',
    uri: '/',
    nonce,
    nc: 1,
    cnonce: '6629fae4',
    qop: 'auth-int',
    algorithm: 'AKAv1-MD5',
  };
  const ha1 = md5(`${user}:${realm}:`, res);
  const ha2 = md5(`GET:/:${md5('')}`);
  const expected = md5(`${ha1}:${nonce}:00000001:6629fae4:auth-int:${ha2}`);
  assert.equal(computeDigestResponse(input), expected);
  // The hex text of RES is a different password: guards against the wrong reading of RFC 3310.
  assert.notEqual(computeDigestResponse({ ...input, password: set1.f2_RES }), expected);
  assert.equal(verifyDigestResponse({ ...input, response: expected }), true);
});

test('MD5-sess: HA1 = MD5(MD5(user:realm:pass):nonce:cnonce)', () => {
  const i = { username: 'u', realm: 'r', password: 'p', method: 'GET', uri: '/x', nonce: 'N', nc: 1, cnonce: 'C', qop: 'auth', algorithm: 'MD5-sess' } as const;
  const ha1 = md5(`${md5('u:r:p')}:N:C`);
  assert.equal(computeDigestResponse(i), md5(`${ha1}:N:00000001:C:auth:${md5('GET:/x')}`));
});

test('no qop: RFC 2069 form MD5(HA1:nonce:HA2)', () => {
  const i = { username: 'u', realm: 'r', password: 'p', method: 'GET', uri: '/', nonce: 'N', qop: undefined, algorithm: 'MD5' } as const;
  assert.equal(computeDigestResponse(i), md5(`${md5('u:r:p')}:N:${md5('GET:/')}`));
});

test('missing nc / cnonce with qop is a caller bug', () => {
  const i = { username: 'u', realm: 'r', password: 'p', method: 'GET', uri: '/', nonce: 'N', qop: 'auth', algorithm: 'MD5' } as const;
  assert.throws(() => computeDigestResponse(i), /nc is required/);
  assert.throws(() => computeDigestResponse({ ...i, nc: 1 }), /cnonce is required/);
});

test('verifyDigestResponse: upper-case hex accepted, malformed responses refused', () => {
  const i = { username: 'u', realm: 'r', password: 'p', method: 'GET', uri: '/', nonce: 'N', nc: 1, cnonce: 'C', qop: 'auth', algorithm: 'MD5' } as const;
  const r = computeDigestResponse(i);
  assert.equal(verifyDigestResponse({ ...i, response: r.toUpperCase() }), true);
  for (const bad of ['', r.slice(0, 31), `${r}0`, `${r.slice(0, 31)}g`]) {
    assert.equal(verifyDigestResponse({ ...i, response: bad }), false, JSON.stringify(bad));
  }
  // A peer that sends qop without nc / cnonce is refused, not a crash.
  const { nc: _nc, ...noNc } = i;
  const { cnonce: _cn, ...noCnonce } = i;
  assert.equal(verifyDigestResponse({ ...noNc, response: r }), false);
  assert.equal(verifyDigestResponse({ ...noCnonce, response: r }), false);
  assert.equal(verifyDigestResponse({ ...noCnonce, qop: undefined, algorithm: 'MD5-sess', response: r }), false);
});

const text = fc.string({ minLength: 0, maxLength: 24 });
const digestInput = fc.record({
  username: text,
  realm: text,
  password: fc.oneof(text, fc.uint8Array({ maxLength: 16 })),
  method: fc.constantFrom('GET', 'POST', 'PUT'),
  uri: text,
  nonce: text,
  nc: fc.integer({ min: 1, max: 0xffffffff }),
  cnonce: text,
  qop: fc.constantFrom('auth', 'auth-int') as fc.Arbitrary<'auth' | 'auth-int'>,
  body: fc.uint8Array({ maxLength: 64 }),
  algorithm: fc.constantFrom('MD5', 'AKAv1-MD5', 'MD5-sess') as fc.Arbitrary<'MD5' | 'AKAv1-MD5' | 'MD5-sess'>,
});

test('property: verify(compute(x)) holds', () => {
  fc.assert(
    fc.property(digestInput, (i) => {
      assert.equal(verifyDigestResponse({ ...i, response: computeDigestResponse(i) }), true);
    }),
  );
});

/** Every field the response depends on, and a way to change it. */
const mutations: Record<string, (i: DigestResponseInput) => DigestResponseInput> = {
  username: (i) => ({ ...i, username: `${i.username}x` }),
  realm: (i) => ({ ...i, realm: `${i.realm}x` }),
  password: (i) => ({ ...i, password: typeof i.password === 'string' ? `${i.password}x` : Buffer.concat([i.password, Buffer.of(0)]) }),
  method: (i) => ({ ...i, method: `${i.method}X` }),
  uri: (i) => ({ ...i, uri: `${i.uri}/` }),
  nonce: (i) => ({ ...i, nonce: `${i.nonce}x` }),
  nc: (i) => ({ ...i, nc: ((i.nc as number) % 0xffffffff) + 1 }),
  cnonce: (i) => ({ ...i, cnonce: `${i.cnonce}x` }),
  qop: (i) => ({ ...i, qop: i.qop === 'auth' ? 'auth-int' : 'auth' }),
  body: (i) => ({ ...i, body: Buffer.concat([Buffer.from(i.body ?? ''), Buffer.of(1)]) }),
};

test('property: verify is false after any change to an input the response covers', () => {
  fc.assert(
    fc.property(digestInput, fc.constantFrom(...Object.keys(mutations)), (i, field) => {
      // Only qop=auth-int covers the body.
      fc.pre(field !== 'body' || i.qop === 'auth-int');
      const response = computeDigestResponse(i);
      assert.equal(verifyDigestResponse({ ...mutations[field]!(i), response }), false, field);
    }),
  );
});

test('property: a changed response digit is refused', () => {
  fc.assert(
    fc.property(digestInput, fc.integer({ min: 0, max: 31 }), (i, pos) => {
      const r = computeDigestResponse(i);
      const flipped = r.slice(0, pos) + (r[pos] === '0' ? '1' : '0') + r.slice(pos + 1);
      assert.equal(verifyDigestResponse({ ...i, response: flipped }), false);
    }),
  );
});

test('formatNc: 8 lowercase hex digits, 1..2^32-1', () => {
  assert.equal(formatNc(1), '00000001');
  assert.equal(formatNc(0xabc), '00000abc');
  assert.equal(formatNc(0xffffffff), 'ffffffff');
  for (const bad of [0, -1, 1.5, 2 ** 32, Number.NaN]) assert.throws(() => formatNc(bad), RangeError, String(bad));
});

test('AKA nonce: RAND || AUTN || server data, base64', () => {
  const rand = hex('23553cbe9637a89d218ae64dae47bf35');
  const autn = hex('55f328b43577b9b94a9ffac354dfafb3');
  const nonce = encodeAkaNonce({ rand, autn, serverData: Buffer.from('srv') });
  assert.equal(nonce, Buffer.concat([rand, autn, Buffer.from('srv')]).toString('base64'));
  const d = decodeAkaNonce(nonce);
  assert.deepEqual([d.rand, d.autn, d.serverData.toString()], [rand, autn, 'srv']);
  assert.equal(decodeAkaNonce(encodeAkaNonce({ rand, autn })).serverData.length, 0);
});

test('AKA nonce: not base64 or shorter than 32 bytes → DigestParseError bad-nonce', () => {
  const isBadNonce = (e: unknown) => e instanceof DigestParseError && e.reason === 'bad-nonce';
  for (const bad of ['', 'not base64!', 'abc', Buffer.alloc(31).toString('base64'), `${Buffer.alloc(32).toString('base64')}x`]) {
    assert.throws(() => decodeAkaNonce(bad), isBadNonce, JSON.stringify(bad));
  }
});

test('property: encodeAkaNonce → decodeAkaNonce is the identity', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      fc.uint8Array({ maxLength: 40 }),
      (rand, autn, serverData) => {
        const d = decodeAkaNonce(encodeAkaNonce({ rand, autn, serverData }));
        assert.deepEqual([[...d.rand], [...d.autn], [...d.serverData]], [[...rand], [...autn], [...serverData]]);
      },
    ),
  );
});

test('property: decodeAkaNonce throws nothing but DigestParseError', () => {
  fc.assert(
    fc.property(fc.string(), (s) => {
      try {
        decodeAkaNonce(s);
      } catch (e) {
        assert.ok(e instanceof DigestParseError, String(e));
      }
    }),
  );
});

test('digestResponseFromHa1Base with a kept HA1 base gives what computeDigestResponse gives, for every algorithm and qop', () => {
  for (const algorithm of ['MD5', 'MD5-sess', 'AKAv1-MD5'] as const) {
    for (const qop of [undefined, 'auth', 'auth-int'] as const) {
      for (const password of ['secret', Buffer.from([0, 1, 2, 250])]) {
        const input = { username: 'u@h', realm: 'r', password, method: 'POST', uri: '/x?y=1', nonce: 'nOnce', nc: 7, cnonce: 'c', qop, body: '<a>é</a>', algorithm };
        const base = digestHa1Base(input.username, input.realm, input.password);
        const kept = Buffer.from(base);
        assert.equal(digestResponseFromHa1Base(base, input), computeDigestResponse(input), `${algorithm} ${qop} ${typeof password}`);
        assert.deepEqual(base, kept, 'the kept base is only read');
      }
    }
  }
});
