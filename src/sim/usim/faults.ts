/**
 * Fault injection of the virtual USIM: per-APDU latency, and one-shot faults the next matching
 * command consumes (a MIKEY MAC check that fails, an AUTN whose SQN the card finds out of range).
 * Removal and reinsertion are methods of the card itself.
 */
export interface UsimFaultSettings {
  /** Delay before every response, in ms. */
  latencyMs: number;
}

type OneShot = 'wrongMac' | 'sqnOutOfRange';

export class UsimFaults {
  readonly settings: UsimFaultSettings = { latencyMs: 0 };
  readonly #armed = new Set<OneShot>();

  /** The next MIKEY MAC check fails (as if the message had been corrupted in transit). */
  failNextMac(): void {
    this.#armed.add('wrongMac');
  }
  /** The next AUTN's SQN is treated as out of range: the card answers a synchronisation failure. */
  rejectNextSqn(): void {
    this.#armed.add('sqnOutOfRange');
  }
  /** Consumes an armed fault; true when it was armed. */
  take(f: OneShot): boolean {
    return this.#armed.delete(f);
  }
}
