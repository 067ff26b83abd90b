import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DigestSession, withBsmDigestPassword, bsmRealm } from '../../../src/bsm/index.js';
import { Secret, parseAuthorization, parseChallenge, verifyDigestResponse } from '../../../src/crypto/index.js';

const creds = { btid: 'AAECAwQFBgcICQoLDA0ODw==@bsf.example', mrk: new Secret(Buffer.alloc(32, 7)), mode: 'gba-u' as const };

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

test('[U] password = base64(MRK), lent as bytes and zeroed after; realms per GBA flavour', () => {
  let lent: Buffer | undefined;
  const seen = withBsmDigestPassword(creds.mrk, (pw) => {
    lent = pw;
    assert.ok(Buffer.isBuffer(pw), 'the password is bytes, never a string');
    return Buffer.from(pw);
  });
  assert.deepEqual(seen, Buffer.from(Buffer.alloc(32, 7).toString('base64'), 'latin1'));
  assert.ok(lent!.every((b) => b === 0), 'the base64 form is zeroed once the Digest is computed');
  // base64 padding: 1 and 2 trailing bytes as well as whole groups.
  for (const n of [1, 2, 3, 16, 31]) {
    const key = new Secret(Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + 251) & 0xff)));
    const text = withBsmDigestPassword(key, (pw) => pw.toString('latin1'));
    assert.equal(text, key.reveal().toString('base64'), `${n} bytes`);
  }
  assert.equal(bsmRealm('gba-u', 'bsm.example'), '3GPP-bootstrapping-uicc@bsm.example');
  assert.equal(bsmRealm('gba-me', 'bsm.example'), '3GPP-bootstrapping@bsm.example');
});

test('no challenge → no Authorization; then the nonce is reused with nc 1, 2, 3 and verifies server side', () => {
  const d = new DigestSession();
  assert.equal(d.authorize(creds, 'POST', '/keymanagement?requesttype=register', '<x/>'), undefined);
  d.adopt(parseChallenge('Digest realm="3GPP-bootstrapping-uicc@bsm.example", nonce="abc123", algorithm=MD5, qop="auth-int", opaque="op"'));
  for (const n of [1, 2, 3]) {
    const body = `<x n="${n}"/>`;
    const a = parseAuthorization(d.authorize(creds, 'POST', '/keymanagement?requesttype=register', body)!);
    assert.equal(a.nc, n.toString(16).padStart(8, '0'));
    assert.equal(a.qop, 'auth-int');
    assert.equal(a.opaque, 'op');
    assert.equal(a.username, creds.btid);
    const ok = verifyDigestResponse({
      username: a.username, realm: a.realm, password: Buffer.from(Buffer.alloc(32, 7).toString('base64')), method: 'POST', uri: a.uri,
      nonce: a.nonce, nc: a.nc, cnonce: a.cnonce, qop: 'auth-int', body, algorithm: 'MD5', response: a.response,
    });
    assert.equal(ok, true);
  }
  d.adopt(parseChallenge('Digest realm="r", nonce="new", qop="auth", stale=true'));
  const fresh = parseAuthorization(d.authorize(creds, 'POST', '/', '')!);
  assert.equal(fresh.nc, '00000001');
  // SPEC §7: the realm is the challenge's, never one we make up.
  assert.equal(fresh.realm, 'r');
});

test('the Authorization is RFC 2617 computed from the MRK bytes (independent MD5 in the test)', () => {
  const d = new DigestSession();
  d.adopt(parseChallenge('Digest realm="3GPP-bootstrapping-uicc@bsm.example", nonce="n0nce", qop="auth-int"'));
  const body = '<mbmsSecurityRegister/>';
  const uri = '/keymanagement?requesttype=register';
  const a = parseAuthorization(d.authorize(creds, 'POST', uri, body)!);
  // The test's own password string is fine: it is the test, and the known key is public.
  const password = Buffer.alloc(32, 7).toString('base64');
  const ha1 = md5(`${creds.btid}:3GPP-bootstrapping-uicc@bsm.example:${password}`);
  const ha2 = md5(`POST:${uri}:${md5(body)}`);
  const expected = md5(`${ha1}:n0nce:${a.nc}:${a.cnonce}:auth-int:${ha2}`);
  assert.equal(a.response, expected);
  assert.equal(a.nc, '00000001');
  // qop=auth and the RFC 2069 form without qop go through the same byte path.
  d.adopt(parseChallenge('Digest realm="r", nonce="x", qop="auth"'));
  const b = parseAuthorization(d.authorize(creds, 'GET', '/', '')!);
  assert.equal(b.response, md5(`${md5(`${creds.btid}:r:${password}`)}:x:${b.nc}:${b.cnonce}:auth:${md5('GET:/')}`));
  d.adopt(parseChallenge('Digest realm="r", nonce="y"'));
  const c = parseAuthorization(d.authorize(creds, 'GET', '/', '')!);
  assert.equal(c.response, md5(`${md5(`${creds.btid}:r:${password}`)}:y:${md5('GET:/')}`));
  // A different key gives a different response: the MRK really is the input.
  const other = { ...creds, mrk: new Secret(Buffer.alloc(32, 8)) };
  d.adopt(parseChallenge('Digest realm="r", nonce="y"'));
  assert.notEqual(parseAuthorization(d.authorize(other, 'GET', '/', '')!).response, c.response);
});

test('the HA1 base is derived once per MRK, B-TID and realm: a new MRK (re-bootstrap) or realm gives the new response', () => {
  const d = new DigestSession();
  const password = (mrk: Secret) => mrk.reveal().toString('base64');
  const check = (c: typeof creds, realm: string) => {
    const a = parseAuthorization(d.authorize(c, 'POST', '/k', '<b/>')!);
    const ha1 = md5(`${c.btid}:${realm}:${password(c.mrk)}`);
    assert.equal(a.response, md5(`${ha1}:n:${a.nc}:${a.cnonce}:auth-int:${md5(`POST:/k:${md5('<b/>')}`)}`));
  };
  d.adopt(parseChallenge('Digest realm="r1", nonce="n", qop="auth-int"'));
  check(creds, 'r1');
  check(creds, 'r1');
  const rebootstrapped = { ...creds, btid: 'EBESExQVFhcYGRobHB0eHw==@bsf.example', mrk: new Secret(Buffer.alloc(32, 9)) };
  check(rebootstrapped, 'r1');
  d.adopt(parseChallenge('Digest realm="r2", nonce="n", qop="auth-int"'));
  check(rebootstrapped, 'r2');
  // Same B-TID, another MRK object with other bytes: never the kept HA1 of the old one.
  check({ ...rebootstrapped, mrk: new Secret(Buffer.alloc(32, 10)) }, 'r2');
  // A wiped MRK is never used through the kept HA1: the derivation asks the MRK again, which refuses.
  const retired = new Secret(Buffer.alloc(32, 11));
  check({ ...rebootstrapped, mrk: retired }, 'r2');
  retired.wipe();
  assert.throws(() => d.authorize({ ...rebootstrapped, mrk: retired }, 'POST', '/k', '<b/>'), /wiped/);
  d.clear();
  assert.equal(d.authorize(creds, 'POST', '/k', '<b/>'), undefined);
});
