// HealthReporter against a real mosquitto: periodic retained `health` with the documented fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MqttPublisher } from '../../../src/mqtt/publisher.js';
import { HealthReporter } from '../../../src/mqtt/health.js';
import { mosquittoPerFile, captureLogger, failOnUnhandledRejection, json, mqttConfig, observer, waitFor } from './helpers.js';

failOnUnhandledRejection();

const suite = mosquittoPerFile();
const opened = suite.opened;

test('an idle period (no publication but health itself) reports zero lag: the loop was not watched', async () => {
  const { logger } = captureLogger();
  const pub = new MqttPublisher({ config: mqttConfig(suite.broker.url), deviceId: 'h-idle', logger });
  opened.push(pub);
  await pub.start();
  await pub.waitConnected(5000);
  const obs = await observer(suite.broker.url, 'bcastd/v1/h-idle/health');
  const health = new HealthReporter({ publisher: pub, logger, intervalMs: 100 });
  try {
    health.start();
    await waitFor('three health messages', () => obs.got.length >= 3 || undefined);
    for (const m of obs.got) assert.deepEqual(json(m.payload)['eventLoopLagMs'], { mean: 0, p99: 0, max: 0 });
  } finally {
    health.stop();
    await obs.close();
    await pub.close();
  }
});

test('health is published at start and every interval, with uptime, memory, event-loop lag and counters', async () => {
  const { logger } = captureLogger();
  const pub = new MqttPublisher({ config: mqttConfig(suite.broker.url), deviceId: 'h-dev', logger });
  opened.push(pub);
  await pub.start();
  await pub.waitConnected(5000);
  const obs = await observer(suite.broker.url, 'bcastd/v1/h-dev/health');
  let registrations = 0;
  const health = new HealthReporter({ publisher: pub, logger, intervalMs: 150, counters: () => ({ registrations: ++registrations }) });
  try {
    health.start();
    await waitFor('first health', () => obs.got[0]);
    // Real work (a publication) makes the reporter watch the loop; block it for ~60 ms so a later period reports lag.
    pub.publishState('modem', { state: 'ready' });
    await new Promise((r) => setTimeout(r, 30)); // the histogram's first sample after switching on is not kept
    const until = Date.now() + 60;
    while (Date.now() < until);
    await waitFor('three health messages', () => obs.got.length >= 3 || undefined);
    const bodies = obs.got.map((m) => json(m.payload));
    for (const b of bodies) {
      assert.equal(typeof b['uptimeS'], 'number');
      assert.ok((b['rssBytes'] as number) > 1_000_000);
      assert.ok((b['heapUsedBytes'] as number) > 0 && (b['heapTotalBytes'] as number) >= (b['heapUsedBytes'] as number));
      const lag = b['eventLoopLagMs'] as Record<string, number>;
      assert.deepEqual(Object.keys(lag).sort(), ['max', 'mean', 'p99']);
      assert.equal(typeof b['ts'], 'string');
    }
    assert.ok(bodies.some((b) => (b['eventLoopLagMs'] as { max: number }).max >= 40), JSON.stringify(bodies.map((b) => b['eventLoopLagMs'])));
    const counters = bodies.map((b) => b['counters'] as { registrations: number; mqtt: { published: number } });
    assert.deepEqual(counters.slice(0, 3).map((c) => c.registrations), [1, 2, 3]);
    assert.ok(counters[2]!.mqtt.published >= 1);
  } finally {
    health.stop();
    await obs.close();
    await pub.close();
  }
  const n = obs.got.length;
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(obs.got.length, n, 'stopped');
});

test('a throwing counters callback does not stop health', async () => {
  const { logger, lines } = captureLogger();
  const pub = new MqttPublisher({ config: mqttConfig(suite.broker.url), deviceId: 'h2-dev', logger });
  opened.push(pub);
  const health = new HealthReporter({
    publisher: pub,
    logger,
    intervalMs: 1000,
    counters: () => {
      throw new Error('boom');
    },
  });
  const snap = health.snapshot();
  assert.deepEqual(Object.keys(snap.counters), ['mqtt']);
  assert.ok(lines().some((l) => l['msg'] === 'health counters callback failed'));
  await pub.close();
});
