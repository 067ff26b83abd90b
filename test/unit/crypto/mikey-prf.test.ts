import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { deriveMikeyKeys, mikeyKeyLabel, mikeyPrf } from '../../../src/crypto/mikey-prf.js';
import { hex, loadVector, type CryptoVectors } from './vectors.js';

const v = loadVector<CryptoVectors>('crypto.json').mikeyPrfPsk;

test('deriveMikeyKeys: crypto.json mikeyPrfPsk (encr 16, auth 20, salt 14 bytes)', () => {
  const k = deriveMikeyKeys(hex(v.inkey), Number.parseInt(v.csbId, 16), hex(v.RAND));
  assert.equal(k.encrKey.toString('hex'), v.encrKey_0x150533E1_16B);
  assert.equal(k.authKey.toString('hex'), v.authKey_0x2D22AC75_20B);
  assert.equal(k.saltKey.toString('hex'), v.saltKey_0x29B88916_14B);
});

test('mikeyKeyLabel: const(4) || FF || CSB ID(4) || RAND', () => {
  assert.equal(mikeyKeyLabel(0x2d22ac75, 0x01020304, hex('abcd')).toString('hex'), '2d22ac75ff01020304abcd');
});

/** P(s, label, m) written out independently of the module. */
function pRef(s: Buffer, label: Buffer, m: number): Buffer {
  const hm = (k: Buffer, d: Buffer) => createHmac('sha1', k).update(d).digest();
  const out: Buffer[] = [];
  let a = label;
  for (let i = 1; i <= m; i++) {
    a = hm(s, a);
    out.push(hm(s, Buffer.concat([a, label])));
  }
  return Buffer.concat(out);
}

test('one 256-bit chunk: PRF = P(s, label, m) truncated', () => {
  const s = Buffer.alloc(32, 0x11);
  const label = Buffer.from('label');
  assert.deepEqual(mikeyPrf(s, label, 20), pRef(s, label, 1));
  assert.deepEqual(mikeyPrf(s, label, 30), pRef(s, label, 2).subarray(0, 30));
});

test('a 40-byte inkey is two chunks (32 + 8 bytes) whose P outputs are XORed', () => {
  const inkey = Buffer.from(Array.from({ length: 40 }, (_, i) => i));
  const label = Buffer.from('0102', 'hex');
  const p1 = pRef(inkey.subarray(0, 32), label, 2);
  const p2 = pRef(inkey.subarray(32), label, 2);
  const expected = Buffer.from(p1.map((b, i) => b ^ p2[i]!)).subarray(0, 25);
  assert.deepEqual(mikeyPrf(inkey, label, 25), expected);
});

test('property: a shorter output is a prefix of a longer one', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 80 }), fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 0, max: 60 }), (k, l, n) => {
      assert.deepEqual(mikeyPrf(k, l, n), mikeyPrf(k, l, 60).subarray(0, n));
    }),
  );
});

test('empty inkey or a bad length is refused', () => {
  assert.throws(() => mikeyPrf(new Uint8Array(0), Buffer.from('x'), 16), RangeError);
  assert.throws(() => mikeyPrf(Buffer.alloc(16), Buffer.from('x'), -1), RangeError);
  assert.throws(() => mikeyKeyLabel(0x150533e1, 2 ** 32, Buffer.alloc(16)), RangeError);
});
