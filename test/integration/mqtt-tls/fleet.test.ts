// packaging/fleet/ for real: certificates from make-certs.sh, a central mosquitto from central-broker.conf +
// fleet.acl, a device mosquitto from mosquitto-bridge.conf, bcastd's publisher and command router on the device
// broker, an operator console on the central one. The example files are used as shipped, with only ports and
// paths substituted (each substitution must find its text), so the docs stay true.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';
import { parseBoardConfig } from '../../../src/daemon/config/index.js';
import { CommandRouter } from '../../../src/mqtt/commands.js';
import { MqttPublisher } from '../../../src/mqtt/publisher.js';
import { repoRoot } from '../../helpers/repo.js';
import { freePort } from '../../helpers/mosquitto.js';
import { giveToBrokerUser } from '../../helpers/tls-certs.js';
import { captureLogger, failOnUnhandledRejection, json, waitFor, type Received } from '../mqtt/helpers.js';
import { startConfBroker, type ConfBroker } from './broker.js';

failOnUnhandledRejection();
const run = promisify(execFile);

const FLEET = join(repoRoot, 'packaging', 'fleet');
const ID = 'stb-0042'; // the device id the example files are written for
let out: string; // make-certs.sh output
let central: ConfBroker;
let device: ConfBroker;
const closers: Array<() => Promise<unknown>> = [];

/** Replaces every occurrence of `from`, which must occur: an example file that changed fails here. */
function sub(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), `the example no longer contains ${JSON.stringify(from)}`);
  return text.split(from).join(to);
}

const certs = (id: string) => ({ ca: join(out, 'devices', id, 'fleet-ca.crt'), cert: join(out, 'devices', id, `${id}.crt`), key: join(out, 'devices', id, `${id}.key`) });

async function consoleClient(port: number, id: string, filters: string[]): Promise<{ client: MqttClient; got: Received[] }> {
  const c = certs(id);
  const client = await mqtt.connectAsync(`mqtts://127.0.0.1:${port}`, { protocolVersion: 5, reconnectPeriod: 0, ca: await readFile(c.ca), cert: await readFile(c.cert), key: await readFile(c.key) });
  closers.push(() => client.endAsync(true));
  const got: Received[] = [];
  client.on('message', (topic, payload, packet) => got.push({ topic, payload, retain: packet.retain, packet }));
  for (const f of filters) await client.subscribeAsync(f, { qos: 1 });
  return { client, got };
}

before(async () => {
  out = await mkdtemp(join(tmpdir(), 'bcastd-fleet-'));
  await chmod(out, 0o755);
  await run('sh', [join(FLEET, 'make-certs.sh'), out, 'localhost,127.0.0.1', ID, 'stb-0043', 'ops']);
  await giveToBrokerUser(join(out, 'central', 'central.key'), certs(ID).key);

  const centralPort = await freePort();
  const acl = join(out, 'fleet.acl');
  await copyFile(join(FLEET, 'fleet.acl'), acl);
  await chmod(acl, 0o644);
  let centralConf = await readFile(join(FLEET, 'central-broker.conf'), 'utf8');
  centralConf = sub(centralConf, 'listener 8883\n', `listener ${centralPort} 127.0.0.1\n`);
  centralConf = sub(centralConf, '/etc/mosquitto/certs/fleet-ca.crt', join(out, 'ca', 'fleet-ca.crt'));
  centralConf = sub(centralConf, '/etc/mosquitto/certs/central.crt', join(out, 'central', 'central.crt'));
  centralConf = sub(centralConf, '/etc/mosquitto/certs/central.key', join(out, 'central', 'central.key'));
  centralConf = sub(centralConf, '/etc/mosquitto/bcastd-fleet.acl', acl);
  central = await startConfBroker({ port: centralPort, conf: () => `persistence false\n${centralConf}` });
  closers.push(() => central.close());

  const c = certs(ID);
  let bridgeConf = await readFile(join(FLEET, 'mosquitto-bridge.conf'), 'utf8');
  const devicePort = await freePort();
  bridgeConf = sub(bridgeConf, 'listener 1883 127.0.0.1\n', `listener ${devicePort} 127.0.0.1\n`);
  bridgeConf = sub(bridgeConf, 'address central.example.net:8883', `address 127.0.0.1:${centralPort}`);
  bridgeConf = sub(bridgeConf, 'restart_timeout 5 300', 'restart_timeout 1 2');
  bridgeConf = sub(bridgeConf, '/etc/mosquitto/certs/fleet-ca.crt', c.ca);
  bridgeConf = sub(bridgeConf, `/etc/mosquitto/certs/${ID}.crt`, c.cert);
  bridgeConf = sub(bridgeConf, `/etc/mosquitto/certs/${ID}.key`, c.key);
  device = await startConfBroker({ port: devicePort, conf: () => `persistence false\n${bridgeConf}` });
  closers.push(() => device.close());
  await central.waitLog(new RegExp(`New client connected from [\\d.:]+ as ${ID}-bridge \\(p5, c0, k60, u'${ID}'\\)`));
});

after(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  if (out) await rm(out, { recursive: true, force: true });
});

test('make-certs.sh: CA, central and device certificates chain to the CA, keys 0600, CN = device id; a rerun keeps them', async () => {
  for (const id of [ID, 'stb-0043', 'ops']) {
    const c = certs(id);
    await run('openssl', ['verify', '-CAfile', join(out, 'ca', 'fleet-ca.crt'), c.cert]);
    assert.match((await run('openssl', ['x509', '-in', c.cert, '-noout', '-subject'])).stdout, new RegExp(`CN ?= ?${id}\\n`));
    assert.equal((await stat(c.key)).mode & 0o777, 0o600);
  }
  assert.equal((await stat(join(out, 'ca', 'fleet-ca.key'))).mode & 0o777, 0o600);
  const text = (await run('openssl', ['x509', '-in', join(out, 'central', 'central.crt'), '-noout', '-ext', 'subjectAltName'])).stdout;
  assert.match(text, /DNS:localhost, IP Address:127\.0\.0\.1/);
  const before = await readFile(certs(ID).cert);
  const again = await run('sh', [join(FLEET, 'make-certs.sh'), out, 'localhost', ID]);
  assert.match(again.stdout, new RegExp(`kept .*/devices/${ID}/${ID}\\.crt`));
  assert.deepEqual(await readFile(certs(ID).cert), before);
});

test('bridge: retained state out under fleet/…, commands in and their responses out, the link state on both sides; player/* never leaves', async () => {
  const ops = await consoleClient(central.port, 'ops', ['fleet/#', 'bcastd/v1/+/bridge']);
  const { logger } = captureLogger();
  const pub = new MqttPublisher({
    config: { url: `mqtt://127.0.0.1:${device.port}`, clientId: `bcastd-${ID}`, topicPrefix: 'bcastd/v1', protocolVersion: 5 },
    deviceId: ID,
    logger,
    backoff: { minMs: 50, maxMs: 200 },
  });
  closers.push(() => pub.close());
  const router = new CommandRouter({ publisher: pub, logger });
  router.register('ping', async (_name, args) => ({ pong: true, echo: args['echo'] }));
  router.start();
  pub.setStatus('ready');
  await pub.start();
  await pub.waitConnected(5000);

  const link = await waitFor('bridge link state 1', () => ops.got.find((m) => m.topic === `bcastd/v1/${ID}/bridge`));
  assert.deepEqual([link.payload.toString(), link.retain], ['1', true]);
  const status = await waitFor('status at central', () => ops.got.find((m) => m.topic === `fleet/bcastd/v1/${ID}/status`));
  assert.equal(json(status.payload)['state'], 'ready');
  // Retained at the central broker: a console that subscribes later gets it, flagged retained.
  const late = await consoleClient(central.port, 'ops', [`fleet/bcastd/v1/${ID}/status`]);
  const kept = await waitFor('retained status for a late console', () => late.got[0]);
  assert.deepEqual([kept.retain, json(kept.payload)['state']], [true, 'ready']);

  // A command sent centrally (no response topic: the answer comes on cmd/<name>/response with the transaction).
  await ops.client.publishAsync(`fleet/bcastd/v1/${ID}/cmd/ping`, JSON.stringify({ transaction: 'op-1', echo: 'hi' }), { qos: 1 });
  const resp = await waitFor('command response at central', () => ops.got.find((m) => m.topic === `fleet/bcastd/v1/${ID}/cmd/ping/response`));
  assert.deepEqual({ ...json(resp.payload), ts: undefined }, { command: 'ping', ok: true, result: { pong: true, echo: 'hi' }, transaction: 'op-1', ts: undefined });
  assert.equal(router.counters.succeeded, 1);

  const local = await mqtt.connectAsync(`mqtt://127.0.0.1:${device.port}`, { protocolVersion: 5, reconnectPeriod: 0 });
  closers.push(() => local.endAsync(true));
  const localGot: Received[] = [];
  local.on('message', (topic, payload, packet) => localGot.push({ topic, payload, retain: packet.retain, packet }));
  await local.subscribeAsync('fleet/#', { qos: 1 });

  // Why the README says "no response topic": the v5 bridge forwards properties unchanged, so the response topic
  // names the central broker's tree, which is outside the device: the board refuses it (it never answers off its
  // own subtree), does not run the command, and says so on cmd/<name>/response, which the bridge carries up.
  await ops.client.publishAsync(`fleet/bcastd/v1/${ID}/cmd/ping`, JSON.stringify({ transaction: 'op-2' }), { qos: 1, properties: { responseTopic: `fleet/bcastd/v1/${ID}/cmd/ping/response`, correlationData: Buffer.from('c-2'), messageExpiryInterval: 60 } });
  const refused = await waitFor('refusal at central', () => ops.got.find((m) => m.topic === `fleet/bcastd/v1/${ID}/cmd/ping/response` && json(m.payload)['transaction'] === 'op-2'));
  assert.equal((json(refused.payload)['error'] as { code: string }).code, 'response_topic_refused');
  assert.equal(router.counters.refused, 1);
  assert.equal(router.counters.succeeded, 1, 'the refused request was not run');
  assert.deepEqual(localGot.filter((m) => m.topic.startsWith('fleet/')), [], 'nothing was published on the central name locally');

  // The TEK exchange stays local: a player/tek published before an event never shows up centrally.
  await local.publishAsync(`bcastd/v1/${ID}/player/tek`, JSON.stringify({ tek: 'ab'.repeat(16) }), { qos: 1 });
  await local.publishAsync(`bcastd/v1/${ID}/player/stkm`, '{}', { qos: 1 });
  pub.publishEvent({ kind: 'after-player' });
  await waitFor('event at central', () => ops.got.find((m) => m.topic === `fleet/bcastd/v1/${ID}/events` && json(m.payload)['kind'] === 'after-player'));
  assert.deepEqual(ops.got.filter((m) => m.topic.includes('/player/')).map((m) => m.topic), []);
  assert.equal(ops.got.filter((m) => m.topic.endsWith('/cmd/ping/response')).length, 2, 'the answer and the refusal reached the centre, both transaction-style');
  assert.doesNotMatch(await central.log(), /player/);
});

test('fleet.acl: another device can neither write nor read under stb-0042 (PUBACK 0x87, nothing delivered)', async () => {
  const other = await consoleClient(central.port, 'stb-0043', [`fleet/bcastd/v1/${ID}/#`]);
  await assert.rejects(other.client.publishAsync(`fleet/bcastd/v1/${ID}/status`, '{"state":"forged"}', { qos: 1, retain: true }), (e: Error & { code?: number }) => e.code === 0x87);
  await assert.rejects(other.client.publishAsync(`fleet/bcastd/v1/${ID}/cmd/ping`, '{}', { qos: 1 }), (e: Error & { code?: number }) => e.code === 0x87);
  // Its own subtree is fine; the retained status of stb-0042 (present, see above) is not delivered to it.
  await other.client.publishAsync('fleet/bcastd/v1/stb-0043/status', '{"state":"ready"}', { qos: 1, retain: true });
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(other.got, []);
  assert.match(await central.log(), new RegExp(`Denied PUBLISH from \\S+ \\(d0, q1, r1, m\\d+, 'fleet/bcastd/v1/${ID}/status'`));
});

test('README: the direct-to-central bcastd config (mqtt.tls) validates and connects to the central broker with the device certificate', async () => {
  const readme = await readFile(join(FLEET, 'README.md'), 'utf8');
  const block = /<!-- direct-config -->\s*```yaml\n([\s\S]+?)```/.exec(readme)?.[1];
  assert.ok(block, 'README.md has the direct-config yaml block');
  const c = certs('stb-0043');
  let snippet = sub(block, 'mqtts://central.example.net:8883', `mqtts://localhost:${central.port}`);
  snippet = sub(snippet, '/etc/bcastd/tls/fleet-ca.crt', c.ca);
  snippet = sub(snippet, `/etc/bcastd/tls/${ID}.crt`, c.cert);
  snippet = sub(snippet, `/etc/bcastd/tls/${ID}.key`, c.key);
  snippet = sub(snippet, ID, 'stb-0043');
  const board = await readFile(join(repoRoot, 'board-configs', 'generic-usb-modem.yaml'), 'utf8');
  const withoutMqtt = board.replace(/^mqtt:\n(?: {2}.*\n|\s*\n)*/m, '');
  assert.notEqual(withoutMqtt, board);
  const config = parseBoardConfig(`${withoutMqtt}\n${snippet}`, 'README direct-config');
  assert.equal(config.deviceId, 'stb-0043');
  assert.equal(config.mqtt.tls?.cert, c.cert);

  const ops = await consoleClient(central.port, 'ops', ['fleet/bcastd/v1/stb-0043/status']);
  const { logger, lines } = captureLogger();
  const pub = new MqttPublisher({ config: config.mqtt, deviceId: config.deviceId, logger });
  closers.push(() => pub.close());
  pub.setStatus('direct');
  await pub.start();
  await pub.waitConnected(5000);
  await waitFor('direct status at central', () => ops.got.find((m) => json(m.payload)['state'] === 'direct'));
  assert.deepEqual(lines().filter((l) => l['level'] === 40), []);
});

test('the link drops: the central broker publishes the bridge will "0" (retained)', async () => {
  const ops = await consoleClient(central.port, 'ops', ['bcastd/v1/+/bridge']);
  await waitFor('link state 1', () => ops.got.find((m) => m.payload.toString() === '1'));
  await device.stop();
  const down = await waitFor('link state 0', () => ops.got.find((m) => m.payload.toString() === '0'), 10_000);
  assert.equal(down.topic, `bcastd/v1/${ID}/bridge`);
});
