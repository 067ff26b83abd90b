// The terminal's card port over the card adapter: ready once the USIM is selected, with the home Key Domain and
// the GBA flavour the card decided.
import type { Card } from '../../card/index.js';
import type { CardPort } from '../../terminal/ports.js';

export function cardPort(card: Card, timeoutMs: number): CardPort {
  return {
    ready: async () => {
      await card.waitFor('ready', timeoutMs);
      const info = card.info!;
      return { homeKeyDomainId: info.keyDomainId, gbaMode: info.capabilities.gbaMode };
    },
  };
}
