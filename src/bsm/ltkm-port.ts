/**
 * The port that processes LTKMs (MIKEY MSK messages): the card in GBA_U (MBMS context, MSK update
 * mode), the ME in GBA_ME. It checks the MAC and the replay counter, stores the MSK when one is
 * carried, and returns the verification message when V is set. A key-less solicited pull goes
 * through it too, so it is MAC- and replay-checked before anyone acts on it.
 */
export interface StoredMsk {
  /** 6 hex digits. */
  keyDomainId: string;
  mskId: { keyGroup: number; keyNumber: number };
}

export interface LtkmResult {
  verification?: Uint8Array;
  /** null: nothing stored (a solicited pull). */
  stored: StoredMsk | null;
}

export interface LtkmProcessor {
  processMskMessage(raw: Uint8Array): Promise<LtkmResult>;
}

export type LtkmRejectReason = 'mac' | 'replay' | 'no-muk' | 'wrong-muk' | 'bad-message';

/** Thrown by an LtkmProcessor: the card's 98 62 → 'mac', 98 65 → 'replay'. */
export class LtkmRejected extends Error {
  override readonly name = 'LtkmRejected';
  constructor(
    readonly reason: LtkmRejectReason,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Thrown by an LtkmProcessor when its key store (the card) cannot be reached right now: the message was not
 * judged, so it is kept and processed again once the card is back (LtkmListener.retryHeld).
 */
export class LtkmUnavailable extends Error {
  override readonly name = 'LtkmUnavailable';
}
