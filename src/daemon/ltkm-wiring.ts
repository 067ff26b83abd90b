// The LTKM path as wired on this board (DESIGN "The LTKM path"): one intake (decode once, the cheap refusals, the
// key processor — the USIM in GBA_U, the card adapter's ME side in GBA_ME —, one outcome for the terminal) and its
// bearers: UDP (socket under the board's bind and source policy, verification reply) and SMS (WAP pushes the modem
// hands over). The steps of each message also go to the event stream.
import type { Logger } from 'pino';
import type { BoardConfig } from './config/index.js';
import type { Card } from '../card/index.js';
import type { Modem } from '../modem/index.js';
import { UdpBearer } from '../bsm/index.js';
import { LtkmIntake } from '../terminal/ltkm/intake.js';
import { SmsBearer } from '../terminal/ltkm/sms-bearer.js';
import type { Terminal } from '../terminal/terminal.js';
import { cardKeyProcessor } from './card-wiring.js';
import type { DaemonPublishPort } from './ports/publish-port.js';
import type { Closers } from './setup/closers.js';

/** How long an LTKM that found no MUK before the first registration waits for GBA (and the registration). */
const KEYS_READY_TIMEOUT_MS = 60_000;

export interface LtkmWiring {
  config: BoardConfig;
  card: Card;
  modem: Modem;
  publish: DaemonPublishPort;
  /** The terminal, once built (outcomes that arrive before it are the intake's to hold). */
  terminal: () => Terminal | null;
  closers: Closers;
  log: Logger;
  daemonLog: Logger;
}

export interface LtkmPath {
  intake: LtkmIntake;
  udp: UdpBearer;
  sms: SmsBearer;
}

export async function startLtkmPath({ config, card, modem, publish, terminal, closers, log, daemonLog }: LtkmWiring): Promise<LtkmPath> {
  const gbaMode = () => card.info?.capabilities.gbaMode ?? null;
  const ltkmLog = log.child({ component: 'bsm', part: 'ltkm' });
  const intake = new LtkmIntake({
    // An LTKM before bring-up (a pull by SMS read at start) waits for the card, and for GBA when it found no MUK.
    processor: cardKeyProcessor(card, { keysReady: () => terminal()?.whenReady(KEYS_READY_TIMEOUT_MS) ?? Promise.resolve(false) }),
    onOutcome: (o) => terminal()?.ltkmOutcome(o),
    onFlow: (f) => {
      if (f.step === 'received') publish.event('ltkm-received', { purpose: f.purpose, source: f.via, from: f.from, bytes: f.bytes });
      else if (f.step === 'checked') publish.event('mikey-checked', { purpose: f.purpose, ok: f.ok, ...(f.reason ? { reason: f.reason } : {}), mode: gbaMode(), durationMs: f.durationMs, source: f.via });
      else publish.event('verification-sent', { to: f.to, bytes: f.bytes });
    },
    logger: ltkmLog,
  });
  closers.add('ltkm intake', () => intake.idle());
  const udp = new UdpBearer({
    sink: intake,
    port: config.network.ltkmPort,
    // "pdp": the PDP context's own address once it has one (re-bound when it changes), never every interface.
    bindAddress: config.network.ltkmBind === 'loopback' ? '127.0.0.1' : config.network.ltkmBind === 'pdp' ? null : config.network.ltkmBind,
    allowedSources: config.network.ltkmSources,
    logger: ltkmLog,
  });
  if (config.network.ltkmSources.length === 0) daemonLog.warn('network.ltkmSources is empty: LTKM datagrams are accepted from any source that reaches the port');
  if (udp.bindAddress !== null) await udp.start();
  closers.add('ltkm udp bearer', () => udp.stop());
  if (config.network.ltkmBind === 'pdp') {
    modem.on('pdp', (e) => {
      const address = e.state === 'active' ? (e.address?.ipv4 ?? e.address?.ipv6 ?? null) : null;
      if (address !== udp.bindAddress) void udp.rebind(address).catch((err: unknown) => daemonLog.error({ err: (err as Error).message, address }, 'LTKM listener could not bind the PDP address'));
    });
  }
  const sms = new SmsBearer({ intake, onTriggerMessage: (source) => terminal()?.triggerMessage(source) });
  return { intake, udp, sms };
}
