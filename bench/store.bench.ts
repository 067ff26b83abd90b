// State store under a sustained update load (100 updates/s for 10 s): how many writes reach the disk
// per minute, and how long each atomic write (temp, fsync, rename, fsync dir) takes. Two runs: the
// daemon's default 1 s minimum interval, and no interval (every write back to back) for a latency
// distribution with enough samples. Prints JSON lines; never fails on time.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { StateStore } from '../src/store/state-store.js';

const RATE = 100;
const SECONDS = 10;

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function run(minIntervalMs: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bcastd-bench-store-'));
  try {
    const lat: number[] = [];
    const store = new StateStore({ dir, logger: pino({ level: 'silent' }), minIntervalMs, onWrite: (w) => lat.push(w.durationMs) });
    await store.load();
    const t0 = performance.now();
    for (let i = 0; i < RATE * SECONDS; i++) {
      store.update((d) => {
        d.registration.services = Array.from({ length: 20 }, (_, k) => `urn:bcast:svc:${i}:${k}`);
        d.registration.lastTrigger = { kind: 'solicited-pull', at: new Date().toISOString() };
      });
      const due = t0 + ((i + 1) * 1000) / RATE;
      await sleep(Math.max(0, due - performance.now()));
    }
    const elapsed = (performance.now() - t0) / 1000;
    const underLoad = store.counters.writes; // the shutdown flush below is not part of the load
    await store.close();
    lat.sort((a, b) => a - b);
    console.log(JSON.stringify({
      bench: 'store',
      case: `${RATE} updates/s for ${SECONDS} s, minIntervalMs ${minIntervalMs}`,
      updates: store.counters.updates,
      writes: store.counters.writes,
      coalesced: store.counters.coalesced,
      failures: store.counters.failures,
      writesPerMinute: Math.round((underLoad / elapsed) * 60),
      writeLatencyMs: { p50: +pct(lat, 50).toFixed(3), p99: +pct(lat, 99).toFixed(3), max: +pct(lat, 100).toFixed(3) },
      fs: tmpdir(),
    }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await run(1000);
await run(0);
