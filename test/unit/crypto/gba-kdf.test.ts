import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { FC_KS_NAF, UA_PROTOCOL_ID_MBMS, deriveKsNaf, kdf, nafId, type KsNafKind } from '../../../src/crypto/gba-kdf.js';
import { hex, loadVector, type CryptoVectors } from './vectors.js';

const v = loadVector<CryptoVectors>('crypto.json').gbaKdf;

test('UA_PROTOCOL_ID_MBMS is 01 00 00 00 01 and NAF_ID = FQDN || it (crypto.json)', () => {
  assert.equal(Buffer.from(UA_PROTOCOL_ID_MBMS).toString('hex'), v.UaProtocolId);
  assert.equal(nafId(v.NAF_FQDN, UA_PROTOCOL_ID_MBMS).toString('hex'), v.NAF_ID_hex);
});

for (const [kind, expected] of [
  ['gba-me', v.Ks_ext_NAF_gba_me],
  ['gba-u', v.Ks_int_NAF_gba_u],
] as const) {
  test(`deriveKsNaf ${kind} from CK, IK and from Ks = CK || IK (crypto.json)`, () => {
    const common = { rand: hex(v.RAND), impi: v.IMPI, nafId: hex(v.NAF_ID_hex), kind };
    assert.equal(deriveKsNaf({ ck: hex(v.CK), ik: hex(v.IK), ...common }).toString('hex'), expected);
    assert.equal(deriveKsNaf({ ks: hex(v.CK + v.IK), ...common }).toString('hex'), expected);
  });
}

test('kdf: S = FC || P0 || L0 || P1 || L1, hashed with HMAC-SHA-256 (built by hand here)', () => {
  const key = Buffer.alloc(32, 0x5a);
  const p0 = Buffer.from('gba-me');
  const p1 = Buffer.from([0xaa, 0xbb, 0xcc]);
  const s = Buffer.concat([Buffer.from([0x01]), p0, Buffer.from([0x00, 0x06]), p1, Buffer.from([0x00, 0x03])]);
  assert.equal(kdf(key, FC_KS_NAF, [p0, p1]).toString('hex'), createHmac('sha256', key).update(s).digest('hex'));
  assert.equal(kdf(key, 0x42, []).toString('hex'), createHmac('sha256', key).update(Buffer.from([0x42])).digest('hex'));
});

test('kdf: a 300-byte parameter gets a two-byte length 01 2c', () => {
  const key = Buffer.alloc(16, 1);
  const p = Buffer.alloc(300, 7);
  const s = Buffer.concat([Buffer.from([0x01]), p, Buffer.from([0x01, 0x2c])]);
  assert.deepEqual(kdf(key, 1, [p]), createHmac('sha256', key).update(s).digest());
});

test('gba-me and gba-u give different keys for the same inputs', () => {
  const common = { ck: hex(v.CK), ik: hex(v.IK), rand: hex(v.RAND), impi: v.IMPI, nafId: hex(v.NAF_ID_hex) };
  assert.notDeepEqual(deriveKsNaf({ ...common, kind: 'gba-me' }), deriveKsNaf({ ...common, kind: 'gba-u' }));
});

test('bad sizes are caller bugs and throw RangeError', () => {
  assert.throws(() => kdf(Buffer.alloc(32), 256, []), RangeError);
  assert.throws(() => kdf(Buffer.alloc(32), 1, [Buffer.alloc(65536)]), RangeError);
  assert.throws(() => nafId('bsm.example.com', Uint8Array.of(1, 0, 0, 1)), /5 bytes/);
  assert.throws(() => nafId('', UA_PROTOCOL_ID_MBMS), RangeError);
  assert.throws(
    () => deriveKsNaf({ ks: Buffer.alloc(31), rand: hex(v.RAND), impi: v.IMPI, nafId: hex(v.NAF_ID_hex), kind: 'gba-me' }),
    /Ks must be 32 bytes/,
  );
  assert.throws(
    () => deriveKsNaf({ ks: Buffer.alloc(32), rand: Buffer.alloc(8), impi: v.IMPI, nafId: hex(v.NAF_ID_hex), kind: 'gba-u' }),
    /RAND must be 16 bytes/,
  );
  assert.throws(
    () => deriveKsNaf({ ks: Buffer.alloc(32), rand: hex(v.RAND), impi: v.IMPI, nafId: hex(v.NAF_ID_hex), kind: 'toString' as KsNafKind }),
    /unknown Ks_NAF kind/,
  );
});
