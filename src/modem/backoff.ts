/**
 * Capped exponential backoff with jitter, used by every retry in the modem layer (reopening the
 * port, polling for a vanished device node, re-activating the PDP context). Attempt n waits
 * min(max, base·2ⁿ) scaled by a random factor in [1-jitter, 1], so that a fleet of boards that lost
 * the network together does not come back in lockstep.
 */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
  /** 0 (none) … 1 (anywhere between 0 and the full delay). */
  readonly jitter: number;
  /** [0, 1) source, injectable for tests (default Math.random). */
  readonly random?: () => number;
}

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
    const ceiling = Math.min(this.options.maxMs, this.options.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    const factor = 1 - this.options.jitter * this.random();
    return Math.max(1, Math.round(ceiling * factor));
  }

  /** Back to the first (shortest) delay, after a success. */
  reset(): void {
    this.attempt = 0;
  }
}
