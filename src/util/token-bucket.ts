// A token bucket: `burst` requests at once, then `perMinute` on average. take() answers at once (no waiting):
// the caller refuses or drops what does not get a token.
export interface TokenBucketOptions {
  perMinute: number;
  burst: number;
  now?: () => number;
}

export class TokenBucket {
  #tokens: number;
  #at: number;
  readonly #o: Required<TokenBucketOptions>;

  constructor(o: TokenBucketOptions) {
    this.#o = { now: Date.now, ...o };
    this.#tokens = o.burst;
    this.#at = this.#o.now();
  }

  /** Takes a token if one is there; false means over the limit. */
  take(): boolean {
    const now = this.#o.now();
    this.#tokens = Math.min(this.#o.burst, this.#tokens + ((now - this.#at) * this.#o.perMinute) / 60_000);
    this.#at = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Milliseconds until the next token (0 = one is there now). */
  waitMs(): number {
    const missing = 1 - Math.min(this.#o.burst, this.#tokens + ((this.#o.now() - this.#at) * this.#o.perMinute) / 60_000);
    return missing <= 0 ? 0 : Math.ceil((missing * 60_000) / this.#o.perMinute);
  }
}
