// The LTKM path as wired on this board: the listener (UDP socket under the board's bind and source policy, the SMS
// path's entry point too), its processor (the card: USIM in GBA_U, the adapter's ME side in GBA_ME), and what it
// reports, to the terminal (outcomes) and to the event stream (the steps of each message).
import type { Logger } from 'pino';
import type { BoardConfig } from './config/index.js';
import type { Card } from '../card/index.js';
import type { Modem } from '../modem/index.js';
import { LtkmListener, type LtkmDropReason } from '../bsm/index.js';
import type { LtkmRejectReason, PublishPort } from '../terminal/ports.js';
import type { Terminal } from '../terminal/terminal.js';
import { cardLtkmProcessor } from './card-wiring.js';
import type { Closers } from './setup/closers.js';

/** How long an LTKM that found no MUK before the first registration waits for GBA (and the registration). */
const KEYS_READY_TIMEOUT_MS = 60_000;

const DROP_REASONS: Record<LtkmDropReason, LtkmRejectReason> = {
  source: 'source',
  malformed: 'malformed',
  unexpected: 'unsupported',
  'keyless-v-set': 'keyless-v-set',
  mac: 'mac',
  replay: 'replay',
  'no-muk': 'no-keys',
  error: 'card',
  overload: 'overload',
};

export interface LtkmWiring {
  config: BoardConfig;
  card: Card;
  modem: Modem;
  publish: PublishPort;
  /** The terminal, once built (it takes the listener as its intake port, so it comes after). */
  terminal: () => Terminal | null;
  closers: Closers;
  log: Logger;
  daemonLog: Logger;
}

export async function startLtkmListener({ config, card, modem, publish, terminal, closers, log, daemonLog }: LtkmWiring): Promise<LtkmListener> {
  const gbaMode = () => card.info?.capabilities.gbaMode ?? null;
  const listener = new LtkmListener({
    // An LTKM before bring-up (a pull by SMS read at start) waits for the card, and for GBA when it found no MUK.
    processor: cardLtkmProcessor(card, { keysReady: () => terminal()?.whenReady(KEYS_READY_TIMEOUT_MS) ?? Promise.resolve(false) }),
    port: config.network.ltkmPort,
    // "pdp": the PDP context's own address once it has one (re-bound when it changes), never every interface.
    bindAddress: config.network.ltkmBind === 'loopback' ? '127.0.0.1' : config.network.ltkmBind === 'pdp' ? null : config.network.ltkmBind,
    allowedSources: config.network.ltkmSources,
    onSolicitedPull: (p) => terminal()?.solicitedPull({ keyDomainId: p.keyDomainId, keyGroup: p.keyGroup }, p.from.via),
    onKeyStored: (s, from) => terminal()?.keyStored({ keyDomainId: s.keyDomainId, keyGroup: s.mskId.keyGroup, keyNumber: s.mskId.keyNumber }, from.via),
    onRejected: (reason, detail, from) => terminal()?.rejected(DROP_REASONS[reason], detail, from.via),
    onFlow: (f) => {
      if (f.step === 'received') publish.event('ltkm-received', { purpose: f.purpose, source: f.via, from: f.from, bytes: f.bytes });
      else if (f.step === 'checked') publish.event('mikey-checked', { purpose: f.purpose, ok: f.ok, ...(f.reason ? { reason: f.reason } : {}), mode: gbaMode(), durationMs: f.durationMs, source: f.via });
      else publish.event('verification-sent', { to: f.to, bytes: f.bytes });
    },
    logger: log,
  });
  if (config.network.ltkmSources.length === 0) daemonLog.warn('network.ltkmSources is empty: LTKM datagrams are accepted from any source that reaches the port');
  if (listener.bindAddress !== null) await listener.start();
  closers.add('ltkm listener', () => listener.stop());
  if (config.network.ltkmBind === 'pdp') {
    modem.on('pdp', (e) => {
      const address = e.state === 'active' ? (e.address?.ipv4 ?? e.address?.ipv6 ?? null) : null;
      if (address !== listener.bindAddress) void listener.rebind(address).catch((err: unknown) => daemonLog.error({ err: (err as Error).message, address }, 'LTKM listener could not bind the PDP address'));
    });
  }
  return listener;
}
