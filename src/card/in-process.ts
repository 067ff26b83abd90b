/**
 * The transport of the zero-install default: calls a card object directly (the virtual USIM) instead
 * of going through pcscd. Presence follows the card's own inserted/removed events.
 */
import { EventEmitter } from 'node:events';
import { CardRemovedError } from './errors.js';
import type { CardTransport, CardTransportEvents } from './transport.js';

/** What the in-process transport needs of a card; the virtual USIM has this shape. */
export interface InProcessCard {
  readonly atr: Readonly<Uint8Array>;
  readonly present: boolean;
  transmit(apdu: Uint8Array): Promise<Uint8Array>;
  reset(): void;
  on(event: 'inserted' | 'removed', listener: () => void): unknown;
  off(event: 'inserted' | 'removed', listener: () => void): unknown;
}

export class InProcessTransport extends EventEmitter<CardTransportEvents> implements CardTransport {
  readonly kind = 'in-process';
  readonly name = 'in-process virtual USIM';
  readonly #card: InProcessCard;
  #closed = false;
  readonly #onInserted = () => this.emit('inserted', Uint8Array.from(this.#card.atr));
  readonly #onRemoved = () => this.emit('removed');

  constructor(card: InProcessCard) {
    super();
    this.#card = card;
    card.on('inserted', this.#onInserted);
    card.on('removed', this.#onRemoved);
  }

  get present(): boolean {
    return !this.#closed && this.#card.present;
  }
  get atr(): Uint8Array | null {
    return this.present ? Uint8Array.from(this.#card.atr) : null;
  }

  async transmit(apdu: Uint8Array): Promise<Uint8Array> {
    if (!this.present) throw new CardRemovedError();
    try {
      return await this.#card.transmit(apdu);
    } catch (e) {
      if (!this.#card.present) throw new CardRemovedError('removed during the command', e);
      throw e;
    }
  }

  async reset(): Promise<void> {
    if (!this.present) throw new CardRemovedError();
    this.#card.reset();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#card.off('inserted', this.#onInserted);
    this.#card.off('removed', this.#onRemoved);
  }
}
