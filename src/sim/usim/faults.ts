/**
 * Fault injection of the virtual USIM: per-APDU latency, and one-shot faults the next matching
 * command consumes (a MIKEY MAC check that fails, an AUTN whose SQN the card finds out of range).
 * Removal and reinsertion are methods of the card itself.
 */
export interface UsimFaultSettings {
  /** Delay before every response, in ms. */
  latencyMs: number;
}

/** One-shot faults, by the name the control API takes. */
export const USIM_ONE_SHOT_FAULTS = ['wrongMac', 'sqnOutOfRange', 'wrongMtk'] as const;
export type UsimOneShotFault = (typeof USIM_ONE_SHOT_FAULTS)[number];
type OneShot = UsimOneShotFault;

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
  /** The next MTK generation returns a corrupted TEK (as a faulty card would): the player cannot decrypt. */
  corruptNextMtk(): void {
    this.#armed.add('wrongMtk');
  }
  /** Arms a one-shot fault by name. */
  arm(f: UsimOneShotFault): void {
    this.#armed.add(f);
  }
  /** Consumes an armed fault; true when it was armed. */
  take(f: OneShot): boolean {
    return this.#armed.delete(f);
  }
}
