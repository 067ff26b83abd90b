/**
 * Picks the transport the board config asks for: "pcsc" (pcscd must be usable), "in-process" (the
 * virtual USIM inside the daemon, sim board only) or "auto" (PC/SC when it works, else in-process
 * when a virtual card is on offer). The caller supplies the virtual card: src/card does not know it.
 */
import type { Logger } from 'pino';
import { CardStateError, PcscUnavailableError } from './errors.js';
import { InProcessTransport, type InProcessCard } from './in-process.js';
import { PcscTransport } from './pcsc.js';
import type { CardTransport } from './transport.js';

export interface OpenTransportOptions {
  transport: 'pcsc' | 'in-process' | 'auto';
  readerPattern: string;
  logger?: Logger;
  /** The in-process card (the sim board's virtual USIM), created on demand. */
  inProcessCard?: () => InProcessCard;
  /** Loads pcsclite; tests inject failures. */
  loadPcsc?: () => Promise<unknown>;
}

export async function openCardTransport(o: OpenTransportOptions): Promise<CardTransport> {
  const inProcess = (): CardTransport => {
    if (!o.inProcessCard) throw new CardStateError('card transport "in-process" needs the virtual USIM (sim board only)');
    return new InProcessTransport(o.inProcessCard());
  };
  if (o.transport === 'in-process') return inProcess();
  try {
    return await PcscTransport.open({ readerPattern: o.readerPattern, ...(o.logger ? { logger: o.logger } : {}), ...(o.loadPcsc ? { load: o.loadPcsc } : {}) });
  } catch (e) {
    if (o.transport === 'auto' && e instanceof PcscUnavailableError && o.inProcessCard) {
      o.logger?.info({ why: e.message }, 'PC/SC unavailable; using the in-process virtual USIM');
      return inProcess();
    }
    throw e;
  }
}
