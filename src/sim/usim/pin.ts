/**
 * PIN1 of the virtual USIM (TS 102 221 §11.1.9 VERIFY): 3 tries, 63Cx on a wrong PIN, 6983 once
 * blocked. Verification lasts until the card is reset or removed.
 */
import { PIN_LENGTH, encodePin } from '../../codec/usim/index.js';
import { CardStatus, SW } from './card-status.js';

const MAX_TRIES = 3;

export class PinState {
  readonly #pin: Uint8Array | null;
  #tries = MAX_TRIES;
  #verified = false;

  constructor(pin: string | null) {
    this.#pin = pin === null ? null : encodePin(pin);
  }

  get enabled(): boolean {
    return this.#pin !== null;
  }
  /** Access condition PIN1 satisfied (or no PIN). */
  get satisfied(): boolean {
    return this.#pin === null || this.#verified;
  }
  get triesLeft(): number {
    return this.#tries;
  }

  reset(): void {
    this.#verified = false;
  }

  /** VERIFY: no data → status; data → check. Returns normally on 9000. */
  verify(data: Uint8Array): void {
    if (this.#pin === null) {
      if (data.length === 0) return;
      throw new CardStatus(SW.CONDITIONS_NOT_SATISFIED, 'PIN disabled');
    }
    if (this.#tries === 0) throw new CardStatus(SW.PIN_BLOCKED, 'PIN blocked');
    if (data.length === 0) {
      if (this.#verified) return;
      throw new CardStatus(0x63c0 | this.#tries, 'PIN not verified');
    }
    if (data.length !== PIN_LENGTH) throw new CardStatus(SW.WRONG_LENGTH);
    if (data.every((b, i) => b === this.#pin![i])) {
      this.#tries = MAX_TRIES;
      this.#verified = true;
      return;
    }
    this.#tries--;
    this.#verified = false;
    throw new CardStatus(this.#tries === 0 ? SW.PIN_BLOCKED : 0x63c0 | this.#tries, 'wrong PIN');
  }
}
