import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DigestSession, bsmDigestPassword, bsmRealm } from '../../../src/bsm/index.js';
import { Secret, parseAuthorization, parseChallenge, verifyDigestResponse } from '../../../src/crypto/index.js';

const creds = { btid: 'AAECAwQFBgcICQoLDA0ODw==@bsf.example', mrk: new Secret(Buffer.alloc(32, 7)), mode: 'gba-u' as const };

test('[U] password = base64(MRK); realms per GBA flavour', () => {
  assert.equal(bsmDigestPassword(creds.mrk), Buffer.alloc(32, 7).toString('base64'));
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
      username: a.username, realm: a.realm, password: bsmDigestPassword(creds.mrk), method: 'POST', uri: a.uri,
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
