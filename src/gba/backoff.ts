/**
 * Exponential backoff with full jitter, capped (board config `network.retry`): attempt n (1-based)
 * waits a random time in [delay/2, delay] where delay = min(maxMs, baseMs * 2^(n-1)). Clock and
 * randomness are injectable so tests can assert the growing delays.
 */
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

/** Delay before retry number `retry` (1 = the first retry). */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(retry - 1, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function mayRetry(policy: RetryPolicy, attemptsMade: number): boolean {
  return policy.maxAttempts === 0 || attemptsMade < policy.maxAttempts;
}
