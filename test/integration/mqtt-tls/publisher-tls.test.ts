// The daemon's MqttPublisher against real mosquittos with TLS on loopback: client certificates (CN = device id,
// use_identity_as_username), a per-device ACL, and the field-terms message of every way it goes wrong.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import mqtt, { type MqttClient } from 'mqtt';
import type { MqttConfig } from '../../../src/daemon/config/index.js';
import { HealthReporter } from '../../../src/mqtt/health.js';
import { MqttPublisher } from '../../../src/mqtt/publisher.js';
import { MqttError } from '../../../src/mqtt/errors.js';
import { freePort, startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js';
import { makeTlsFixture, type CertFiles, type TlsFixture } from '../../helpers/tls-certs.js';
import { captureLogger, failOnUnhandledRejection, json, mqttConfig, waitFor, type Received } from '../mqtt/helpers.js';
import { startConfBroker, type ConfBroker } from './broker.js';

failOnUnhandledRejection();

const backoff = { minMs: 50, maxMs: 200 };
// Operators (CN=ops) read every device; each device reads and writes only its own subtree.
const ACL = ['user ops', 'topic read bcastd/v1/#', '', 'pattern readwrite bcastd/v1/%u/#', ''].join('\n');

let fx: TlsFixture;
let broker: ConfBroker; // TLS, require_certificate, identity as user name, ACL
let wrongName: ConfBroker; // TLS with a certificate for broker.example.net only
let plain: Mosquitto; // no TLS, anonymous
let closed: ConfBroker; // no TLS, allow_anonymous false: refuses at CONNACK
const opened: Array<{ close(): Promise<void> }> = [];

const tlsConf = (server: CertFiles) => ({ port, dir }: { port: number; dir: string }) =>
  [
    `listener ${port} 127.0.0.1`,
    `cafile ${fx.ca.cert}`,
    `certfile ${server.cert}`,
    `keyfile ${server.key}`,
    'require_certificate true',
    'use_identity_as_username true',
    `acl_file ${dir}/acl`,
    'persistence false',
  ].join('\n');

before(async () => {
  fx = await makeTlsFixture();
  [broker, wrongName, plain, closed] = await Promise.all([
    startConfBroker({ conf: tlsConf(fx.server), files: () => ({ acl: ACL }) }),
    startConfBroker({ conf: tlsConf(fx.serverWrongName), files: () => ({ acl: ACL }) }),
    startMosquitto(),
    startConfBroker({ conf: ({ port }) => [`listener ${port} 127.0.0.1`, 'allow_anonymous false', 'persistence false'].join('\n') }),
  ]);
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});
after(async () => {
  await Promise.all([broker?.close(), wrongName?.close(), plain?.close(), closed?.close()]);
  await fx?.close();
});

const urlOf = (b: { port: number }) => `mqtts://127.0.0.1:${b.port}`;

function tls(over: { ca?: string; cert?: CertFiles; servername?: string } = {}): MqttConfig['tls'] {
  const ca = 'ca' in over ? over.ca : fx.ca.cert;
  return {
    rejectUnauthorized: true,
    ...(ca !== undefined ? { ca } : {}),
    ...(over.cert ? { cert: over.cert.cert, key: over.cert.key } : {}),
    ...(over.servername !== undefined ? { servername: over.servername } : {}),
  } as MqttConfig['tls'];
}

function publisher(url: string, deviceId: string, t: MqttConfig['tls'] | undefined, over: Partial<MqttConfig> = {}) {
  const cap = captureLogger();
  const config = mqttConfig(url, { ...(t ? { tls: t } : {}), ...over });
  const pub = new MqttPublisher({ config, deviceId, logger: cap.logger, backoff, connectTimeoutMs: 3000 });
  opened.push(pub);
  return { pub, clientId: config.clientId!, ...cap };
}

/** A client with its own certificate (an operator console, another device) recording what it gets. */
async function certClient(b: { port: number }, cert: CertFiles, filter: string): Promise<{ client: MqttClient; got: Received[]; granted: number[] }> {
  const client = await mqtt.connectAsync(urlOf(b), { protocolVersion: 5, reconnectPeriod: 0, ca: await readFile(fx.ca.cert), cert: await readFile(cert.cert), key: await readFile(cert.key) });
  opened.push({ close: () => client.endAsync(true) });
  const got: Received[] = [];
  client.on('message', (topic, payload, packet) => got.push({ topic, payload, retain: packet.retain, packet }));
  const granted = (await client.subscribeAsync(filter, { qos: 1 })).map((g) => g.qos);
  return { client, got, granted };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs a publisher that cannot connect for a few attempts and checks the contract of a failure: one warn line
 * with the expected headline and reason (no line per attempt), the repeat count in counters and health, the
 * reason in waitConnected's error, and no session at the broker. Returns the reason.
 */
async function failsClearly(
  run: ReturnType<typeof publisher>,
  expect: { kind: string; headline: string; reason: RegExp; noSessionAt?: ConfBroker },
): Promise<string> {
  const { pub, lines } = run;
  await pub.start();
  await waitFor('3 failed attempts', () => pub.counters.connectFailures >= 3 || undefined, 8000);
  await pub.close(); // freeze the counters (a closed publisher reports no more attempts)
  const failures = lines().filter((l) => l['level'] === 40 && /retrying$/.test(String(l['msg'])));
  assert.equal(failures.length, 1, `one line, not one per attempt: ${JSON.stringify(failures)}`);
  assert.equal(failures[0]!['msg'], expect.headline);
  assert.equal(failures[0]!['kind'], expect.kind);
  assert.match(String(failures[0]!['reason']), expect.reason);
  const last = pub.counters.lastConnectError;
  assert.ok(last);
  assert.equal(last.kind, expect.kind);
  assert.equal(last.message, failures[0]!['reason']);
  assert.ok(last.count >= 3 && last.count === pub.counters.connectFailures, `count ${last.count} vs ${pub.counters.connectFailures}`);
  assert.ok(last.last >= last.since);
  await assert.rejects(pub.waitConnected(100), (e: unknown) => e instanceof MqttError && e.code === 'closed' && e.message.includes(`(${last.message}; `));
  const health = new HealthReporter({ publisher: pub, logger: run.logger, intervalMs: 60_000 }).snapshot();
  assert.deepEqual(health.counters.mqtt.lastConnectError, last);
  assert.equal(pub.connected, false);
  if (expect.noSessionAt) {
    assert.ok(!(await expect.noSessionAt.log()).includes(` as ${run.clientId} `), 'the broker saw no session of this client');
  }
  return last.message;
}

async function noKeyLogged(lines: () => Array<Record<string, unknown>>, key: string): Promise<void> {
  const body = (await readFile(key, 'utf8')).split('\n').filter((l) => l !== '' && !l.startsWith('-----')).join('');
  const text = JSON.stringify(lines());
  for (let i = 0; i + 16 <= body.length; i += 16) assert.ok(!text.includes(body.slice(i, i + 16)), 'client key material in the log');
}

test('good client certificate: connects over TLS, the retained status reaches an operator with its own certificate; another device sees nothing', async () => {
  const a = await fx.client('dev-a');
  const run = publisher(urlOf(broker), 'dev-a', tls({ cert: a }));
  run.pub.setStatus('ready');
  await run.pub.start();
  await run.pub.waitConnected(5000);
  const ops = await certClient(broker, await fx.client('ops'), 'bcastd/v1/dev-a/#');
  const got = await waitFor('retained status at ops', () => ops.got.find((m) => m.topic === 'bcastd/v1/dev-a/status'));
  assert.equal(got.retain, true);
  assert.equal(json(got.payload)['state'], 'ready');
  // mosquitto grants another device's subscription (SUBACK QoS 1) but its ACL read check delivers nothing.
  const b = await certClient(broker, await fx.client('dev-b'), 'bcastd/v1/dev-a/#');
  assert.deepEqual(b.granted, [1]);
  run.pub.setStatus('busy');
  await waitFor('busy at ops', () => ops.got.find((m) => json(m.payload)['state'] === 'busy'));
  await sleep(200);
  assert.deepEqual(b.got, []);
  assert.match(await broker.log(), /New client connected from [\d.:]+ as bcastd-test-\S+ \(p5, c1, k30, u'dev-a'\)/);
  assert.deepEqual({ failures: run.pub.counters.connectFailures, last: run.pub.counters.lastConnectError }, { failures: 0, last: undefined });
  const conf = run.lines().find((l) => l['msg'] === 'mqtt TLS configured');
  assert.deepEqual({ cn: conf?.['cn'], ca: conf?.['ca'] }, { cn: 'dev-a', ca: fx.ca.cert });
  await run.pub.close();
  await noKeyLogged(run.lines, a.key);
});

test('client certificate from another CA: "broker refused our client certificate", no session', async () => {
  const wrong = await fx.clientOtherCa('dev-a');
  const run = publisher(urlOf(broker), 'dev-a', tls({ cert: wrong }));
  await failsClearly(run, {
    kind: 'client_cert_refused',
    headline: 'mqtt TLS handshake failed; retrying',
    reason: /^broker refused our client certificate: issued by a CA it does not trust \(check mqtt\.tls\.cert\/key and the broker's cafile\)$/,
    noSessionAt: broker,
  });
  await noKeyLogged(run.lines, wrong.key);
});

test('no client certificate: "broker requires a client certificate"', async () => {
  await failsClearly(publisher(urlOf(broker), 'dev-a', tls()), {
    kind: 'client_cert_required',
    headline: 'mqtt TLS handshake failed; retrying',
    reason: /^broker requires a client certificate \(set mqtt\.tls\.cert and mqtt\.tls\.key\)$/,
    noSessionAt: broker,
  });
});

test('expired client certificate: a warning at start, then "refused our client certificate: expired"', async () => {
  const old = await fx.clientExpired('dev-a');
  const run = publisher(urlOf(broker), 'dev-a', tls({ cert: old }));
  await failsClearly(run, { kind: 'client_cert_refused', headline: 'mqtt TLS handshake failed; retrying', reason: /^broker refused our client certificate: expired/, noSessionAt: broker });
  assert.ok(run.lines().some((l) => l['option'] === 'mqtt.tls.cert' && /expired on/.test(String(l['msg']))));
});

test('broker certificate not trusted by mqtt.tls.ca (or no ca at all): "broker certificate not trusted"', async () => {
  const a = await fx.client('dev-a');
  await failsClearly(publisher(urlOf(broker), 'dev-a', tls({ ca: fx.otherCa.cert, cert: a })), {
    kind: 'broker_untrusted',
    headline: 'mqtt TLS handshake failed; retrying',
    reason: /^broker certificate not trusted: signed by an unknown CA \(check mqtt\.tls\.ca\)$/,
    noSessionAt: broker,
  });
  await failsClearly(publisher(urlOf(broker), 'dev-a', tls({ ca: undefined, cert: a })), {
    kind: 'broker_untrusted',
    headline: 'mqtt TLS handshake failed; retrying',
    reason: /^broker certificate not trusted: signed by an unknown CA \(set mqtt\.tls\.ca to the CA that signed the broker certificate; only the system CAs are trusted now\)$/,
    noSessionAt: broker,
  });
});

test('broker certificate for another name: "broker name mismatch … set mqtt.tls.servername"; with servername it connects', async () => {
  const a = await fx.client('dev-a');
  await failsClearly(publisher(urlOf(wrongName), 'dev-a', tls({ cert: a })), {
    kind: 'broker_name_mismatch',
    headline: 'mqtt TLS handshake failed; retrying',
    reason: /^broker name mismatch: certificate is for DNS:broker\.example\.net, connected to 127\.0\.0\.1 \(set mqtt\.tls\.servername, or use a name the certificate lists in mqtt\.url\)$/,
    noSessionAt: wrongName,
  });
  const ok = publisher(urlOf(wrongName), 'dev-a', tls({ cert: a, servername: 'broker.example.net' }));
  await ok.pub.start();
  await ok.pub.waitConnected(5000);
  assert.equal(ok.pub.counters.connectFailures, 0);
});

test('ACL: device A cannot publish under device B — mosquitto answers PUBACK 0x87 (MQTT 5), counted as dropped, one warning', async () => {
  const a = await fx.client('dev-a');
  const ops = await certClient(broker, await fx.client('ops'), 'bcastd/v1/#');
  const run = publisher(urlOf(broker), 'dev-a', tls({ cert: a }));
  await run.pub.start();
  await run.pub.waitConnected(5000);
  run.pub.publishReply('bcastd/v1/dev-b/events', { kind: 'forged' });
  run.pub.publishReply('bcastd/v1/dev-b/events', { kind: 'forged again' });
  run.pub.publishEvent({ kind: 'own' });
  await waitFor('own event at ops', () => ops.got.find((m) => m.topic === 'bcastd/v1/dev-a/events'));
  await waitFor('2 dropped', () => run.pub.counters.dropped === 2 || undefined);
  assert.equal(ops.got.filter((m) => m.topic.startsWith('bcastd/v1/dev-b/')).length, 0);
  assert.match(await broker.log(), /Denied PUBLISH from bcastd-test-\S+ \(d0, q1, r0, m\d+, 'bcastd\/v1\/dev-b\/events'/);
  assert.match(await broker.log(), /Sending PUBACK to bcastd-test-\S+ \(m\d+, rc135\)/);
  const denied = run.lines().filter((l) => l['topic'] === 'bcastd/v1/dev-b/events' && l['level'] === 40);
  assert.equal(denied.length, 1);
  assert.match(String(denied[0]!['msg']), /not authorised by its ACL \(check that the certificate CN \/ mqtt\.username is the device id\)/);
});

test('certificate CN is not the device id: a warning at start; mosquitto 2.0 still accepts the CONNECT (the will is not ACL-checked there) and refuses every publish', async () => {
  const b = await fx.client('dev-b');
  const run = publisher(urlOf(broker), 'dev-a', tls({ cert: b }));
  run.pub.setStatus('ready');
  await run.pub.start();
  await run.pub.waitConnected(5000);
  assert.ok(run.lines().some((l) => l['cn'] === 'dev-b' && /CN dev-b is not the device id dev-a/.test(String(l['msg']))));
  await waitFor('status refused', () => run.pub.counters.dropped >= 1 || undefined);
  assert.equal(run.pub.counters.published, 0);
  assert.ok(run.lines().some((l) => l['topic'] === 'bcastd/v1/dev-a/status' && /not authorised by its ACL/.test(String(l['msg']))));
});

test('CONNACK refusal: "not authorised (CONNACK 0x87)" on MQTT 5, "(CONNACK 5)" on 3.1.1', async () => {
  for (const [protocolVersion, code] of [[5, '0x87'], [4, '5']] as const) {
    await failsClearly(publisher(`mqtt://127.0.0.1:${closed.port}`, 'dev-a', undefined, { protocolVersion }), {
      kind: 'not_authorized',
      headline: 'mqtt broker refused the connection; retrying',
      reason: new RegExp(`^not authorised: the broker refused this client .*\\(CONNACK ${code}\\)$`),
    });
  }
});

test('mqtts:// to a plain MQTT port: the reset names TLS; mqtt:// with mqtt.tls set stays plain (no silent upgrade) with a warning', async () => {
  const a = await fx.client('dev-a');
  await failsClearly(publisher(`mqtts://127.0.0.1:${plain.port}`, 'dev-a', tls({ cert: a })), {
    kind: 'reset',
    headline: 'mqtt connect failed; retrying',
    reason: /^the broker reset the connection during the TLS handshake \(often a refused client certificate: .*; or the port does not speak TLS\)$/,
  });
  const run = publisher(plain.url, 'dev-a', tls({ cert: a }));
  await run.pub.start();
  await run.pub.waitConnected(5000);
  assert.ok(run.lines().some((l) => l['msg'] === `mqtt.tls is ignored: ${plain.url} is not an mqtts:// or wss:// URL`));
});

test('recovery: failures while the broker is down, then one "mqtt connected" naming what failed; lastConnectError stays as history', async () => {
  const a = await fx.client('dev-a');
  const port = await freePort();
  const run = publisher(`mqtts://127.0.0.1:${port}`, 'dev-a', tls({ cert: a }));
  await run.pub.start();
  await waitFor('3 refused', () => run.pub.counters.connectFailures >= 3 || undefined);
  const late = await startConfBroker({ port, conf: tlsConf(fx.server), files: () => ({ acl: ACL }) });
  opened.push(late);
  await run.pub.waitConnected(8000);
  const connected = run.lines().find((l) => l['msg'] === 'mqtt connected');
  const after = connected?.['afterFailure'] as { reason: string; count: number };
  assert.match(after.reason, /^connection refused by 127\.0\.0\.1:\d+: no broker listening there/);
  assert.ok(after.count >= 3);
  assert.equal(run.lines().filter((l) => l['msg'] === 'mqtt broker unreachable; retrying').length, 1);
  assert.equal(run.pub.counters.lastConnectError?.kind, 'refused');
  assert.equal(run.pub.counters.lastConnectError?.count, after.count);
});
