/**
 * Runtime log levels per component (zigbee2mqtt's bridge/request/options log_level, ModemManager's
 * --set-logging): a registry of the daemon's component loggers with get/set, optionally for a while only.
 *
 * pino decides per logger: a component logger gets its own level, and the loggers adapters derive from it
 * (`logger.child({part:'at'})`) have none of their own, so they follow it through the prototype chain. The root
 * logger is kept at the most verbose level in use (as createLogger starts it), so nothing that inherits from the
 * root is quieter than the components. Changes live in memory only: a restart returns to the board config.
 */
import pino, { type LevelWithSilent, type Logger } from 'pino';
import { ReasonedError } from '../../util/reasoned-error.js';

/** pino's levels plus `silent`, most verbose first. */
export const LOG_LEVEL_NAMES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const satisfies readonly LevelWithSilent[];

/** Longest a temporary level may last (a week): longer is a permanent change and should say so. */
export const MAX_DURATION_S = 7 * 24 * 3600;

export type LogLevelErrorCode = 'unknown_component' | 'invalid_level' | 'invalid_duration';

export class LogLevelError extends ReasonedError<LogLevelErrorCode> {
  override readonly name = 'LogLevelError';
  /** The command error code the `log-level` answer carries. */
  get code(): LogLevelErrorCode {
    return this.reason;
  }
}

/** Injectable time, compatible with test/helpers/fake-clock.ts. */
export interface LevelClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: LevelClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface LogLevelsOptions {
  /** The board config's log.level: every component without its own entry. */
  level: LevelWithSilent;
  /** The board config's log.components. */
  components?: Partial<Record<string, LevelWithSilent>>;
  /** Where level changes are reported (default: a `daemon` child of the root). */
  audit?: Logger;
  clock?: LevelClock;
}

export interface ComponentLevel {
  level: LevelWithSilent;
  /** What the board config says (and a restart brings back). */
  configured: LevelWithSilent;
  /** A temporary level: when and to what it reverts. */
  revert?: { to: LevelWithSilent; at: string };
}

export interface LevelChange {
  component: string;
  from: LevelWithSilent;
  to: LevelWithSilent;
  /** ISO time of the automatic revert, for a temporary change. */
  revertsAt?: string;
}

interface Pending {
  handle: unknown;
  to: LevelWithSilent;
  at: number;
}

const rank = (l: LevelWithSilent): number => (l === 'silent' ? Infinity : pino.levels.values[l]!);

export function isLogLevel(s: unknown): s is LevelWithSilent {
  return typeof s === 'string' && (LOG_LEVEL_NAMES as readonly string[]).includes(s);
}

export class LogLevels {
  readonly #root: Logger;
  readonly #o: LogLevelsOptions;
  readonly #clock: LevelClock;
  readonly #audit: Logger;
  /** Every logger handed out per component (the daemon asks for some components more than once). */
  readonly #loggers = new Map<string, Logger[]>();
  readonly #current = new Map<string, LevelWithSilent>();
  readonly #pending = new Map<string, Pending>();

  constructor(root: Logger, opts: LogLevelsOptions) {
    this.#root = root;
    this.#o = opts;
    this.#clock = opts.clock ?? realClock;
    this.#audit = opts.audit ?? root.child({ component: 'daemon' });
  }

  /**
   * A child logger for a component at its current level (as componentLogger makes them). `bind: false` for
   * adapters that add `{component}` to their own child loggers.
   */
  logger(component: string, bind = true): Logger {
    const child = this.#root.child(bind ? { component } : {});
    child.level = this.#current.get(component) ?? this.configured(component);
    this.#current.set(component, child.level as LevelWithSilent);
    const list = this.#loggers.get(component) ?? [];
    list.push(child);
    this.#loggers.set(component, list);
    return child;
  }

  /** Components that have a logger, sorted. */
  get components(): string[] {
    return [...this.#loggers.keys()].sort();
  }

  configured(component: string): LevelWithSilent {
    return this.#o.components?.[component] ?? this.#o.level;
  }

  /** Current levels of every component. */
  get(): Record<string, ComponentLevel> {
    const out: Record<string, ComponentLevel> = {};
    for (const c of this.components) {
      const p = this.#pending.get(c);
      out[c] = { level: this.#current.get(c)!, configured: this.configured(c), ...(p ? { revert: { to: p.to, at: new Date(p.at).toISOString() } } : {}) };
    }
    return out;
  }

  /** Throws LogLevelError unless `component` has a logger (or is `*`). */
  check(component: string): void {
    if (component !== '*' && !this.#loggers.has(component)) {
      throw new LogLevelError('unknown_component', `unknown log component ${JSON.stringify(component)}; known: ${this.components.join(', ')} (or * for all)`);
    }
  }

  /**
   * Sets one component (or `*`: all of them) to `level`. With `durationS` the previous level comes back after
   * that many seconds; a timed change on top of a timed change keeps the first one's revert level.
   */
  set(component: string, level: string, opts: { durationS?: number } = {}): LevelChange[] {
    if (!isLogLevel(level)) throw new LogLevelError('invalid_level', `invalid log level ${JSON.stringify(level)}; levels: ${LOG_LEVEL_NAMES.join(', ')}`);
    const d = opts.durationS;
    if (d !== undefined && (typeof d !== 'number' || !Number.isFinite(d) || d <= 0 || d > MAX_DURATION_S)) {
      throw new LogLevelError('invalid_duration', `duration must be a number of seconds in (0, ${MAX_DURATION_S}], got ${JSON.stringify(d)}`);
    }
    this.check(component);
    const targets = component === '*' ? this.components : [component];
    const changes: LevelChange[] = [];
    for (const c of targets) {
      const from = this.#current.get(c)!;
      const previous = this.#pending.get(c);
      this.#cancel(c);
      if (d !== undefined) {
        const at = this.#clock.now() + d * 1000;
        const to = previous?.to ?? from;
        const handle = this.#clock.setTimeout(() => this.#revert(c), d * 1000);
        this.#pending.set(c, { handle, to, at });
        changes.push({ component: c, from, to: level, revertsAt: new Date(at).toISOString() });
      } else {
        changes.push({ component: c, from, to: level });
      }
      this.#apply(c, level);
    }
    this.#followRoot();
    for (const ch of changes) {
      this.#audit.info({ logComponent: ch.component, from: ch.from, to: ch.to, ...(d !== undefined ? { durationS: d, revertsAt: ch.revertsAt } : {}) }, 'log level changed at runtime');
    }
    return changes;
  }

  /** Cancels the pending reverts (the levels stay as they are). */
  stop(): void {
    for (const c of [...this.#pending.keys()]) this.#cancel(c);
  }

  #revert(c: string): void {
    const p = this.#pending.get(c);
    if (p === undefined) return;
    this.#pending.delete(c);
    const from = this.#current.get(c)!;
    this.#apply(c, p.to);
    this.#followRoot();
    this.#audit.info({ logComponent: c, from, to: p.to }, 'temporary log level expired');
  }

  #cancel(c: string): void {
    const p = this.#pending.get(c);
    if (p === undefined) return;
    this.#clock.clearTimeout(p.handle);
    this.#pending.delete(c);
  }

  #apply(c: string, level: LevelWithSilent): void {
    this.#current.set(c, level);
    for (const l of this.#loggers.get(c) ?? []) l.level = level;
  }

  /** Root at the most verbose of the board's level and every component's current one. */
  #followRoot(): void {
    const levels = [this.#o.level, ...this.#current.values()];
    this.#root.level = levels.reduce((a, b) => (rank(b) < rank(a) ? b : a), 'silent' as LevelWithSilent);
  }
}
