/**
 * The one capped exponential backoff with jitter: every retry of the daemon (modem port, PDP context, PC/SC
 * context, MQTT reconnect, GBA bootstrapping, BSM requests, terminal bring-up and registration) waits
 * min(maxMs, baseMs·2ⁿ) minus a random share of up to `jitter` of it, so that a fleet of boards that lost
 * the network together does not come back in lockstep. Clock and randomness are injectable for tests.
 */

/** Delay ceiling of retry n (0 = the first): baseMs doubled n times, capped at maxMs. */
export function backoffCeiling(baseMs: number, maxMs: number, n: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(0, n), 30));
}

/** `ceiling` less `jitter · off` of it (off in [0, 1]); at least 1 ms. */
function jittered(ceiling: number, jitter: number, off: number): number {
  return Math.max(1, Math.round(ceiling * (1 - jitter * off)));
}

export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
  /** 0 (none) … 1 (anywhere between 0 and the full delay). */
  readonly jitter: number;
  /** [0, 1) source, injectable for tests (default Math.random); a draw of 0 waits the full ceiling. */
  readonly random?: () => number;
}

/** Stateful form: next() hands out growing delays until reset() (after a success). */
export class Backoff {
  private attempt = 0;
  private readonly random: () => number;

  constructor(readonly options: BackoffOptions) {
    if (!(options.baseMs > 0) || !(options.maxMs >= options.baseMs)) {
      throw new RangeError(`Backoff: need 0 < baseMs <= maxMs, got ${options.baseMs}, ${options.maxMs}`);
    }
    if (!(options.jitter >= 0 && options.jitter <= 1)) throw new RangeError(`Backoff: jitter must be in [0, 1], got ${options.jitter}`);
    this.random = options.random ?? Math.random;
  }

  /** How many delays were handed out since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** The next delay in ms; each call doubles the ceiling until maxMs. */
  next(): number {
    const ceiling = backoffCeiling(this.options.baseMs, this.options.maxMs, this.attempt++);
    return jittered(ceiling, this.options.jitter, this.random());
  }

  /** Back to the first (shortest) delay. */
  reset(): void {
    this.attempt = 0;
  }
}

/** Retries of a request (board config `network.retry`). */
export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  /** Total attempts; 0 = unlimited. */
  maxAttempts: number;
}

export interface RetryClock {
  sleep(ms: number): Promise<void>;
  random(): number;
}

export const realClock: RetryClock = {
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  random: Math.random,
};

/**
 * Stateless form: the delay before retry number `retry` (1 = the first retry), in [ceiling/2, ceiling];
 * random() = 1 waits the full ceiling.
 */
export function backoffDelay(policy: Pick<RetryPolicy, 'baseMs' | 'maxMs'>, retry: number, random: () => number): number {
  return jittered(backoffCeiling(policy.baseMs, policy.maxMs, retry - 1), 0.5, 1 - random());
}

export function mayRetry(policy: RetryPolicy, attemptsMade: number): boolean {
  return policy.maxAttempts === 0 || attemptsMade < policy.maxAttempts;
}
