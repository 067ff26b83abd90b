// A UDP flood against the LTKM intake behind its UDP bearer: the wait is bounded, the excess dropped and counted, each burst
// logged and reported once; once it has drained, datagrams are processed again. The SMS path is never dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { buildSolicitedPull, encodeMikey } from '../../../src/codec/index.js';
import { capturingLogger, delay, waitFor } from '../modem/harness.js';
import { checked, udpIntake } from './ltkm-udp.js';

// Each datagram a fresh counter: repeats of a judged (CSB ID, counter) pair never reach the queue (replay cache).
let counter = 5;
const nextPull = () => encodeMikey(buildSolicitedPull({ csbId: 1, counter: counter++, rand: new Uint8Array(16), idi: 'bsm', idr: 'btid', keyDomainId: Uint8Array.of(0, 0xf1, 0x10), keyGroup: 0 }));

const BOUND = 16;

async function setup() {
  const { logger, records } = capturingLogger('info');
  let processed = 0;
  const l = udpIntake({
    // Slow: 3 ms per message, far slower than loopback UDP arrives.
    processor: { processMskMessage: async () => (await delay(3), processed++, checked) },
    maxQueued: BOUND,
    // The queue bound is under test here, not the per-source share.
    perSourceShare: 100_000,
    logger,
  });
  const { port } = await l.udp.start();
  const rejected = () => l.outcomes.flatMap((o) => (o.kind === 'rejected' ? [{ reason: o.reason, detail: o.detail }] : []));
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const burst = (n: number) => Promise.all(Array.from({ length: n }, () => new Promise<void>((r) => s.send(nextPull(), port, '127.0.0.1', () => r()))));
  const overloadLogs = () => records.filter((r) => r['reason'] === 'overload' && r['solicitedPull'] === undefined);
  const pullLogs = () => records.filter((r) => r['reason'] === 'overload' && r['solicitedPull'] === true);
  return { l, s, burst, records, rejected, overloadLogs, pullLogs, processed: () => processed };
}

test('1,000 datagrams against a slow processor: the queue stays within its bound, drops are counted, one log line and one report per burst', { timeout: 30000 }, async (t) => {
  const env = await setup();
  t.after(async () => {
    env.s.close();
    await env.l.stop();
  });
  await env.burst(1000);
  // Whatever the kernel let through has arrived once nothing is received for a while.
  let last = -1;
  while (env.l.stats().received !== last) {
    last = env.l.stats().received;
    await delay(50);
  }
  await waitFor(() => env.l.stats().waiting === 0, 'the queue drained', 10000);
  await delay(20);
  const st = env.l.stats();
  assert.ok(st.peakWaiting <= BOUND, `at most ${BOUND} waited (peak ${st.peakWaiting})`);
  assert.equal(st.peakWaiting, BOUND, 'the flood did fill it');
  assert.ok(st.dropped.overload > 0);
  assert.equal(env.processed() + st.dropped.overload, st.received, 'every datagram processed or dropped as overload');
  assert.equal(st.solicitedPulls, env.processed());
  const logs = env.overloadLogs();
  assert.equal(logs.length, 2, 'one line when the burst begins, one when it is over');
  assert.match(logs[0]!.msg, /dropping new ones/);
  assert.equal(logs[1]!['dropped'], st.dropped.overload);
  assert.deepEqual(env.rejected().map((r) => r.reason), ['overload'], 'reported once');
  // The dropped datagrams were solicited pulls: said on a line of their own (once per interval, not per pull).
  assert.equal(env.pullLogs().length, 1);
  assert.match(env.pullLogs()[0]!.msg, /^solicited pull dropped/);

  // After the burst: processed again, nothing dropped.
  const before = env.processed();
  await env.burst(5);
  await waitFor(() => env.processed() === before + 5, 'the later datagrams processed');
  assert.equal(env.l.stats().dropped.overload, st.dropped.overload);

  // A second burst is a second log line and report.
  await env.burst(300);
  await waitFor(() => env.l.stats().dropped.overload > st.dropped.overload && env.l.stats().waiting === 0, 'the second burst over', 10000);
  await delay(20);
  assert.equal(env.overloadLogs().length, 4);
  assert.deepEqual(env.rejected().map((r) => r.reason), ['overload', 'overload']);
  assert.ok(env.l.stats().peakWaiting <= BOUND);
});

test('the SMS path is never dropped, even with the queue full', { timeout: 15000 }, async (t) => {
  const env = await setup();
  t.after(async () => {
    env.s.close();
    await env.l.stop();
  });
  const sms = Array.from({ length: BOUND + 10 }, () => env.l.intake.accept(nextPull(), { address: '+4917012345678', port: 0, via: 'sms' }));
  await env.burst(50);
  await Promise.all(sms);
  assert.ok(env.processed() >= BOUND + 10);
  assert.equal(env.l.stats().solicitedPulls, env.processed());
  await waitFor(() => env.l.stats().waiting === 0, 'drained');
  const st = env.l.stats();
  assert.ok(st.dropped.overload > 0, 'UDP datagrams arriving behind the SMS ones were dropped');
  assert.equal(env.processed() + st.dropped.overload, st.received);
});
