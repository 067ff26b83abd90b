/**
 * Fault injection for the simulated network: each counted fault applies to the next N occurrences.
 * Set through the control API or directly by tests. `vBitPull`: the next solicited pull goes out with the V bit
 * set (a key-less message that is not a pull, SPEC §3.3). `registerDelayMs`: the BSM holds its answer to an
 * authenticated registration that long (after recording it), so a test can act while one is in flight.
 */
export const COUNTED_FAULTS = ['bsf5xx', 'bsm5xx', 'bsm403', 'dropDatagram', 'staleNonce', 'wrongMac', 'replayCounter', 'resetConnection', 'vBitPull'] as const;
export type CountedFault = (typeof COUNTED_FAULTS)[number];

export interface FaultSettings {
  /** Extra latency of every BSF/BSM HTTP answer, ms. */
  delayMs: number;
  /** Extra latency of the BSM's answer to an authenticated registration (recorded before the wait), ms. */
  registerDelayMs: number;
  counts: Record<CountedFault, number>;
}

export class Faults {
  readonly settings: FaultSettings = { delayMs: 0, registerDelayMs: 0, counts: Object.fromEntries(COUNTED_FAULTS.map((f) => [f, 0])) as Record<CountedFault, number> };

  inject(f: CountedFault, times = 1): void {
    this.settings.counts[f] += times;
  }
  /** True (and one use consumed) when `f` is armed. */
  take(f: CountedFault): boolean {
    if (this.settings.counts[f] <= 0) return false;
    this.settings.counts[f]--;
    return true;
  }
  setDelay(ms: number): void {
    this.settings.delayMs = ms;
  }
  setRegisterDelay(ms: number): void {
    this.settings.registerDelayMs = ms;
  }
  clear(): void {
    for (const f of COUNTED_FAULTS) this.settings.counts[f] = 0;
    this.settings.delayMs = 0;
    this.settings.registerDelayMs = 0;
  }
  snapshot(): FaultSettings {
    return { delayMs: this.settings.delayMs, registerDelayMs: this.settings.registerDelayMs, counts: { ...this.settings.counts } };
  }
}

export function isCountedFault(v: unknown): v is CountedFault {
  return typeof v === 'string' && (COUNTED_FAULTS as readonly string[]).includes(v);
}
