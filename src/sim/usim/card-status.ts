/**
 * How a command handler of the virtual USIM ends abnormally: it throws the status word the card
 * answers, and the dispatcher turns it into a response APDU (what a card OS does with its SW table).
 */
import { SW } from '../../codec/usim/index.js';

export class CardStatus extends Error {
  override readonly name = 'CardStatus';
  constructor(
    readonly sw: number,
    why = '',
  ) {
    super(`SW ${sw.toString(16).padStart(4, '0')}${why ? `: ${why}` : ''}`);
  }
}

export const fail = (sw: number, why?: string): never => {
  throw new CardStatus(sw, why);
};

export { SW };
