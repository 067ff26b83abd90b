// A hostile UDP flood at the real LTKM intake behind its UDP bearer on loopback (ephemeral port): 20,000 datagrams of garbage,
// truncated MIKEY and oversized (up to 64 KB) payloads. The event loop stays responsive, the wait stays
// within maxQueued, every datagram that arrived is accounted for, and a real solicited pull still works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pino } from 'pino';
import { buildSolicitedPull, encodeMikey } from '../../../src/codec/index.js';
import { checked, udpIntake } from '../../unit/bsm/ltkm-udp.js';
import { prng, randomBytes } from '../../unit/fuzz/targets.js';

const FLOOD = 20_000;
const MAX_QUEUED = 64;
const BATCH = 16;
const pull = encodeMikey(buildSolicitedPull({ csbId: 1, counter: 5, rand: new Uint8Array(16), idi: 'bsm', idr: 'btid', keyDomainId: Uint8Array.of(0, 0xf1, 0x10), keyGroup: 9 }));

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The flood's datagram number i: garbage, a truncated real message, or an oversized one. */
function hostileDatagram(rnd: () => number, i: number): Uint8Array {
  switch (i % 4) {
    case 0:
      return randomBytes(rnd, 512);
    case 1:
      return pull.subarray(0, Math.floor(rnd() * pull.length));
    case 2: {
      // A real header followed by tens of kilobytes: oversized for any LTKM.
      const big = new Uint8Array(16_000 + Math.floor(rnd() * 48_000)).fill(0x41);
      big.set(pull.subarray(0, 10));
      return big;
    }
    default:
      return Uint8Array.of(...pull.subarray(0, 4), ...randomBytes(rnd, 64));
  }
}

test('20,000 hostile datagrams: bounded wait and event-loop lag, every datagram counted, then a pull still works', { timeout: 60000 }, async (t) => {
  let processed = 0;
  const listener = udpIntake({
    processor: { processMskMessage: async () => (processed++, checked) },
    maxQueued: MAX_QUEUED,
    logger: pino({ level: 'silent' }),
  });
  const { port } = await listener.udp.start();
  const sender = createSocket('udp4');
  await new Promise<void>((r) => sender.bind(0, '127.0.0.1', r));
  t.after(async () => {
    sender.close();
    await listener.stop();
  });

  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  const rnd = prng(20_000);
  let sendErrors = 0;
  // In batches, so the sender itself yields and the listener gets its turns, as with a remote flooder
  // (one process sending everything at once would mostly fill the kernel's receive buffer).
  for (let i = 0; i < FLOOD; i += BATCH) {
    await Promise.all(
      Array.from({ length: Math.min(BATCH, FLOOD - i) }, (_, k) => new Promise<void>((r) => sender.send(hostileDatagram(rnd, i + k), port, '127.0.0.1', (e) => (e && sendErrors++, r())))),
    );
    // Send callbacks come back without an I/O poll; setImmediate lets the socket read in between.
    await new Promise((r) => setImmediate(r));
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    assert.ok(listener.stats().waiting <= MAX_QUEUED);
  }
  // Quiet: whatever the kernel let through has been received once the count stops moving.
  let last = -1;
  while (listener.stats().received !== last) {
    last = listener.stats().received;
    await delay(100);
  }
  lag.disable();

  const st = listener.stats();
  const dropped = Object.values(st.dropped).reduce((a, b) => a + b, 0);
  assert.equal(sendErrors, 0);
  assert.ok(st.received > FLOOD / 4, `a flood did arrive (${st.received} of ${FLOOD})`);
  assert.equal(st.waiting, 0, 'the queue drained');
  assert.ok(st.peakWaiting <= MAX_QUEUED, `at most ${MAX_QUEUED} waited (peak ${st.peakWaiting})`);
  assert.equal(processed, 0, 'no hostile datagram reached the processor');
  assert.equal(dropped, st.received, 'every datagram that arrived was dropped and counted');
  assert.ok(st.dropped.malformed > 0);
  assert.equal(st.dropped.source + st.dropped.mac + st.dropped.replay + st.dropped['no-keys'] + st.dropped.card, 0);
  assert.equal(st.solicitedPulls, 0);
  const p99 = lag.percentile(99) / 1e6;
  assert.ok(p99 < 200, `event-loop lag p99 ${p99.toFixed(1)} ms`);
  assert.ok(heapPeak - heapBefore < 64 * 1024 * 1024, `heap grew by ${((heapPeak - heapBefore) / 1048576).toFixed(1)} MB during the flood`);

  // Still responsive: a real solicited pull after the flood is processed and reported.
  await new Promise<void>((r) => sender.send(pull, port, '127.0.0.1', () => r()));
  const t0 = Date.now();
  while (listener.pulls().length === 0 && Date.now() - t0 < 2000) await delay(10);
  assert.deepEqual(listener.pulls(), [9]);
  assert.equal(listener.stats().solicitedPulls, 1);
});
