import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { aesCmDecrypt, aesCmEncrypt, aesCmIv } from '../../../src/crypto/aes-cm.js';

const key = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const salt = Buffer.from('f0f1f2f3f4f5f6f7f8f9fafbfcfd', 'hex');
const csbId = 0x01020304;
const counter = 0x0a0b0c0d;

/** IV built by hand: salt XOR 00 00 | CSB ID | 00 00 00 00 | COUNTER, then 00 00. */
const handIv = (() => {
  const x = Buffer.from('0000' + '01020304' + '00000000' + '0a0b0c0d', 'hex');
  return Buffer.concat([Buffer.from(salt.map((b, i) => b ^ x[i]!)), Buffer.alloc(2)]);
})();

const ecb = (block: Buffer) => {
  const c = createCipheriv('aes-128-ecb', key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
};

test('IV = (salt XOR (0x0000 || CSB ID || T)) || 0x0000, COUNTER left-padded to 64 bits', () => {
  assert.equal(aesCmIv(salt, csbId, counter).toString('hex'), handIv.toString('hex'));
  assert.equal(handIv.toString('hex'), 'f0f1f3f1f7f1f6f7f8f9f0f0f0f00000');
  // [U padding]: a number, the 4 counter bytes and the explicit 8-byte form agree.
  assert.deepEqual(aesCmIv(salt, csbId, Buffer.from('0a0b0c0d', 'hex')), handIv);
  assert.deepEqual(aesCmIv(salt, csbId, Buffer.from('000000000a0b0c0d', 'hex')), handIv);
});

test('keystream: block 0 = AES-ECB(key, IV), block 1 = AES-ECB(key, IV + 1)', () => {
  const ks = aesCmEncrypt(key, salt, csbId, counter, Buffer.alloc(32));
  assert.deepEqual(ks.subarray(0, 16), ecb(handIv));
  const next = Buffer.from(handIv);
  next[15]! += 1;
  assert.deepEqual(ks.subarray(16, 32), ecb(next));
});

test('encrypt XORs the keystream; decrypt undoes it', () => {
  const data = Buffer.from('an MSK of sixteen bytes + salt..');
  const ct = aesCmEncrypt(key, salt, csbId, counter, data);
  const ks = aesCmEncrypt(key, salt, csbId, counter, Buffer.alloc(data.length));
  assert.deepEqual(ct, Buffer.from(data.map((b, i) => b ^ ks[i]!)));
  assert.deepEqual(aesCmDecrypt(key, salt, csbId, counter, ct), data);
});

test('property: decrypt(encrypt(x)) = x, and a different counter changes the ciphertext', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      fc.uint8Array({ minLength: 14, maxLength: 14 }),
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.integer({ min: 0, max: 0xfffffffe }),
      fc.uint8Array({ minLength: 1, maxLength: 100 }),
      (k, s, csb, t, data) => {
        const ct = aesCmEncrypt(k, s, csb, t, data);
        assert.deepEqual([...aesCmDecrypt(k, s, csb, t, ct)], [...data]);
        // Compare whole keystream blocks: a short message can collide by chance (1 byte: 1 in 256).
        const block = new Uint8Array(16);
        assert.notDeepEqual([...aesCmEncrypt(k, s, csb, t + 1, block)], [...aesCmEncrypt(k, s, csb, t, block)]);
      },
    ),
  );
});

test('wrong sizes are refused', () => {
  assert.throws(() => aesCmIv(Buffer.alloc(13), 1, 1), /salt must be 14 bytes/);
  assert.throws(() => aesCmIv(salt, 1, Buffer.alloc(5)), /4 \(COUNTER\) or 8 \(NTP\)/);
  assert.throws(() => aesCmIv(salt, -1, 1), RangeError);
  assert.throws(() => aesCmEncrypt(Buffer.alloc(15), salt, 1, 1, Buffer.alloc(4)), /key must be 16 bytes/);
});
