/**
 * The port between the USIM logic and whatever carries APDUs: PC/SC (a real or virtual card behind
 * pcscd) or the virtual USIM in-process. A transport moves bytes and reports card presence; it knows
 * nothing about status words.
 */
import type { EventEmitter } from 'node:events';

export interface CardTransportEvents {
  /** A card is present and powered; `atr` is its Answer To Reset. */
  inserted: [atr: Uint8Array];
  removed: [];
  /** Something noteworthy but recoverable (e.g. pcscd went away; reconnecting). */
  warning: [message: string];
}

export interface CardTransport extends EventEmitter<CardTransportEvents> {
  readonly kind: 'pcsc' | 'in-process';
  /** Human-readable, e.g. the PC/SC reader name. */
  readonly name: string;
  /** True while a card is present and connected. */
  readonly present: boolean;
  /** ATR of the present card, else null. */
  readonly atr: Uint8Array | null;
  /** One command APDU → the raw response APDU (data || SW1 SW2). Throws CardRemovedError without a card. */
  transmit(apdu: Uint8Array): Promise<Uint8Array>;
  /** Warm reset of the card (selection and PIN state are lost). */
  reset(): Promise<void>;
  /** Releases everything (PC/SC readers and context, timers). Idempotent. */
  close(): Promise<void>;
}
