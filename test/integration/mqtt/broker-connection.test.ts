// connectBroker against a real mosquitto with a TCP, a WebSocket and a unix-socket listener: mqtt:// and
// mqtt+unix:// are opened on Node's net (and a process that connects that way never loads mqtt.js's other
// transports), ws:// still goes through mqtt.js's connect(). TLS (mqtts://) is covered by test/integration/mqtt-tls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { Socket, connect } from 'node:net';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { brokerTarget, connectBroker } from '../../../src/mqtt/broker-connection.js';
import { freePort } from '../../helpers/mosquitto.js';
import { repoRoot } from '../../helpers/repo.js';
import { startConfBroker } from '../mqtt-tls/broker.js';

test('brokerTarget: the transport for each kind of broker URL', () => {
  const table: Array<[string, NodeJS.ProcessEnv, ReturnType<typeof brokerTarget>]> = [
    ['mqtt://127.0.0.1:1884', {}, { transport: 'tcp', host: '127.0.0.1', port: 1884 }],
    ['mqtt://broker.example', {}, { transport: 'tcp', host: 'broker.example', port: 1883 }],
    ['MQTT://[::1]:1885', {}, { transport: 'tcp', host: '::1', port: 1885 }],
    ['tcp://localhost', {}, { transport: 'tcp', host: 'localhost', port: 1883 }],
    ['mqtts://broker.example', {}, { transport: 'tls', host: 'broker.example', port: 8883 }],
    ['mqtts://10.0.0.1:9883', {}, { transport: 'tls', host: '10.0.0.1', port: 9883 }],
    ['mqtt+unix:///run/mosquitto/bcastd%20socket', {}, { transport: 'unix', path: '/run/mosquitto/bcastd socket' }],
    ['ws://127.0.0.1:9001/mqtt', {}, { transport: 'mqttjs' }],
    ['wss://broker.example/mqtt', {}, { transport: 'mqttjs' }],
    // mqtt.js's own SOCKS proxy setting: it knows how; so it connects.
    ['mqtt://127.0.0.1:1884', { MQTTJS_SOCKS_PROXY: 'socks5://127.0.0.1:1080' }, { transport: 'mqttjs' }],
    ['mqtt://127.0.0.1:1884', { MQTTJS_SOCKS_PROXY: '' }, { transport: 'tcp', host: '127.0.0.1', port: 1884 }],
    ['not a url', {}, { transport: 'mqttjs' }],
  ];
  for (const [url, env, want] of table) assert.deepEqual(brokerTarget(url, env), want, url);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function listening(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nothing listens on ${port}`);
}

/** Connects, subscribes to a topic of its own, publishes to it and waits for the message back. */
async function roundTrip(client: MqttClient, topic: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no CONNACK within 5 s')), 5000);
    client.once('connect', () => (clearTimeout(t), resolve()));
  });
  const got = new Promise<string>((resolve) => client.once('message', (_t, payload) => resolve(payload.toString())));
  await client.subscribeAsync(topic, { qos: 1 });
  await client.publishAsync(topic, `over ${topic}`, { qos: 1 });
  return got;
}

test('mqtt://, mqtt+unix:// and ws:// reach the same broker; the first two on Node sockets', { timeout: 60_000 }, async (t) => {
  const wsPort = await freePort();
  const broker = await startConfBroker({
    conf: ({ port, dir }) => {
      // mosquitto started as root drops to its own user, which must be able to create the socket.
      mkdirSync(join(dir, 'sock'));
      chmodSync(join(dir, 'sock'), 0o777);
      return [
        'per_listener_settings false',
        'allow_anonymous true',
        `listener ${port} 127.0.0.1`,
        `listener ${wsPort} 127.0.0.1`,
        'protocol websockets',
        `listener 0 ${join(dir, 'sock', 'mqtt.sock')}`,
      ].join('\n');
    },
  });
  t.after(() => broker.close());
  await listening(wsPort);
  const urls = { tcp: `mqtt://127.0.0.1:${broker.port}`, unix: `mqtt+unix://${join(broker.dir, 'sock', 'mqtt.sock')}`, ws: `ws://127.0.0.1:${wsPort}/mqtt` };
  for (const [kind, url] of Object.entries(urls)) {
    const client = await connectBroker(url, { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 5000, clientId: `bc-test-${kind}` });
    try {
      assert.equal(await roundTrip(client, `bcastd-test/${kind}`), `over bcastd-test/${kind}`, kind);
      assert.equal(client.stream instanceof Socket, kind !== 'ws', `${kind}: ${client.stream?.constructor.name}`);
      if (kind === 'unix') assert.equal((client.stream as Socket).remoteAddress, undefined, 'a unix socket has no remote address');
    } finally {
      await client.endAsync();
    }
  }
  // reconnect() builds the stream again: the broker sees the client twice.
  const client = await connectBroker(urls.tcp, { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 5000, clientId: 'bc-test-again' });
  try {
    await roundTrip(client, 'bcastd-test/first');
    client.stream.destroy();
    await new Promise<void>((r) => client.once('close', () => r()));
    client.reconnect();
    assert.equal(await roundTrip(client, 'bcastd-test/second'), 'over bcastd-test/second');
    assert.equal((await broker.log()).match(/New client connected .* as bc-test-again/g)?.length, 2, await broker.log());
  } finally {
    await client.endAsync();
  }

  // What the module is for: a process that connects over mqtt:// loads none of mqtt.js's other transports.
  const probe = `
    const { connectBroker } = await import(${JSON.stringify(join(repoRoot, 'dist/src/mqtt/broker-connection.js'))});
    const c = await connectBroker(${JSON.stringify(urls.tcp)}, { reconnectPeriod: 0 });
    await new Promise((r) => c.once('connect', r));
    await c.endAsync();
    const loaded = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13));
    console.log(JSON.stringify(['zlib', 'https', 'tls', 'http'].filter((m) => loaded.includes(m))));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: repoRoot, encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim()), [], 'mqtt.js connect() would load ws (http, https, zlib) and tls');
});
