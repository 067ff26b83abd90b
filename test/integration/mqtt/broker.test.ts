// startLocalBroker: Debian's mosquitto by PID for the sim board, or a typed error saying what to install.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { findMosquitto, startLocalBroker } from '../../../src/mqtt/broker.js';
import { connectBroker } from '../../../src/mqtt/broker-connection.js';
import { createBrokerAccounts } from '../../../src/mqtt/broker-accounts.js';
import { BrokerUnavailableError } from '../../../src/mqtt/errors.js';
import { captureLogger, failOnUnhandledRejection } from './helpers.js';

failOnUnhandledRejection();

// Every local broker has the roles; these tests log in as the tester (reads and writes nothing of ours below t/).
const accounts = await createBrokerAccounts();
after(() => accounts.remove());
const roles = { logins: accounts.logins, topicPrefix: 'bcastd/v1', deviceId: 'brk' };
const tester = { ...accounts.logins.tester, reconnectPeriod: 0 };
const bcastd = { ...accounts.logins.bcastd, reconnectPeriod: 0 };

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('starts mosquitto on loopback (MQTT 5), stops it by PID on close', async () => {
  const { logger, lines } = captureLogger();
  const b = await startLocalBroker({ roles, logger });
  try {
    assert.match(b.url, /^mqtt:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(alive(b.pid));
    const c = await mqtt.connectAsync(b.url, { protocolVersion: 5, ...tester });
    const d = await mqtt.connectAsync(b.url, { protocolVersion: 5, ...bcastd });
    const got = new Promise<Buffer>((resolve) => c.on('message', (_t, p) => resolve(p)));
    await c.subscribeAsync('bcastd/v1/brk/status');
    await d.publishAsync('bcastd/v1/brk/status', 'hello', { qos: 1, properties: { correlationData: Buffer.from('1') } });
    assert.equal((await got).toString(), 'hello');
    await c.endAsync();
    await d.endAsync();

    // Same port again while it runs: a typed error says so, and the running broker is untouched.
    await assert.rejects(startLocalBroker({ roles, port: b.port, startTimeoutMs: 3000 }), (e: unknown) => e instanceof BrokerUnavailableError && /already in use/.test(e.message));
    assert.ok(alive(b.pid));
  } finally {
    await b.close();
  }
  assert.ok(!alive(b.pid));
  await assert.rejects(mqtt.connectAsync(b.url, { reconnectPeriod: 0, connectTimeout: 500 }));
  assert.deepEqual(lines().map((l) => l['msg']), ['local MQTT broker started', 'local MQTT broker stopped']);
});

test('without mosquitto: the embedded aedes broker (MQTT 3.1.1) takes over, and stops cleanly', async () => {
  const b = await startLocalBroker({ roles, candidates: ['/nonexistent/mosquitto'], pathEnv: '' });
  try {
    assert.equal(b.protocolVersion, 4);
    assert.equal(b.pid, process.pid);
    const c = await mqtt.connectAsync(b.url, { protocolVersion: 4, ...tester });
    const d = await mqtt.connectAsync(b.url, { protocolVersion: 4, ...bcastd });
    const got = new Promise<string>((resolve) => c.on('message', (_t, p) => resolve(p.toString())));
    await c.subscribeAsync('bcastd/v1/brk/status');
    await d.publishAsync('bcastd/v1/brk/status', 'hello');
    assert.equal(await got, 'hello');
    await c.endAsync();
    await d.endAsync();
  } finally {
    await b.close();
  }
  await assert.rejects(mqtt.connectAsync(b.url, { reconnectPeriod: 0, connectTimeout: 500 }));
});

test('without mosquitto and without the fallback: BrokerUnavailableError naming apt-get install mosquitto and mqtt.url', async () => {
  await assert.rejects(startLocalBroker({ roles, candidates: ['/nonexistent/mosquitto'], pathEnv: '', fallback: false }), (e: unknown) => {
    assert.ok(e instanceof BrokerUnavailableError);
    assert.match(e.message, /apt-get install mosquitto/);
    assert.match(e.message, /mqtt\.url/);
    return true;
  });
});

test('findMosquitto looks at the known path first, then PATH, and only at executables', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bcastd-path-'));
  try {
    const fake = join(dir, 'mosquitto');
    await writeFile(fake, '#!/bin/sh\n');
    assert.equal(findMosquitto([], dir), undefined, 'not executable');
    await chmod(fake, 0o755);
    assert.equal(findMosquitto([], `/nonexistent:${dir}`), fake);
    assert.equal(findMosquitto(['/usr/sbin/mosquitto'], dir), '/usr/sbin/mosquitto');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a mosquitto that dies or never listens is a typed error, and is not left running', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bcastd-fake-'));
  try {
    const dies = join(dir, 'dies');
    await writeFile(dies, '#!/bin/sh\necho "Error: bad config" >&2\nexit 3\n', { mode: 0o755 });
    await assert.rejects(startLocalBroker({ roles, candidates: [dies], pathEnv: '' }), (e: unknown) => e instanceof BrokerUnavailableError && /did not start: exited: Error: bad config/.test(e.message));

    const pidFile = join(dir, 'pid');
    const hangs = join(dir, 'hangs');
    await writeFile(hangs, `#!/bin/sh\necho $$ > ${pidFile}\nexec sleep 30\n`, { mode: 0o755 });
    await assert.rejects(startLocalBroker({ roles, candidates: [hangs], pathEnv: '', startTimeoutMs: 300 }), (e: unknown) => e instanceof BrokerUnavailableError && /in time/.test(e.message));
    assert.ok(!alive(Number((await readFile(pidFile, 'utf8')).trim())), 'the hung process was stopped');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/**
 * The gaps at a subscriber between two QoS 0 messages published a few ms apart, after a warm-up (a new TCP
 * connection acknowledges at once for a while). With Nagle on the publisher's socket or the broker's, the second
 * waits for the other side's delayed ACK: ~40 ms on Linux, every time.
 */
async function burstGaps(url: string, protocolVersion: 4 | 5): Promise<number[]> {
  const pub = await connectBroker(url, { protocolVersion, ...bcastd, connectTimeout: 5000 });
  await new Promise<void>((resolve, reject) => {
    pub.once('connect', () => resolve());
    pub.once('error', reject);
  });
  const sub = await mqtt.connectAsync(url, { protocolVersion, ...tester });
  const arrived = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  sub.on('message', (_t, p) => {
    arrived.set(p.toString(), performance.now());
    waiters.get(p.toString())?.();
  });
  await sub.subscribeAsync('bcastd/v1/brk/events', { qos: 1 });
  const received = (tag: string) => new Promise<void>((resolve) => (arrived.has(tag) ? resolve() : waiters.set(tag, resolve)));
  const gaps: number[] = [];
  try {
    for (let i = 0; i < 40; i++) {
      // As a trigger does: a state (QoS 1, answered by PUBACK, which makes both ends' TCP expect replies and
      // delay their ACKs), then its events (QoS 0) a few ms apart.
      await pub.publishAsync('bcastd/v1/brk/events', `s${i}`, { qos: 1 });
      pub.publish('bcastd/v1/brk/events', `a${i}`, { qos: 0 });
      await sleep(3);
      pub.publish('bcastd/v1/brk/events', `b${i}`, { qos: 0 });
      await Promise.all([received(`a${i}`), received(`b${i}`)]);
      if (i >= 20) gaps.push(arrived.get(`b${i}`)! - arrived.get(`a${i}`)!);
      await sleep(60); // everything acknowledged before the next pair
    }
  } finally {
    await sub.endAsync();
    await pub.endAsync();
  }
  return gaps;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

test('a burst reaches a subscriber as it was sent: no 40 ms Nagle stall, through mosquitto or the embedded aedes', { timeout: 60_000 }, async () => {
  for (const candidates of [undefined, ['/nonexistent/mosquitto']]) {
    const b = await startLocalBroker({ roles, ...(candidates !== undefined ? { candidates, pathEnv: '' } : {}) });
    try {
      const gaps = await burstGaps(b.url, b.protocolVersion);
      // Sent 3 ms apart: with Nagle on either leg nearly every gap is ~40 ms; the median is what a user sees.
      assert.ok(median(gaps) < 20, `${b.protocolVersion === 5 ? 'mosquitto' : 'aedes'}: gaps ${gaps.map((g) => g.toFixed(1)).join(' ')} ms`);
    } finally {
      await b.close();
    }
  }
});
