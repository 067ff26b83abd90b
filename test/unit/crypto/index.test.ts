import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from '../../../src/crypto/index.js';

test('bcastd/crypto exports the whole public API', () => {
  const functions = [
    'computeOpc', 'f1', 'f1star', 'f2', 'f3', 'f4', 'f5', 'f5star', 'f2345', 'sqnFromNumber', 'sqnToNumber',
    'generateAuthVector', 'checkAutn', 'buildAuts', 'resolveAuts',
    'kdf', 'nafId', 'deriveKsNaf',
    'parseAuthHeader', 'parseChallenge', 'parseAuthorization', 'formatAuthorization',
    'computeDigestResponse', 'digestHa1Base', 'digestResponseFromHa1Base', 'verifyDigestResponse', 'formatNc', 'decodeAkaNonce', 'encodeAkaNonce',
    'mikeyPrf', 'mikeyKeyLabel', 'deriveMikeyKeys',
    'aesCmIv', 'aesCmEncrypt', 'aesCmDecrypt',
    'hmacSha1_160', 'verifyMac', 'verificationMac', 'hexInto', 'base64Into', 'base64Length',
    'Secret', 'DigestParseError',
  ];
  const constants = ['FC_KS_NAF', 'UA_PROTOCOL_ID_MBMS', 'MIKEY_KEY_DERIVATION', 'HMAC_SHA1_160_LEN'];
  const exported = crypto as Record<string, unknown>;
  for (const name of functions) assert.equal(typeof exported[name], 'function', name);
  for (const name of constants) assert.notEqual(exported[name], undefined, name);
  assert.deepEqual(Object.keys(crypto).sort(), [...functions, ...constants].sort());
});

test('the entry point works end to end: GBA_ME key from a Milenage run feeds the MIKEY PRF', () => {
  const h = (s: string) => Buffer.from(s, 'hex');
  const K = h('465b5ce8b199b49faa5f0a2ee238a6bc');
  const OPc = crypto.computeOpc(K, h('cdc202d5123e20f62b6d676ac72cb318'));
  const RAND = h('23553cbe9637a89d218ae64dae47bf35');
  const av = crypto.generateAuthVector({ K, OPc, RAND, SQN: h('ff9bb4d0b607'), AMF: h('b9b9') });
  const naf = crypto.nafId('bmsc.example.com', crypto.UA_PROTOCOL_ID_MBMS);
  const muk = crypto.deriveKsNaf({ ck: av.CK, ik: av.IK, rand: RAND, impi: '001010000000001@ims.mnc001.mcc001.3gppnetwork.org', nafId: naf, kind: 'gba-me' });
  // crypto.json gbaKdf.Ks_ext_NAF_gba_me: the same inputs through the barrel.
  assert.equal(muk.toString('hex'), 'b704e67cdc728fa2788688aefe3aa1a6be0c96b54ea073540b070aae2452326d');
  const keys = crypto.deriveMikeyKeys(muk, 1, RAND);
  const ct = crypto.aesCmEncrypt(keys.encrKey, keys.saltKey, 1, 5, Buffer.from('MSK'));
  assert.equal(crypto.aesCmDecrypt(keys.encrKey, keys.saltKey, 1, 5, ct).toString(), 'MSK');
});
