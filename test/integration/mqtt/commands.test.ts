// CommandRouter against a real mosquitto: MQTT 5 response topic + correlation data, 3.1.1 `transaction`.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { MqttPublisher } from '../../../src/mqtt/publisher.js';
import { CommandRouter } from '../../../src/mqtt/commands.js';
import { CommandError } from '../../../src/mqtt/errors.js';
import { mosquittoPerFile, captureLogger, failOnUnhandledRejection, json, mqttConfig, observer, waitFor } from './helpers.js';

failOnUnhandledRejection();

const suite = mosquittoPerFile();
const opened = suite.opened;

async function daemon(deviceId: string, protocolVersion: 4 | 5, timeoutMs = 2000) {
  const log = captureLogger();
  const pub = new MqttPublisher({ config: mqttConfig(suite.broker.url, { protocolVersion }), deviceId, logger: log.logger, backoff: { minMs: 50, maxMs: 200 } });
  opened.push(pub);
  const router = new CommandRouter({ publisher: pub, logger: log.logger, timeoutMs });
  const calls: Array<[string, Record<string, unknown>]> = [];
  router.register('register', async (name, args) => {
    calls.push([name, args]);
    return { state: 'registered', services: args['services'] ?? ['urn:allServices'], ck: 'b40ba9a3c58b2a05bbf0d987b21bf8cb' };
  });
  router.register('deregister', async () => {
    throw new CommandError('not_registered', 'nothing to de-register');
  });
  router.register('pull', (_name, args) => {
    calls.push(['pull', args]);
    return new Promise((_, reject) => setTimeout(() => reject(new Error('late failure')), 300));
  });
  router.register('bootstrap', async () => undefined);
  router.start();
  await pub.start();
  await pub.waitConnected(5000);
  return { pub, router, calls, log };
}

test('MQTT 5: the answer goes to the response topic with the correlation data', async () => {
  const d = await daemon('c5-dev', 5);
  const req = await observer(suite.broker.url, 'bcastd/v1/c5-dev/cmd/register/response/#', 5);
  try {
    const correlationData = Buffer.from([0xde, 0xad, 0x00, 0x01]);
    await req.client.publishAsync('bcastd/v1/c5-dev/cmd/register', JSON.stringify({ services: ['urn:svc:1'] }), { qos: 1, properties: { responseTopic: 'bcastd/v1/c5-dev/cmd/register/response/1', correlationData } });
    const r = await waitFor('response', () => req.got[0]);
    assert.equal(r.topic, 'bcastd/v1/c5-dev/cmd/register/response/1');
    assert.deepEqual(r.packet.properties?.correlationData, correlationData);
    const body = json(r.payload);
    assert.equal(body['ok'], true);
    assert.equal(body['command'], 'register');
    assert.deepEqual(body['result'], { state: 'registered', services: ['urn:svc:1'] }, 'the CK in the result was stripped');
    assert.equal(typeof body['ts'], 'string');
    assert.deepEqual(d.calls, [['register', { services: ['urn:svc:1'] }]]);
    assert.equal(d.router.counters.succeeded, 1);
  } finally {
    await req.close();
    await d.pub.close();
  }
});

test('a response topic on the device state, the player topics, a command or outside the device is refused: not run, logged, counted', async () => {
  const d = await daemon('cx-dev', 5);
  const all = await observer(suite.broker.url, '#', 5);
  try {
    const bad = ['bcastd/v1/cx-dev/status', 'bcastd/v1/cx-dev/keys/00f110/257', 'bcastd/v1/cx-dev/player/tek', 'bcastd/v1/cx-dev/cmd/deregister', 'replies/elsewhere'];
    for (const responseTopic of bad) {
      await all.client.publishAsync('bcastd/v1/cx-dev/cmd/register', '{}', { qos: 1, properties: { responseTopic, correlationData: Buffer.from('x') } });
    }
    await waitFor('five refusals', () => d.router.counters.refused === bad.length || undefined);
    assert.deepEqual(d.calls, [], 'no refused request was run');
    await new Promise((r) => setTimeout(r, 200));
    const landed = all.got.filter((m) => bad.includes(m.topic));
    assert.deepEqual(landed.map((m) => m.topic), [], 'nothing was published where the requester pointed');
    const answers = all.got.filter((m) => m.topic === 'bcastd/v1/cx-dev/cmd/register/response').map((m) => json(m.payload)['error'] as { code: string });
    assert.equal(answers.length, bad.length);
    assert.ok(answers.every((e) => e.code === 'response_topic_refused'));
    // Logged once per reason (status and keys are both the device's state topics), counted each.
    const warned = d.log.lines().filter((l) => l['msg'] === 'MQTT command refused: response topic not allowed');
    assert.equal(warned.length, bad.length - 1);
    assert.match(String(warned[0]!['reason']), /state topics/);
    assert.match(String(warned[1]!['reason']), /player/);
    assert.match(String(warned[2]!['reason']), /a command topic/);
    assert.match(String(warned[3]!['reason']), /must lie under/);
  } finally {
    await all.close();
    await d.pub.close();
  }
});

test('MQTT 3.1.1 (daemon and client on protocolVersion 4): cmd/<name>/response with transaction echoed', async () => {
  const d = await daemon('c4-dev', 4);
  const req = await observer(suite.broker.url, 'bcastd/v1/c4-dev/cmd/+/response', 4);
  try {
    await req.client.publishAsync('bcastd/v1/c4-dev/cmd/register', JSON.stringify({ transaction: 'tx-42' }), { qos: 1 });
    await req.client.publishAsync('bcastd/v1/c4-dev/cmd/bootstrap', JSON.stringify({ transaction: 7 }), { qos: 1 });
    await req.client.publishAsync('bcastd/v1/c4-dev/cmd/deregister', JSON.stringify({ transaction: 'tx-43' }), { qos: 1 });
    await waitFor('three responses', () => req.got.length >= 3 || undefined);
    const byTx = new Map(req.got.map((m) => [json(m.payload)['transaction'], { topic: m.topic, body: json(m.payload) }]));
    assert.equal(byTx.get('tx-42')?.topic, 'bcastd/v1/c4-dev/cmd/register/response');
    assert.deepEqual(byTx.get('tx-42')?.body['result'], { state: 'registered', services: ['urn:allServices'] });
    assert.deepEqual(d.calls, [['register', {}]], 'transaction is not an argument');
    assert.equal(byTx.get(7)?.topic, 'bcastd/v1/c4-dev/cmd/bootstrap/response');
    assert.equal(byTx.get(7)?.body['ok'], true);
    assert.deepEqual(byTx.get('tx-43')?.body['error'], { code: 'not_registered', message: 'nothing to de-register' });
    assert.equal(d.router.counters.failed, 1);
  } finally {
    await req.close();
    await d.pub.close();
  }
});

test('malformed JSON, non-object and unknown commands get typed error responses and a counter each, one log line per command and kind per interval', async () => {
  const d = await daemon('cm-dev', 5);
  const req = await observer(suite.broker.url, 'bcastd/v1/cm-dev/cmd/+/response', 5);
  try {
    await req.client.publishAsync('bcastd/v1/cm-dev/cmd/register', '{"transaction": "t1", services: ', { qos: 1 });
    await req.client.publishAsync('bcastd/v1/cm-dev/cmd/register', '[1,2]', { qos: 1 });
    await req.client.publishAsync('bcastd/v1/cm-dev/cmd/selfdestruct', JSON.stringify({ transaction: 't3' }), { qos: 1 });
    await waitFor('three responses', () => req.got.length >= 3 || undefined);
    const bodies = req.got.map((m) => json(m.payload));
    const codes = bodies.map((b) => (b['error'] as { code: string }).code).sort();
    assert.deepEqual(codes, ['malformed_request', 'malformed_request', 'unknown_command']);
    const unknown = bodies.find((b) => b['command'] === 'selfdestruct')!;
    assert.equal(unknown['transaction'], 't3');
    assert.equal(req.got.find((m) => json(m.payload)['command'] === 'selfdestruct')?.topic, 'bcastd/v1/cm-dev/cmd/selfdestruct/response');
    assert.deepEqual({ malformed: d.router.counters.malformed, unknown: d.router.counters.unknown }, { malformed: 2, unknown: 1 });
    const msgs = d.log.lines().map((l) => l['msg']);
    // Two malformed `register` requests within the interval: counted twice, logged once (a flood costs no log lines).
    assert.equal(msgs.filter((m) => m === 'malformed MQTT command').length, 1);
    assert.equal(msgs.filter((m) => m === 'unknown MQTT command').length, 1);
    assert.ok(d.pub.connected, 'still up');
  } finally {
    await req.close();
    await d.pub.close();
  }
});

test('a slow handler is answered with a timeout; its late rejection is absorbed', async () => {
  const d = await daemon('ct-dev', 5, 100);
  const req = await observer(suite.broker.url, 'bcastd/v1/ct-dev/cmd/pull/response/#', 5);
  try {
    await req.client.publishAsync('bcastd/v1/ct-dev/cmd/pull', JSON.stringify({ keyGroup: 3 }), { qos: 1, properties: { responseTopic: 'bcastd/v1/ct-dev/cmd/pull/response/ct', correlationData: Buffer.from('c1') } });
    const r = await waitFor('timeout response', () => req.got[0]);
    assert.equal((json(r.payload)['error'] as { code: string }).code, 'timeout');
    await new Promise((res) => setTimeout(res, 400)); // the handler rejects after its timeout
    assert.equal(d.router.counters.failed, 1);
    assert.deepEqual(d.calls, [['pull', { keyGroup: 3 }]]);
  } finally {
    await req.close();
    await d.pub.close();
  }
});

test('commands keep working after a broker restart (subscription renewed)', async () => {
  const d = await daemon('cr-dev', 5);
  try {
    await suite.broker.restart();
    await waitFor('reconnected', () => d.pub.counters.reconnects === 1 || undefined, 10_000);
    const req = await observer(suite.broker.url, 'bcastd/v1/cr-dev/cmd/bootstrap/response/#', 5);
    // The renewed SUBSCRIBE and this request travel on different connections: ask until answered.
    const ask = () => void req.client.publishAsync('bcastd/v1/cr-dev/cmd/bootstrap', '', { qos: 1, properties: { responseTopic: 'bcastd/v1/cr-dev/cmd/bootstrap/response/cr', correlationData: Buffer.from('x') } }).catch(() => undefined);
    ask();
    const again = setInterval(ask, 250);
    const r = await waitFor('response', () => req.got[0]).finally(() => clearInterval(again));
    await req.close();
    assert.equal(json(r.payload)['ok'], true);
  } finally {
    await d.pub.close();
  }
});

test('per-command rate limit and reply cap: the excess is refused as rate_limited, an oversized answer as reply_too_large', async () => {
  const d = await daemon('rl-dev', 5);
  const req = await observer(suite.broker.url, 'bcastd/v1/rl-dev/cmd/+/response', 5);
  try {
    const router = new CommandRouter({ publisher: d.pub, logger: d.log.logger, maxReplyBytes: 2048 });
    router.register('cheap', async () => ({ ok: 1 }), { rate: { perMinute: 1, burst: 3 } });
    router.register('huge', async () => ({ blob: 'x'.repeat(10_000) }));
    router.start();
    for (let i = 0; i < 10; i++) await req.client.publishAsync('bcastd/v1/rl-dev/cmd/cheap', JSON.stringify({ transaction: i }), { qos: 1 });
    await req.client.publishAsync('bcastd/v1/rl-dev/cmd/huge', '{}', { qos: 1 });
    await waitFor('eleven responses', () => req.got.filter((m) => /cheap|huge/.test(m.topic)).length >= 11 || undefined);
    const cheap = req.got.filter((m) => m.topic.endsWith('/cheap/response')).map((m) => json(m.payload));
    assert.equal(cheap.filter((b) => b['ok'] === true).length, 3);
    assert.deepEqual([...new Set(cheap.filter((b) => b['ok'] === false).map((b) => (b['error'] as { code: string }).code))], ['rate_limited']);
    assert.equal(router.counters.rateLimited, 7);
    const huge = json(req.got.find((m) => m.topic.endsWith('/huge/response'))!.payload);
    assert.equal((huge['error'] as { code: string }).code, 'reply_too_large');
    assert.equal(huge['result'], undefined);
  } finally {
    await req.close();
    await d.pub.close();
  }
});
