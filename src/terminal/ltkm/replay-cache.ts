// The (CSB ID, counter) pairs the card has already judged (stored, or refused as a replay): an exact repeat is a
// replay whatever bearer or source it comes from (SPEC §3.3: each LTKM carries a fresher counter), so it is turned
// away before the card. Pairs the card refused for a bad MAC are never remembered: a forger must not be able to
// spend a counter the genuine BSM will use next. Bounded; the oldest pairs are forgotten first.
import type { MikeyMessage } from '../../codec/index.js';

export class ReplayCache {
  readonly #seen = new Set<string>();
  constructor(private readonly max = 4096) {}

  static keyOf(msg: MikeyMessage): string | null {
    const t = msg.payloads.find((p) => p.type === 'T');
    return t !== undefined && t.tsType === 2 ? `${msg.hdr.csbId}:${t.counter}` : null;
  }

  has(key: string | null): boolean {
    return key !== null && this.#seen.has(key);
  }

  add(key: string | null): void {
    if (key === null || this.#seen.has(key)) return;
    this.#seen.add(key);
    if (this.#seen.size > this.max) this.#seen.delete(this.#seen.values().next().value!);
  }
}
