// One log line per key (a source, a reason) per interval: a flood of bad input costs a counter, not a log
// line each. What was held back is told on one "suppressed N" line when the interval ends.
import type { Logger } from 'pino';

export interface LogLimiterOptions {
  intervalMs?: number;
  /** Keys remembered at most (oldest forgotten first), so hostile keys cannot grow memory. */
  maxKeys?: number;
  now?: () => number;
}

interface Slot {
  lastAt: number;
  suppressed: number;
  timer: NodeJS.Timeout | undefined;
}

export class LogLimiter {
  readonly #slots = new Map<string, Slot>();
  readonly #interval: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(o: LogLimiterOptions = {}) {
    this.#interval = o.intervalMs ?? 10_000;
    this.#max = o.maxKeys ?? 256;
    this.#now = o.now ?? Date.now;
  }

  /** Logs at `level` unless `key` logged within the interval; returns whether it logged. */
  log(logger: Logger, level: 'warn' | 'info' | 'error', key: string, obj: Record<string, unknown>, msg: string): boolean {
    const now = this.#now();
    const slot = this.#slots.get(key);
    if (slot !== undefined && now - slot.lastAt < this.#interval) {
      slot.suppressed++;
      // The summary line, once per interval, after the fact (unref: it never holds the process open).
      slot.timer ??= setTimeout(() => this.#flush(logger, level, key, msg), slot.lastAt + this.#interval - now).unref();
      return false;
    }
    this.#slots.delete(key);
    this.#slots.set(key, { lastAt: now, suppressed: 0, timer: undefined });
    if (this.#slots.size > this.#max) {
      const oldest = this.#slots.keys().next().value!;
      clearTimeout(this.#slots.get(oldest)?.timer);
      this.#slots.delete(oldest);
    }
    logger[level](obj, msg);
    return true;
  }

  warn(logger: Logger, key: string, obj: Record<string, unknown>, msg: string): boolean {
    return this.log(logger, 'warn', key, obj, msg);
  }

  /** Lines held back per key right now (tests, diagnostics). */
  pending(key: string): number {
    return this.#slots.get(key)?.suppressed ?? 0;
  }

  #flush(logger: Logger, level: 'warn' | 'info' | 'error', key: string, msg: string): void {
    const slot = this.#slots.get(key);
    if (slot === undefined) return;
    slot.timer = undefined;
    if (slot.suppressed === 0) return;
    logger[level]({ key, suppressed: slot.suppressed, intervalMs: this.#interval }, `${msg}: suppressed ${slot.suppressed} more like it`);
    // A new interval starts with the summary, so a continuing flood yields one summary per interval.
    slot.lastAt = this.#now();
    slot.suppressed = 0;
  }
}
