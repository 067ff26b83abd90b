// Flood protection for BSM requests: a token bucket (perMinute, burst) plus a least interval between starts.
// The gate never drops a request: it says how long to wait, and the coordinator coalesces what arrives meanwhile.
export interface RequestGateOptions {
  perMinute: number;
  burst: number;
  minIntervalMs: number;
  /**
   * A request that waited behind another one starts only once no trigger has joined it for this long (bounded
   * by maxSettleMs), so a burst spread over seconds (each pull MAC-checked by the card) costs one request.
   */
  settleMs?: number;
  /** The longest a waiting request is held back by settleMs. */
  maxSettleMs?: number;
  now: () => number;
}

export class RequestGate {
  private tokens: number;
  private refilledAt: number;
  private lastStart = -Infinity;

  constructor(private readonly opts: RequestGateOptions) {
    this.tokens = opts.burst;
    this.refilledAt = opts.now();
  }

  private refill(now: number): void {
    const perMs = this.opts.perMinute / 60_000;
    this.tokens = Math.min(this.opts.burst, this.tokens + (now - this.refilledAt) * perMs);
    this.refilledAt = now;
  }

  /** Milliseconds until a request may start (0 = now). */
  delayMs(): number {
    const now = this.opts.now();
    this.refill(now);
    const forToken = this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / (this.opts.perMinute / 60_000));
    const forInterval = Math.max(0, this.lastStart + this.opts.minIntervalMs - now);
    return Math.max(forToken, forInterval);
  }

  /** Records a start; call only when delayMs() is 0. */
  take(): void {
    const now = this.opts.now();
    this.refill(now);
    this.tokens = Math.max(0, this.tokens - 1);
    this.lastStart = now;
  }
}
