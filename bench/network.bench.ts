/**
 * Network benchmark (JSON lines): round trips and wall time for cold start → registered (bootstrap +
 * register), warm re-registration (target: one HTTP round trip), MSK request → key stored, against the
 * simulated network on loopback with the daemon's card adapter over an in-process virtual USIM.
 */
import { performance } from 'node:perf_hooks';
import { ALL_SERVICES } from '../src/codec/index.js';
import { startWorld, KEY_DOMAIN } from '../test/integration/network/world.js';

const ROUNDS = 20;

function line(o: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ bench: 'network', ...o })}\n`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

for (const gbaU of [true, false]) {
  const mode = gbaU ? 'gba-u' : 'gba-me';
  const cold: number[] = [];
  const warm: number[] = [];
  const msk: number[] = [];
  let coldTrips = 0;
  let warmTrips = 0;
  let mskTrips = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const w = await startWorld({ gbaU });
    try {
      let t0 = performance.now();
      const r = await w.bsm.register([ALL_SERVICES]);
      cold.push(performance.now() - t0);
      coldTrips = w.gba.stats().roundTrips + r.roundTrips;
      await w.until(() => w.stored.length === 2);
      t0 = performance.now();
      const r2 = await w.bsm.register([ALL_SERVICES]);
      warm.push(performance.now() - t0);
      warmTrips = r2.roundTrips;
      await w.until(() => w.stored.length === 4); // the re-registration's own pushes
      const before = w.stored.length;
      t0 = performance.now();
      const m = await w.bsm.requestMsk([{ keyDomainId: Buffer.from(KEY_DOMAIN, 'hex'), mskId: Uint8Array.of(0x01, 0x01, 0, 0) }]);
      await w.until(() => w.stored.length > before);
      msk.push(performance.now() - t0);
      mskTrips = m.roundTrips;
    } finally {
      await w.close();
    }
  }
  line({ mode, case: 'cold-start-to-registered', roundTrips: coldTrips, medianMs: +median(cold).toFixed(2), rounds: ROUNDS });
  line({ mode, case: 'warm-re-registration', roundTrips: warmTrips, target: 1, medianMs: +median(warm).toFixed(2), rounds: ROUNDS });
  line({ mode, case: 'msk-request-to-key-stored', roundTrips: mskTrips, medianMs: +median(msk).toFixed(2), rounds: ROUNDS });
}
