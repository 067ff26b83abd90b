import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { HMAC_SHA1_160_LEN, hmacSha1_160, verificationMac, verifyMac } from '../../../src/crypto/mac.js';

test('hmacSha1_160: RFC 2202 test cases 1 and 2', () => {
  assert.equal(hmacSha1_160(Buffer.alloc(20, 0x0b), Buffer.from('Hi There')).toString('hex'), 'b617318655057264e28bc0b6fb378c8ef146be00');
  assert.equal(hmacSha1_160(Buffer.from('Jefe'), Buffer.from('what do ya want for nothing?')).toString('hex'), 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79');
  assert.equal(hmacSha1_160(Buffer.alloc(20), Buffer.alloc(0)).length, HMAC_SHA1_160_LEN);
});

test('verifyMac: equal only when every byte and the length match', () => {
  const mac = hmacSha1_160(Buffer.alloc(20, 1), Buffer.from('msg'));
  assert.equal(verifyMac(mac, Buffer.from(mac)), true);
  for (let i = 0; i < mac.length; i++) {
    const bad = Buffer.from(mac);
    bad[i]! ^= 0x80;
    assert.equal(verifyMac(mac, bad), false, `byte ${i}`);
  }
  assert.equal(verifyMac(mac, mac.subarray(0, 19)), false);
  assert.equal(verifyMac(mac, Buffer.concat([mac, Buffer.of(0)])), false);
  assert.equal(verifyMac(new Uint8Array(0), new Uint8Array(0)), false);
});

test('verificationMac [U]: HMAC-SHA-1(auth key, message without MAC || IDi || IDr || T)', () => {
  const authKey = Buffer.alloc(20, 0x33);
  const msg = Buffer.from('0101090001020304000001', 'hex');
  const idi = Buffer.from('bsm.example.com');
  const idr = Buffer.from('BTID@bsf.example.com');
  const t = Buffer.from('00000007', 'hex');
  const expected = createHmac('sha1', authKey).update(Buffer.concat([msg, idi, idr, t])).digest();
  assert.deepEqual(verificationMac(authKey, msg, idi, idr, t), expected);
  assert.notDeepEqual(verificationMac(authKey, msg, idr, idi, t), expected);
});
