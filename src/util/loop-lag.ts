/**
 * Event-loop lag, measured only while there is work to measure. perf_hooks' histogram runs a libuv timer
 * every `resolution` ms: left on, an idle daemon would wake up 50–100 times a second for nothing (a sleeping
 * handset CPU is the point). So the histogram is switched on by `activity()` — real work: a publication, a
 * datagram, a command — and off again `windowMs` after the last of it; an idle period reports zeros.
 * (perf_hooks drops the first sample after enable(): the first `resolution` ms of a burst go unmeasured.)
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface LoopLag {
  mean: number;
  p99: number;
  max: number;
}

export interface LoopLagMonitorOptions {
  /** Sampling period while watching, ms. */
  resolutionMs?: number;
  /** How long the loop stays watched after the last activity, ms. */
  windowMs?: number;
  /** For tests: the histogram to drive. */
  histogram?: Pick<IntervalHistogram, 'enable' | 'disable' | 'reset' | 'mean' | 'max' | 'percentile' | 'count'>;
}

const NS_PER_MS = 1e6;
const ms = (ns: number) => (Number.isFinite(ns) ? Math.round((ns / NS_PER_MS) * 100) / 100 : 0);

export class LoopLagMonitor {
  readonly #h: NonNullable<LoopLagMonitorOptions['histogram']>;
  readonly #windowMs: number;
  #watching = false;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  /** performance.now() of the latest activity(). */
  #lastActivity = 0;

  constructor(o: LoopLagMonitorOptions = {}) {
    this.#h = o.histogram ?? monitorEventLoopDelay({ resolution: o.resolutionMs ?? 10 });
    this.#windowMs = o.windowMs ?? 2000;
  }

  get watching(): boolean {
    return this.#watching;
  }

  /**
   * Real work is happening: watch the loop until windowMs after the last call. Called on every publication (a
   * dozen per trigger): it only notes the time; the one timer, when it fires, re-arms itself for what is left of
   * the window instead of being re-armed here each time.
   */
  activity(): void {
    if (this.#stopped) return;
    this.#lastActivity = performance.now();
    if (this.#timer === undefined) this.#arm(this.#windowMs);
    if (!this.#watching) {
      this.#watching = true;
      this.#h.enable();
    }
  }

  /** Lag since the last reset (zeros when the loop was not watched meanwhile). */
  current(): LoopLag {
    return this.#h.count > 0 ? { mean: ms(this.#h.mean), p99: ms(this.#h.percentile(99)), max: ms(this.#h.max) } : { mean: 0, p99: 0, max: 0 };
  }

  /** Starts a new period. */
  reset(): void {
    this.#h.reset();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#idle();
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(() => {
      const left = this.#lastActivity + this.#windowMs - performance.now();
      // Timers may fire up to a millisecond early: anything under that counts as the window's end.
      if (left >= 1 && !this.#stopped) this.#arm(left);
      else this.#idle();
    }, ms);
    this.#timer.unref();
  }

  #idle(): void {
    this.#timer = undefined;
    if (!this.#watching) return;
    this.#watching = false;
    this.#h.disable();
  }
}
