// MqttPublisher against a real mosquitto (started by the helper, stopped by PID).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MqttPublisher } from '../../../src/mqtt/publisher.js';
import { MqttError } from '../../../src/mqtt/errors.js';
import { mosquittoPerFile, captureLogger, failOnUnhandledRejection, json, mqttConfig, observer, tcpProxy, waitFor } from './helpers.js';

failOnUnhandledRejection();

const suite = mosquittoPerFile();
const opened = suite.opened;

const backoff = { minMs: 50, maxMs: 200 };
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

test('status is retained with ts; an ungraceful disconnect makes the broker publish LWT lost; reconnect restores it', async () => {
  const proxy = await tcpProxy(suite.broker.port);
  const { logger, lines } = captureLogger();
  const pub = new MqttPublisher({ config: mqttConfig(proxy.url), deviceId: 'lwt-dev', logger, backoff });
  opened.push(pub);
  const obs = await observer(suite.broker.url, 'bcastd/v1/lwt-dev/status');
  try {
    pub.setStatus('init');
    await pub.start();
    await pub.waitConnected(5000);
    pub.setStatus('ready');
    await waitFor('ready', () => obs.got.find((m) => json(m.payload)['state'] === 'ready'));

    proxy.cut(); // the network dies: no DISCONNECT reaches the broker
    await waitFor('LWT lost', () => obs.got.find((m) => m.payload.toString() === '{"state":"lost"}'));
    const lostAt = obs.got.findIndex((m) => json(m.payload)['state'] === 'lost');
    const back = await waitFor('status republished', () => obs.got.slice(lostAt + 1).find((m) => json(m.payload)['state'] === 'ready'));
    assert.match(String(json(back.payload)['ts']), ISO);
    assert.equal(pub.counters.reconnects, 1);

    // A late subscriber gets the retained status, flagged retained.
    const late = await observer(suite.broker.url, 'bcastd/v1/lwt-dev/status');
    const r = await waitFor('retained status', () => late.got[0]);
    await late.close();
    assert.equal(r.retain, true);
    assert.equal(json(r.payload)['state'], 'ready');

    const changes = lines().filter((l) => /^mqtt (connected|connection lost)/.test(String(l['msg'])));
    assert.deepEqual(changes.map((l) => l['msg']), ['mqtt connected', 'mqtt connection lost; reconnecting', 'mqtt connected']);
  } finally {
    await pub.close();
    await obs.close();
    await proxy.close();
  }
});

test('close({finalStatus}) leaves status offline, and no LWT follows', async () => {
  const pub = new MqttPublisher({ config: mqttConfig(suite.broker.url), deviceId: 'close-dev', logger: captureLogger().logger, backoff });
  opened.push(pub);
  const obs = await observer(suite.broker.url, 'bcastd/v1/close-dev/status');
  pub.setStatus('ready');
  await pub.start();
  await pub.waitConnected(5000);
  await pub.close({ finalStatus: 'offline', reason: 'SIGTERM' });
  await waitFor('offline', () => obs.got.find((m) => json(m.payload)['state'] === 'offline'));
  await new Promise((r) => setTimeout(r, 300));
  await obs.close();
  assert.deepEqual(obs.got.map((m) => json(m.payload)['state']), ['ready', 'offline']);
  assert.equal(json(obs.got[1]!.payload)['reason'], 'SIGTERM');
  assert.throws(() => pub.publishEvent({ kind: 'x' }), (e: unknown) => e instanceof MqttError && e.code === 'closed');
});

test('events are not retained; state topics are; publishing state on events is refused', async () => {
  const pub = new MqttPublisher({ config: mqttConfig(suite.broker.url), deviceId: 'ev-dev', logger: captureLogger().logger, backoff });
  opened.push(pub);
  await pub.start();
  await pub.waitConnected(5000);
  const live = await observer(suite.broker.url, 'bcastd/v1/ev-dev/#');
  try {
    pub.publishEvent({ kind: 'trigger', trigger: 'power-up' });
    pub.publishState(pub.topics.keys('0F1234', 0), { mskIds: ['00000102'], status: 'valid' });
    await waitFor('event + keys live', () => live.got.length >= 2 || undefined);
    const ev = live.got.find((m) => m.topic === 'bcastd/v1/ev-dev/events')!;
    assert.equal(json(ev.payload)['kind'], 'trigger');
    assert.match(String(json(ev.payload)['ts']), ISO);

    const late = await observer(suite.broker.url, 'bcastd/v1/ev-dev/#');
    await waitFor('retained keys', () => late.got.find((m) => m.topic.endsWith('/keys/0F1234/0')));
    await new Promise((r) => setTimeout(r, 200));
    await late.close();
    assert.deepEqual(late.got.map((m) => m.topic), ['bcastd/v1/ev-dev/keys/0F1234/0'], 'the event was not retained');
    assert.throws(() => pub.publishState(pub.topics.topic('events'), {}), (e: unknown) => e instanceof MqttError && e.code === 'not_retained');
    assert.throws(() => pub.publishEvent([] as unknown as Record<string, unknown>), (e: unknown) => e instanceof MqttError && e.code === 'payload_invalid');
  } finally {
    await live.close();
    await pub.close();
  }
});

test('after a broker restart (no persistence) every retained topic is republished; events queue, bounded', async () => {
  const pub = new MqttPublisher({ config: mqttConfig(suite.broker.url), deviceId: 'rs-dev', logger: captureLogger().logger, backoff, queueLimit: 3 });
  opened.push(pub);
  await pub.start();
  await pub.waitConnected(5000);
  pub.setStatus('ready');
  pub.publishState('info', { version: '0.1.0' });
  pub.publishState(pub.topics.traffic('0F1234', '00000102'), { decryptable: true });
  pub.clearState(pub.topics.keys('0F1234', 9));
  await waitFor('3 acked', () => pub.counters.published >= 4 || undefined);

  await suite.broker.stop();
  await waitFor('disconnected', () => !pub.connected || undefined);
  for (let i = 0; i < 5; i++) pub.publishEvent({ kind: 'queued', i });
  pub.publishState('registration', { state: 'registered' }); // while down: kept, sent on reconnect
  assert.equal(pub.queued, 3);
  assert.equal(pub.counters.dropped, 2);
  const before = pub.counters.published;

  await suite.broker.restart();
  await pub.waitConnected(10_000);
  // 4 retained (status, info, traffic, registration; the cleared keys topic is not revived) + 3 queued events.
  await waitFor('republished', () => pub.counters.published - before >= 7 || undefined);
  const late = await observer(suite.broker.url, 'bcastd/v1/rs-dev/#');
  await waitFor('4 retained', () => late.got.length >= 4 || undefined);
  await new Promise((r) => setTimeout(r, 200));
  await late.close();
  await pub.close();
  assert.deepEqual(late.got.map((m) => m.topic.replace('bcastd/v1/rs-dev/', '')).sort(), ['info', 'registration', 'status', 'traffic/0F1234/00000102']);
  assert.ok(late.got.every((m) => m.retain));
  assert.equal(pub.counters.reconnects, 1);
});

test('secrets planted in a payload never reach the wire', async () => {
  const { logger, lines } = captureLogger();
  const pub = new MqttPublisher({ config: mqttConfig(suite.broker.url), deviceId: 'sec-dev', logger, backoff });
  opened.push(pub);
  await pub.start();
  await pub.waitConnected(5000);
  const obs = await observer(suite.broker.url, 'bcastd/v1/sec-dev/#');
  const planted = {
    k: '465b5ce8b199b49faa5f0a2ee238a6bc',
    opc: 'cd63cb71954a9f4e48a5994e37a02baf',
    ck: 'b40ba9a3c58b2a05bbf0d987b21bf8cb',
    ik: 'f769bcd751044604127672711c6d3441',
    res: 'a54211d5e3ba50bf',
    ksExtNaf: '9d1c5a2fe2fe41d3b5f6d2a4c0e6b7a8aa55aa55aa55aa55aa55aa55aa55aa55',
    mrk: Buffer.from('0011223344556677', 'hex'),
    msk: '00112233445566778899aabbccddeeff',
    muk: new Uint8Array(16).fill(0x5a),
    pin: '1234',
  };
  const imsi = '262011234567890';
  const btid = 'nmZ5Jc4rYQ2F5vHpz0Z2Aw==@bsf.mnc001.mcc262.pub.3gppnetwork.org';
  try {
    pub.publishState('card', { imsi, iccid: '89490200001234567890', gba: { btid, ...planted }, keys: [{ mskId: '00000102', ...planted }] });
    pub.publishEvent({ kind: 'gba', detail: `bootstrapped ${btid} for ${imsi}`, ...planted });
    await waitFor('both messages', () => obs.got.length >= 2 || undefined);
    const wire = Buffer.concat(obs.got.map((m) => m.payload)).toString('utf8');
    for (const v of Object.values(planted)) {
      const hex = typeof v === 'string' ? v : Buffer.from(v).toString('hex');
      assert.ok(!wire.includes(hex), `secret ${hex} on the wire`);
    }
    assert.ok(!wire.includes('1234"'), 'PIN on the wire');
    assert.ok(!wire.includes(imsi) && !wire.includes('89490200001234567890') && !wire.includes('nmZ5Jc4rYQ2F5vHpz0Z2Aw'));
    assert.ok(wire.includes('"mskId":"00000102"') && wire.includes('26201********90') && wire.includes('nmZ5…@bsf.mnc001'));
    assert.equal(pub.counters.sanitized, 2);
    const warns = lines().filter((l) => l['msg'] === 'secret fields removed before publishing');
    assert.equal(warns.length, 2);
    assert.ok(!JSON.stringify(warns).includes(planted.ck), 'the log names paths, never values');
    assert.throws(() => pub.publishPlayer('bcastd/v1/sec-dev/player/tek', {}, { tek: Buffer.alloc(16, 0xab) }), (e: unknown) => e instanceof MqttError && e.code === 'not_enabled');
  } finally {
    await obs.close();
    await pub.close();
  }
});

test('the opt-in player exchange is the one place a TEK passes', async () => {
  const pub = new MqttPublisher({ config: mqttConfig(suite.broker.url), deviceId: 'px-dev', logger: captureLogger().logger, backoff, playerExchange: true });
  opened.push(pub);
  await pub.start();
  await pub.waitConnected(5000);
  const obs = await observer(suite.broker.url, 'bcastd/v1/px-dev/#');
  try {
    const salt = Buffer.from('0011223344556677889900aabbcc', 'hex');
    assert.equal(pub.publishPlayer('bcastd/v1/px-dev/player/tek', { mskId: '00000102', mtkId: 7, msk: 'cd'.repeat(16), tek: 'smuggled' }, { tek: Buffer.alloc(16, 0xab), salt }), true);
    assert.equal(pub.publishPlayer('bcastd/v1/px-dev/player/tek/p1', { mtkId: 8 }, { tek: Buffer.alloc(16, 0x01), salt: null }, { correlationData: Buffer.from('c') }), true);
    // Nowhere but below player/tek: not on the state topics, nor on the player's request topic.
    for (const bad of ['bcastd/v1/px-dev/status', 'bcastd/v1/px-dev/player/stkm', 'bcastd/v1/px-dev/player/tekx']) {
      assert.throws(() => pub.publishPlayer(bad, {}, { tek: Buffer.alloc(16) }), (e: unknown) => e instanceof MqttError && e.code === 'topic_invalid', bad);
    }
    pub.publishEvent({ tek: 'ef'.repeat(16) });
    await waitFor('three', () => obs.got.length >= 3 || undefined);
    const tek = obs.got.find((m) => m.topic.endsWith('/player/tek'))!;
    assert.deepEqual({ ...json(tek.payload), ts: 'x' }, { mskId: '00000102', mtkId: 7, ts: 'x', tek: 'ab'.repeat(16), salt: salt.toString('hex') }, 'the key fields come from the Buffers; msk and a smuggled tek string are stripped');
    const own = obs.got.find((m) => m.topic.endsWith('/player/tek/p1'))!;
    assert.equal(json(own.payload)['tek'], '01'.repeat(16));
    assert.equal(json(own.payload)['salt'], null);
    assert.deepEqual(own.packet.properties?.correlationData, Buffer.from('c'));
    const ev = obs.got.find((m) => m.topic.endsWith('/events'))!;
    assert.equal(json(ev.payload)['tek'], undefined);
  } finally {
    await obs.close();
    await pub.close();
  }
});

test('an unreachable broker is retried with backoff, never thrown; unreadable password file is a typed error', async () => {
  const { logger, lines } = captureLogger();
  const pub = new MqttPublisher({ config: mqttConfig('mqtt://127.0.0.1:1'), deviceId: 'un-dev', logger, backoff });
  opened.push(pub);
  await pub.start();
  await assert.rejects(pub.waitConnected(400), (e: unknown) => e instanceof MqttError && /ECONNREFUSED/.test(e.message));
  pub.publishEvent({ kind: 'while-down' });
  assert.equal(pub.queued, 1);
  await pub.close();
  assert.equal(lines().filter((l) => l['msg'] === 'mqtt broker unreachable; retrying').length, 1, 'one line, not one per attempt');

  const bad = new MqttPublisher({ config: mqttConfig(suite.broker.url, { passwordFile: '/nonexistent/bcastd-pw' }), deviceId: 'pw-dev', logger });

  opened.push(bad);
  await assert.rejects(bad.start(), (e: unknown) => e instanceof MqttError && e.code === 'config_invalid');
  const badCa = new MqttPublisher({ config: mqttConfig(suite.broker.url, { tls: { ca: '/nonexistent/ca.pem', rejectUnauthorized: true } }), deviceId: 'ca-dev', logger });
  await assert.rejects(badCa.start(), (e: unknown) => e instanceof MqttError && e.code === 'config_invalid' && /TLS CA/.test(e.message));
  assert.throws(() => new MqttPublisher({ config: mqttConfig(suite.broker.url, { url: undefined }), deviceId: 'x', logger }), MqttError);

  // A password file (as a systemd credential would be, trailing newline and all) with a user name.
  const dir = await mkdtemp(join(tmpdir(), 'bcastd-pw-'));
  try {
    await writeFile(join(dir, 'pw'), 's3cret\n');
    const ok = new MqttPublisher({ config: mqttConfig(suite.broker.url, { username: 'stb', passwordFile: join(dir, 'pw') }), deviceId: 'pw-ok', logger });
    opened.push(ok);
    await ok.start();
    await ok.waitConnected(5000);
    await ok.close();
    assert.match(await suite.broker.log(), /as bcastd-test-\S+ \(p5, c1, k30, u'stb'\)/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('what is published in one event-loop turn leaves in one socket write, in order', async () => {
  const { Socket } = await import('node:net');
  // The publisher alone goes through the proxy: its sockets are the only ones whose remote port is the proxy's.
  const proxy = await tcpProxy(suite.broker.port);
  const proxyPort = Number(new URL(proxy.url).port);
  const pub = new MqttPublisher({ config: mqttConfig(proxy.url), deviceId: 'turn-dev', logger: captureLogger().logger, backoff });
  opened.push(pub);
  await pub.start();
  await pub.waitConnected(5000);
  const live = await observer(suite.broker.url, 'bcastd/v1/turn-dev/#');
  // Count the publisher's writes to the kernel (a corked stream flushes through one _writev).
  const proto = Socket.prototype as unknown as Record<'_write' | '_writev', (this: InstanceType<typeof Socket>, ...a: unknown[]) => unknown>;
  const orig = { _write: proto._write, _writev: proto._writev };
  let writes = 0;
  for (const k of ['_write', '_writev'] as const) {
    proto[k] = function (this: InstanceType<typeof Socket>, ...a: unknown[]) {
      if (this.remotePort === proxyPort) writes++;
      return orig[k].apply(this, a);
    };
  }
  try {
    pub.publishEvent({ type: 'a' });
    await Promise.resolve(); // a microtask later: still the same turn
    pub.publishEvent({ type: 'b' });
    pub.publishState(pub.topics.keys('0f1234', 1), { count: 1 });
    process.nextTick(() => pub.publishEvent({ type: 'c' }));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    const inOneTurn = writes;
    pub.publishEvent({ type: 'd' }); // the next turn: a write of its own
    await waitFor('all five', () => live.got.length >= 5 || undefined);
    assert.equal(inOneTurn, 1, 'four publications in one turn: one write');
    assert.equal(writes, 2, 'the next turn: one more');
    assert.deepEqual(live.got.map((m) => json(m.payload)['type'] ?? 'keys'), ['a', 'b', 'keys', 'c', 'd']);
  } finally {
    Object.assign(proto, orig);
    await live.close();
    await pub.close();
    await proxy.close();
  }
});

test('events (QoS 0, written by the publisher itself) arrive whole on MQTT 5 and 3.1.1, at every length size, in order with states', async () => {
  for (const protocolVersion of [5, 4] as const) {
    const dev = `qos0-v${protocolVersion}`;
    const pub = new MqttPublisher({ config: mqttConfig(suite.broker.url, { protocolVersion }), deviceId: dev, logger: captureLogger().logger, backoff });
    opened.push(pub);
    await pub.start();
    await pub.waitConnected(5000);
    const live = await observer(suite.broker.url, `bcastd/v1/${dev}/#`);
    try {
      // Payloads whose remaining length takes 1, 2 and 3 bytes (< 128, < 16 KiB, < 2 MiB).
      const sizes = [1, 300, 40_000];
      for (const n of sizes) pub.publishEvent({ type: 'sized', n, fill: 'x'.repeat(n) });
      pub.publishState(pub.topics.keys('0f1234', 1), { count: 1 });
      pub.publishEvent({ type: 'after-state', text: 'ünïcødé ✓' });
      await waitFor('all five', () => live.got.length >= 5 || undefined);
      const got = live.got.map((m) => ({ topic: m.topic, retain: m.retain, qos: m.packet.qos, p: json(m.payload) }));
      assert.deepEqual(got.map((g) => g.p['type'] ?? 'keys'), ['sized', 'sized', 'sized', 'keys', 'after-state']);
      assert.deepEqual(got.slice(0, 3).map((g) => (g.p['fill'] as string).length), sizes);
      assert.equal(got[4]!.p['text'], 'ünïcødé ✓');
      for (const g of [got[0]!, got[4]!]) {
        assert.equal(g.topic, `bcastd/v1/${dev}/events`);
        assert.equal(g.retain, false);
        assert.match(String(g.p['ts']), ISO);
      }
      assert.equal(pub.counters.published, 5);
      assert.equal(pub.counters.dropped, 0);
    } finally {
      await live.close();
      await pub.close();
    }
  }
});
