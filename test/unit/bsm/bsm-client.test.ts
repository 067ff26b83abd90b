// The BSM client's edge (SPEC §5-§7): the GBA product token on every request, the Digest realm taken from the
// challenge that names our GBA flavour, and one clear log line when the BSM offers only another flavour's realm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { BsmClient, BsmError, type BsmCredentialSource } from '../../../src/bsm/index.js';
import { Secret, parseAuthorization } from '../../../src/crypto/index.js';
import type { HttpRequest, HttpResponse, HttpTransport } from '../../../src/gba/index.js';
import type { GbaMode } from '../../../src/gba/index.js';

const FQDN = 'bsm.mnc001.mcc001.pub.3gppnetwork.org';
const REALM: Record<GbaMode, string> = { 'gba-u': `3GPP-bootstrapping-uicc@${FQDN}`, 'gba-me': `3GPP-bootstrapping@${FQDN}` };

function captureLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

/** A BSM on a script: 401 with `realms` to a request without Authorization, else 200 with the body for the request type. */
function scriptedBsm(realms: string[]) {
  const sent: HttpRequest[] = [];
  const bodies: Record<string, string> = {
    register: '<mbmsSecurityRegisterResponse><Response><serviceID>urn:a</serviceID><ResponseCode>200</ResponseCode></Response></mbmsSecurityRegisterResponse>',
    deregister: '<mbmsSecurityRegisterResponse><Response><serviceID>urn:a</serviceID><ResponseCode>200</ResponseCode></Response></mbmsSecurityRegisterResponse>',
    'msk-request': '<mbmsMSKResponse><Response><MSK><keyDomainID>APEQ</keyDomainID><MSKID>AQIAAA==</MSKID></MSK><ResponseCode>200</ResponseCode></Response></mbmsMSKResponse>',
  };
  const http: HttpTransport = {
    send: async (req): Promise<HttpResponse> => {
      sent.push(req);
      if (!req.headers?.['authorization']) {
        return { status: 401, headers: { 'www-authenticate': realms.map((r) => `Digest realm="${r}", nonce="n0nce", algorithm=MD5, qop="auth-int"`) }, body: Buffer.alloc(0) };
      }
      const type = new URL(req.url).searchParams.get('requesttype')!;
      return { status: 200, headers: {}, body: Buffer.from(bodies[type]!) };
    },
    close() {},
  };
  return { http, sent };
}

function client(mode: GbaMode, http: HttpTransport, logger = pino({ level: 'silent' })) {
  const credentials: BsmCredentialSource = {
    current: async () => ({ btid: 'AAECAwQFBgcICQoLDA0ODw==@bsf.example', mrk: new Secret(Buffer.alloc(32, 9)), mode }),
    invalidate: () => assert.fail('no re-bootstrap expected'),
  };
  return new BsmClient({ bsmUrl: 'http://127.0.0.1:1', bsmFqdn: FQDN, version: '1.2.3', credentials, http, timeoutMs: 1000, retry: { baseMs: 1, maxMs: 1, maxAttempts: 1 }, logger });
}

const CASES: Array<[GbaMode, string]> = [
  ['gba-u', 'bcastd/1.2.3 3gpp-gba-uicc'],
  ['gba-me', 'bcastd/1.2.3 3gpp-gba'],
];

for (const [mode, userAgent] of CASES) {
  test(`${mode}: register, MSK request and deregister all carry User-Agent '${userAgent}', the first unauthenticated one too`, async () => {
    const bsm = scriptedBsm([REALM['gba-u'], REALM['gba-me']]);
    const c = client(mode, bsm.http);
    assert.deepEqual((await c.register(['urn:a'])).items, [{ serviceId: 'urn:a', status: 200 }]);
    const msk = await c.requestMsk([{ keyDomainId: Uint8Array.of(0x00, 0xf1, 0x10), mskId: Uint8Array.of(1, 2, 0, 0) }]);
    assert.deepEqual(msk.items.map((i) => i.status), [200]);
    assert.deepEqual((await c.deregister(['urn:a'])).items, [{ serviceId: 'urn:a', status: 200 }]);
    assert.equal(bsm.sent.length, 4, 'one challenge, then three authenticated requests on the kept nonce');
    assert.deepEqual(bsm.sent.map((r) => r.headers?.['user-agent']), Array(4).fill(userAgent));
    // The Digest realm is the one of the challenge naming our flavour (SPEC §6), echoed as offered.
    for (const r of bsm.sent.slice(1)) assert.equal(parseAuthorization(r.headers!['authorization']!).realm, REALM[mode]);
  });
}

test('realm mismatch: one warn line naming the realm offered and the one needed, a typed error, a counter', async () => {
  const bsm = scriptedBsm([REALM['gba-me']]);
  const { logger, lines } = captureLogger();
  const c = client('gba-u', bsm.http, logger);
  await assert.rejects(c.register(['urn:a']), (e: unknown) => e instanceof BsmError && e.reason === 'realm-mismatch' && e.status === 401);
  const warned = lines.filter((l) => (l['level'] as number) >= 40);
  assert.equal(warned.length, 1, JSON.stringify(lines));
  const msg = String(warned[0]!['msg']);
  assert.ok(msg.includes(`"${REALM['gba-me']}"`) && msg.includes(`needs "${REALM['gba-u']}"`) && msg.includes('GBA_U'), msg);
  assert.deepEqual(warned[0]!['offered'], [REALM['gba-me']]);
  assert.equal(warned[0]!['expected'], REALM['gba-u']);
  assert.equal(c.stats().realmMismatches, 1);
  assert.equal(bsm.sent.length, 1, 'no authenticated request with a realm of the wrong flavour');
});
