/**
 * The daemon's persisted state (`<state dir>/state.json`): loaded once at start, changed through
 * update(), written atomically in the background. Writes are coalesced — at most one in flight, later
 * updates fold into the next one, and writes are at least `minIntervalMs` apart — so an update storm
 * (an SMS flood, a burst of key status changes) costs a handful of writes, the last state winning.
 * A bad file never stops the daemon: it is kept aside, logged once, counted, and defaults are used.
 * A failing disk never loses the in-memory state: writes are retried with capped backoff.
 */
import { constants as fsConstants } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { nodeFs, removeStaleTemps, writeFileAtomic, type AtomicFs } from './atomic-file.js';
import { StoreError } from './errors.js';
import { defaultState, MIGRATIONS, parseState, serializeState, validateState, type Migration, type PersistedState } from './state-schema.js';

export const STATE_FILE_NAME = 'state.json';

export interface StateStoreOptions {
  /** The state directory; created (0700) when missing. */
  dir: string;
  /** The store logs through a child {component:'store'}. */
  logger: Logger;
  /** Minimum time between the starts of two writes (default 1000 ms: at most 60 writes a minute). */
  minIntervalMs?: number;
  /** Backoff after a failed write: doubles from `retryInitialMs` up to `retryMaxMs` (defaults 1 s, 30 s). */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** File system used for writes and temp clean-up; the real one unless a test injects faults. */
  fs?: AtomicFs;
  /** Schema migrations (tests); the module's MIGRATIONS otherwise. */
  migrations?: ReadonlyMap<number, Migration>;
  /** Called after each successful write, e.g. to feed health figures or a benchmark. */
  onWrite?: (info: WriteInfo) => void;
}

export interface WriteInfo {
  bytes: number;
  durationMs: number;
}

export interface StoreCounters {
  /** update() calls accepted. */
  updates: number;
  /** Successful file writes. */
  writes: number;
  /** Updates folded into a write that was already due (no write of their own). */
  coalesced: number;
  /** Failed write attempts. */
  failures: number;
  /** Updates refused (invalid state, key material). */
  rejected: number;
  /** Loads that found an unusable file and fell back to defaults. */
  corrupt: number;
}

export interface LoadResult {
  state: Readonly<PersistedState>;
  /** 'file': loaded; 'defaults': there was no file; 'recovered': the file was unusable, defaults used. */
  source: 'file' | 'defaults' | 'recovered';
  /** Why the file was unusable (source 'recovered'). */
  error?: StoreError;
  /** Where the unusable file was moved, when the move worked. */
  keptAs?: string;
  /** Temp files of an earlier, interrupted writer that were removed. */
  staleTempsRemoved: number;
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const item of Object.values(v)) deepFreeze(item);
  }
  return v;
}

function errno(err: unknown): string | undefined {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : undefined;
}

export class StateStore {
  readonly path: string;
  readonly counters: StoreCounters = { updates: 0, writes: 0, coalesced: 0, failures: 0, rejected: 0, corrupt: 0 };
  /** The error of the last failed write, cleared by the next successful one. */
  lastWriteError: StoreError | undefined;

  private readonly log: Logger;
  private readonly fs: AtomicFs;
  private readonly minIntervalMs: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private current: Readonly<PersistedState> = deepFreeze(defaultState());
  /** The in-memory state differs from the file (a write is due). */
  private dirty = false;
  private inFlight: Promise<boolean> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastWriteStart = -Infinity;
  private failureStreak = 0;
  private closed = false;

  constructor(private readonly opts: StateStoreOptions) {
    this.path = join(opts.dir, STATE_FILE_NAME);
    this.log = opts.logger.child({ component: 'store' });
    this.fs = opts.fs ?? nodeFs;
    this.minIntervalMs = opts.minIntervalMs ?? 1000;
    this.retryInitialMs = opts.retryInitialMs ?? 1000;
    this.retryMaxMs = opts.retryMaxMs ?? 30_000;
  }

  /** The current state (deep-frozen: change it through update()). */
  get state(): Readonly<PersistedState> {
    return this.current;
  }

  /** True while a change has not reached the file yet. */
  get pending(): boolean {
    return this.dirty || this.inFlight !== undefined;
  }

  /** Reads the file once at start. Never throws for a missing or bad file; see LoadResult. */
  async load(): Promise<LoadResult> {
    await fsp.mkdir(this.opts.dir, { recursive: true, mode: 0o700 });
    const stale = await removeStaleTemps(this.path, this.fs);
    if (stale.length > 0) this.log.info({ removed: stale.length }, 'removed temp files of an interrupted state write');
    let text: string;
    try {
      // O_NOFOLLOW: the state file is ours; a symlink in its place is not read through.
      text = await fsp.readFile(this.path, { encoding: 'utf8', flag: fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW });
    } catch (err) {
      if (errno(err) === 'ENOENT') {
        this.current = deepFreeze(defaultState());
        return { state: this.current, source: 'defaults', staleTempsRemoved: stale.length };
      }
      return this.recover(new StoreError('read-failed', `state file could not be read (${errno(err) ?? 'error'})`, '', { cause: err }), stale.length);
    }
    try {
      this.current = deepFreeze(parseState(text, this.opts.migrations ?? MIGRATIONS));
      return { state: this.current, source: 'file', staleTempsRemoved: stale.length };
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      return this.recover(err, stale.length);
    }
  }

  private async recover(error: StoreError, staleTempsRemoved: number): Promise<LoadResult> {
    this.counters.corrupt++;
    this.current = deepFreeze(defaultState());
    const aside = `${this.path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    let keptAs: string | undefined;
    try {
      await this.fs.rename(this.path, aside);
      keptAs = aside;
    } catch {
      // Unmovable too: the next write replaces it; the log line below is its trace.
    }
    this.log.error({ code: error.code, field: error.path, keptAs: keptAs ?? null, err: error.message }, 'state file unusable: kept aside, starting from defaults');
    const result: LoadResult = { state: this.current, source: 'recovered', error, staleTempsRemoved };
    if (keptAs !== undefined) result.keptAs = keptAs;
    return result;
  }

  /**
   * Changes the state: the mutator edits a draft copy (or returns a whole new state). The result is
   * validated before it replaces the current state; a refused result (StoreError 'invalid' or
   * 'key-material') is thrown here and changes nothing. The write follows in the background.
   */
  update(mutator: (draft: PersistedState) => PersistedState | void): Readonly<PersistedState> {
    if (this.closed) throw new StoreError('closed', 'state store is closed');
    const draft = structuredClone(this.current) as PersistedState;
    const next = mutator(draft) ?? draft;
    try {
      validateState(next);
    } catch (err) {
      this.counters.rejected++;
      throw err;
    }
    // Copy before freezing so nothing the caller still holds can change the committed state.
    this.current = deepFreeze(next === draft ? draft : (structuredClone(next) as PersistedState));
    this.counters.updates++;
    if (this.dirty) this.counters.coalesced++;
    this.dirty = true;
    this.schedule();
    return this.current;
  }

  /** Writes what is pending now (ignoring the interval) and waits; rejects with the write's StoreError. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.inFlight) {
        await this.inFlight;
        continue;
      }
      if (!this.dirty) return;
      this.clearTimer();
      if (!(await this.write())) throw this.lastWriteError;
    }
  }

  /** flush(), then refuse further updates and stop retrying. Used at shutdown. */
  async close(): Promise<void> {
    this.closed = true;
    try {
      await this.flush();
    } finally {
      this.clearTimer();
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (!this.dirty || this.inFlight || this.timer || this.closed) return;
    const backoff = this.failureStreak === 0 ? 0 : Math.min(this.retryInitialMs * 2 ** (this.failureStreak - 1), this.retryMaxMs);
    const sinceLast = performance.now() - this.lastWriteStart;
    const delay = Math.max(backoff, this.minIntervalMs - sinceLast, 0);
    // A zero delay still lets the rest of a synchronous burst fold into this write.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, delay);
  }

  /** One write attempt of the current state; resolves true on success. Never rejects. */
  private write(): Promise<boolean> {
    const text = serializeState(this.current);
    this.dirty = false;
    this.lastWriteStart = performance.now();
    const started = this.lastWriteStart;
    const attempt = writeFileAtomic(this.path, text, this.fs).then(
      () => {
        this.failureStreak = 0;
        this.lastWriteError = undefined;
        this.counters.writes++;
        this.opts.onWrite?.({ bytes: Buffer.byteLength(text), durationMs: performance.now() - started });
        return true;
      },
      (err: unknown) => {
        this.failureStreak++;
        this.counters.failures++;
        this.dirty = true; // the in-memory state is still the truth; write it again later
        const code = errno(err);
        this.lastWriteError = new StoreError('write-failed', `state write failed (${code ?? 'error'})`, '', { cause: err });
        const retryInMs = Math.min(this.retryInitialMs * 2 ** (this.failureStreak - 1), this.retryMaxMs);
        this.log.error({ code: 'write-failed', errno: code ?? null, attempt: this.failureStreak, retryInMs }, 'state write failed: state kept in memory, retrying');
        return false;
      },
    );
    this.inFlight = attempt;
    void attempt.then(() => {
      this.inFlight = undefined;
      this.schedule();
    });
    return attempt;
  }
}
