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
  // One teardown, however many ask for it (the bench's finally, the output-gone handler below): a second caller
  // waits for the first instead of finding nothing left to do and exiting while it runs.
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      for (const fn of after.splice(0).reverse()) await fn();
    })());
  tearDownWhenOutputGone(close);
  try {
    return { rig: await SystemRig.start(t, o), close };
  } catch (e) {
    // The harness registered its teardown before the daemon failed to come up: run it, keep the first error.
    await close().catch(() => {});
    throw e;
  }
}

/**
 * The rig's processes (mosquitto, the daemon, its world and pcscd) outlive a bench that dies on its own: when the
 * reader of the figures goes away (`… | head -3`, a closed terminal), the next figure's write fails with EPIPE, an
 * uncaught error that ends the bench before its teardown. Tear the rig down first, then exit as SIGPIPE would
 * (141). Ctrl-C needs nothing: it signals the whole foreground process group, the rig's processes included.
 */
function tearDownWhenOutputGone(close: () => Promise<void>): void {
  let gone = false;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    // Once gone, later writes fail too (the stream is destroyed): nothing more to do for them.
    if (gone) return;
    if (e.code !== 'EPIPE') throw e;
    gone = true;
    void close()
      .catch(() => undefined)
      .finally(() => process.exit(141));
  });
}
