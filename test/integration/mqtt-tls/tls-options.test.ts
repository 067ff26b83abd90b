// mqtt.tls → connect options (src/mqtt/tls.ts) on real openssl-made files, and the failure table
// (src/mqtt/connect-errors.ts) on the error shapes Node/OpenSSL/mqtt.js produce.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadTlsOptions, TlsConfigError, clientCertCn, type MqttTlsSettings, type TlsProblem } from '../../../src/mqtt/tls.js';
import { describeConnectFailure, type ConnectContext, type ConnectFailureKind } from '../../../src/mqtt/connect-errors.js';
import { MqttError } from '../../../src/mqtt/errors.js';
import { makeTlsFixture, type TlsFixture } from '../../helpers/tls-certs.js';
import { captureLogger } from '../mqtt/helpers.js';

const run = promisify(execFile);
let fx: TlsFixture;
before(async () => {
  fx = await makeTlsFixture();
});
after(async () => {
  await fx.close();
});

/** The base64 body of a PEM key: must never appear in a log line or an error message. */
const keyBody = async (path: string) => (await readFile(path, 'utf8')).split('\n').filter((l) => l !== '' && !l.startsWith('-----')).join('');

test('ca + cert + key: PEM buffers for mqtt.js, verification on by default, servername passed, no warning at 0600', async () => {
  const a = await fx.client('dev-a');
  const { logger, lines } = captureLogger();
  const o = await loadTlsOptions({ ca: fx.ca.cert, cert: a.cert, key: a.key, servername: 'broker.example.net' }, logger);
  assert.ok(o);
  assert.equal(o.rejectUnauthorized, true);
  assert.equal(o.servername, 'broker.example.net');
  assert.deepEqual(o.ca, await readFile(fx.ca.cert));
  assert.match(o.cert!.toString(), /^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\n$/);
  assert.match(o.key!.toString(), /^-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----\n$/);
  assert.equal(clientCertCn(o), 'dev-a');
  assert.deepEqual(lines(), []);
  assert.equal(await loadTlsOptions(undefined, logger), undefined);
  const lab = await loadTlsOptions({ ca: fx.ca.cert, rejectUnauthorized: false }, logger);
  assert.deepEqual({ rej: lab?.rejectUnauthorized, cert: lab?.cert, cn: clientCertCn(lab) }, { rej: false, cert: undefined, cn: undefined });
});

test('a combined cert+key file works without mqtt.tls.key; only the key block is handed on as the key', async () => {
  const a = await fx.client('dev-comb');
  const combined = join(fx.dir, 'combined.pem');
  await writeFile(combined, (await readFile(a.cert, 'utf8')) + (await readFile(a.key, 'utf8')), { mode: 0o600 });
  const o = await loadTlsOptions({ ca: fx.ca.cert, cert: combined }, captureLogger().logger);
  assert.doesNotMatch(o!.cert!.toString(), /PRIVATE KEY/);
  assert.doesNotMatch(o!.key!.toString(), /CERTIFICATE/);
  assert.equal(clientCertCn(o), 'dev-comb');
});

test('unusable TLS files are TlsConfigError (code config_invalid) naming the option and the path, before connecting', async () => {
  const a = await fx.client('dev-a');
  const b = await fx.client('dev-b');
  const der = join(fx.dir, 'ca.der');
  await run('openssl', ['x509', '-in', fx.ca.cert, '-outform', 'der', '-out', der]);
  const corrupt = join(fx.dir, 'corrupt.pem');
  await writeFile(corrupt, '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
  const encrypted = join(fx.dir, 'encrypted.key');
  await run('openssl', ['pkey', '-in', a.key, '-aes256', '-passout', 'pass:field', '-out', encrypted]);
  await chmod(encrypted, 0o600);
  const aDir = join(fx.dir, 'a-directory');
  await mkdir(aDir, { recursive: true });

  const cases: Array<[string, MqttTlsSettings, string, string, TlsProblem, RegExp]> = [
    ['missing CA', { ca: '/nonexistent/bcastd/ca.pem' }, 'mqtt.tls.ca', '/nonexistent/bcastd/ca.pem', 'missing', /file not found/],
    ['CA is a directory', { ca: aDir }, 'mqtt.tls.ca', aDir, 'unreadable', /is a directory/],
    ['DER CA', { ca: der }, 'mqtt.tls.ca', der, 'not_pem', /not a PEM certificate.*-inform der/],
    ['corrupt PEM', { ca: corrupt }, 'mqtt.tls.ca', corrupt, 'not_pem', /does not parse/],
    ['missing cert', { cert: '/nonexistent/c.pem', key: a.key }, 'mqtt.tls.cert', '/nonexistent/c.pem', 'missing', /file not found/],
    ['cert is a key', { cert: a.key, key: a.key }, 'mqtt.tls.cert', a.key, 'not_pem', /not a PEM certificate/],
    ['key is a cert', { cert: a.cert, key: a.cert }, 'mqtt.tls.key', a.cert, 'not_pem', /not a PEM private key/],
    ['missing key', { cert: a.cert, key: '/nonexistent/k.pem' }, 'mqtt.tls.key', '/nonexistent/k.pem', 'missing', /file not found/],
    ['encrypted key', { cert: a.cert, key: encrypted }, 'mqtt.tls.key', encrypted, 'encrypted', /encrypted; bcastd needs it unencrypted/],
    ['key of another cert', { cert: a.cert, key: b.key }, 'mqtt.tls.key', b.key, 'mismatch', /does not belong to the certificate/],
    ['key without cert', { key: a.key }, 'mqtt.tls.key', a.key, 'incomplete', /without mqtt\.tls\.cert/],
    ['cert without key', { cert: a.cert }, 'mqtt.tls.key', a.cert, 'incomplete', /holds no private key/],
  ];
  const secrets = [await keyBody(a.key), await keyBody(b.key)];
  for (const [name, settings, option, path, problem, text] of cases) {
    await assert.rejects(
      loadTlsOptions(settings, captureLogger().logger),
      (e: unknown) => {
        assert.ok(e instanceof TlsConfigError && e instanceof MqttError, name);
        assert.deepEqual({ code: e.code, option: e.option, path: e.path, problem: e.problem }, { code: 'config_invalid', option, path, problem }, name);
        assert.ok(e.message.startsWith(`${option} (`) && e.message.includes(path), `${name}: ${e.message}`);
        assert.match(e.message, text, name);
        for (const s of secrets) assert.ok(!e.message.includes(s.slice(0, 24)), `${name}: key material in the message`);
        return true;
      },
      name,
    );
  }
});

test('a key file mode wider than 0600 and an expired certificate are warnings naming the file; the key is not logged', async () => {
  const c = await fx.clientExpired('dev-old');
  await chmod(c.key, 0o640);
  const { logger, lines } = captureLogger();
  const o = await loadTlsOptions({ ca: fx.ca.cert, cert: c.cert, key: c.key }, logger);
  await chmod(c.key, 0o600);
  assert.ok(o?.key);
  const warns = lines().filter((l) => l['level'] === 40);
  assert.equal(warns.length, 2);
  assert.deepEqual({ option: warns[0]!['option'], path: warns[0]!['path'], mode: warns[0]!['mode'] }, { option: 'mqtt.tls.key', path: c.key, mode: '0640' });
  assert.match(String(warns[0]!['msg']), /has mode 0640, wider than 0600 \(other users can read the key\): chmod 600 it$/);
  assert.equal(warns[1]!['option'], 'mqtt.tls.cert');
  assert.match(String(warns[1]!['msg']), /expired on \d{4}-.*the broker will refuse it \(or this device's clock is wrong\)/);
  const logged = JSON.stringify(lines());
  assert.ok(!logged.includes((await keyBody(c.key)).slice(0, 24)));

  // A certificate not valid yet: the device clock is the suspect.
  const { logger: l2, lines: lines2 } = captureLogger();
  const fresh = await fx.client('dev-new');
  await loadTlsOptions({ cert: fresh.cert, key: fresh.key }, l2, new Date(Date.now() - 7 * 86_400_000));
  assert.match(String(lines2().find((l) => l['option'] === 'mqtt.tls.cert')?.['msg']), /not valid before .*check this device's clock/);
});

// The shapes come from real failures against mosquitto 2.0 and Node 20 (see publisher-tls.test.ts), plus the
// codes mosquitto cannot be made to produce here (revoked, CONNACK 0x86, DNS).
const TLS_CTX: ConnectContext = { url: 'mqtts://127.0.0.1:8883', caConfigured: true, certConfigured: true };
const FAILURES: Array<[string, unknown, ConnectContext, ConnectFailureKind, RegExp]> = [
  ['self-signed broker', { code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }, TLS_CTX, 'broker_untrusted', /^broker certificate not trusted: self-signed \(check mqtt\.tls\.ca\)$/],
  ['unknown CA, no ca set', { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', message: 'unable to verify the first certificate' }, { ...TLS_CTX, caConfigured: false }, 'broker_untrusted', /unknown CA \(set mqtt\.tls\.ca to the CA that signed/],
  ['chain to another root', { code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed certificate in certificate chain' }, TLS_CTX, 'broker_untrusted', /^broker certificate not trusted: signed by an unknown CA \(check mqtt\.tls\.ca\)$/],
  ['name mismatch', { code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: "Hostname/IP does not match certificate's altnames", host: '127.0.0.1', cert: { subjectaltname: 'DNS:broker.example.net' } }, TLS_CTX, 'broker_name_mismatch', /^broker name mismatch: certificate is for DNS:broker\.example\.net, connected to 127\.0\.0\.1 \(set mqtt\.tls\.servername/],
  ['name mismatch with servername', { code: 'ERR_TLS_CERT_ALTNAME_INVALID', host: 'central', cert: { subject: { CN: 'other' } } }, { ...TLS_CTX, servername: 'central' }, 'broker_name_mismatch', /certificate is for CN=other, connected to central \(check mqtt\.tls\.servername\)/],
  ['broker cert expired', { code: 'CERT_HAS_EXPIRED', message: 'certificate has expired' }, TLS_CTX, 'broker_cert_expired', /^broker certificate expired/],
  ['no client cert (TLS 1.3)', { code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', reason: 'tlsv13 alert certificate required' }, { ...TLS_CTX, certConfigured: false }, 'client_cert_required', /set mqtt\.tls\.cert and mqtt\.tls\.key/],
  ['client cert from another CA', { code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', reason: 'tlsv1 alert unknown ca' }, TLS_CTX, 'client_cert_refused', /^broker refused our client certificate: issued by a CA it does not trust \(check mqtt\.tls\.cert\/key and the broker's cafile\)$/],
  ['alert by reason only', { reason: 'tlsv1 alert unknown ca', message: 'x' }, TLS_CTX, 'client_cert_refused', /issued by a CA it does not trust/],
  ['client cert expired', { code: 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', reason: 'sslv3 alert certificate expired' }, TLS_CTX, 'client_cert_refused', /client certificate: expired/],
  ['client cert revoked', { code: 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED' }, TLS_CTX, 'client_cert_refused', /client certificate: revoked/],
  ['bad certificate alert', { code: 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', reason: 'sslv3 alert bad certificate' }, TLS_CTX, 'client_cert_refused', /^broker refused our client certificate \(certificate unknown \/ expired \/ revoked/],
  ['TLS 1.2 handshake failure', { code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' }, { ...TLS_CTX, certConfigured: false }, 'tls_failed', /requires a client certificate: set mqtt\.tls\.cert\/key/],
  ['plain port', { code: 'ERR_SSL_WRONG_VERSION_NUMBER', reason: 'wrong version number' }, TLS_CTX, 'not_tls', /127\.0\.0\.1:8883 does not speak TLS/],
  ['unknown OpenSSL code', { code: 'ERR_SSL_SOMETHING_NEW', reason: 'something new' }, TLS_CTX, 'tls_failed', /^TLS handshake failed: something new \(ERR_SSL_SOMETHING_NEW\)$/],
  ['reset in handshake', { code: 'ECONNRESET', message: 'read ECONNRESET' }, TLS_CTX, 'reset', /during the TLS handshake \(often a refused client certificate/],
  ['reset, plain', { code: 'ECONNRESET' }, { url: 'mqtt://127.0.0.1:1883' }, 'reset', /^the broker reset the connection before CONNACK$/],
  ['closed without error', undefined, TLS_CTX, 'reset', /closed the connection before CONNACK \(a refused client certificate/],
  ['CONNACK 0x87', Object.assign(new Error('Connection refused: Not authorized'), { code: 135 }), TLS_CTX, 'not_authorized', /^not authorised: .*\(CONNACK 0x87\)$/],
  ['CONNACK 5 (3.1.1)', Object.assign(new Error('Connection refused: Not authorized'), { code: 5 }), TLS_CTX, 'not_authorized', /\(CONNACK 5\)$/],
  ['CONNACK 0x86', Object.assign(new Error('Connection refused: Bad User Name or Password'), { code: 134 }), TLS_CTX, 'bad_credentials', /mqtt\.passwordFile\) \(CONNACK 0x86\)$/],
  ['CONNACK 0x84', Object.assign(new Error('Connection refused: Unsupported Protocol Version'), { code: 132 }), TLS_CTX, 'protocol_version', /mqtt\.protocolVersion to 4/],
  ['CONNACK 0x97 (unlisted)', Object.assign(new Error('Connection refused: Quota exceeded'), { code: 151 }), TLS_CTX, 'connack_refused', /^the broker refused the connection: Quota exceeded \(CONNACK 0x97\)$/],
  ['refused', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }, { url: 'mqtt://127.0.0.1:1' }, 'refused', /^connection refused by 127\.0\.0\.1:1: no broker listening there/],
  ['DNS', { code: 'ENOTFOUND' }, { url: 'mqtts://central.invalid:8883' }, 'unreachable', /cannot resolve the broker host of mqtts:\/\/central\.invalid:8883/],
  ['mqtt.js untrusted', new Error('TLS not authorized'), TLS_CTX, 'broker_untrusted', /^broker certificate not trusted \(check mqtt\.tls\.ca\)$/],
  ['connack timeout', new Error('connack timeout'), TLS_CTX, 'connack_timeout', /no CONNACK from 127\.0\.0\.1:8883/],
  ['anything else', new Error('Keepalive timeout'), TLS_CTX, 'other', /^Keepalive timeout$/],
];

test('the connect failure table: kind and a field-terms sentence for every code', () => {
  for (const [name, err, ctx, kind, text] of FAILURES) {
    const f = describeConnectFailure(err, ctx);
    assert.equal(f.kind, kind, name);
    assert.match(f.message, text, `${name}: ${f.message}`);
  }
});
