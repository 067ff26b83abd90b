/**
 * The system-test rig (test/serial/system/harness.ts: mosquitto, the REAL bcastd on a board derived from
 * board-configs/sim.yaml, an MQTT observer) outside node:test, for benchmarks: the harness registers its
 * teardown through a TestContext's after(), so a stand-in collects it and close() runs it.
 */
import type { TestContext } from 'node:test';
import { SystemRig, type RigOptions } from '../../test/serial/system/harness.js';
import type { Overrides } from '../../test/serial/system/board.js';

/**
 * The trigger rate gate opened wide (board terminal.triggerRateLimit): benchmarks drive triggers back to
 * back and must measure the daemon, not the flood protection's pacing (defaults: 6/min, burst 3, 2 s apart,
 * 1 s settle).
 */
export const OPEN_GATE: Overrides = {
  terminal: { triggerRateLimit: { perMinute: 1_000_000, burst: 10_000, minIntervalMs: 0, settleMs: 0 } },
};

export interface BenchRig {
  rig: SystemRig;
  /** Stops the daemon, observer and broker; throws what the harness's teardown found (leaks, leftovers). */
  close(): Promise<void>;
}

export async function startBenchRig(o: RigOptions = {}): Promise<BenchRig> {
  const after: Array<() => unknown> = [];
  const t = { after: (fn: () => unknown) => void after.push(fn) } as unknown as TestContext;
  const close = async () => {
    for (const fn of after.splice(0).reverse()) await fn();
  };
  try {
    return { rig: await SystemRig.start(t, o), close };
  } catch (e) {
    // The harness registered its teardown before the daemon failed to come up: run it, keep the first error.
    await close().catch(() => {});
    throw e;
  }
}
