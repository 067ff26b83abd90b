// A terminal built from the daemon's own parts, whose card is a real virtual USIM (APDUs in-process),
// against the simulated network on loopback (ports 0): GBA bootstrapping on the card, BSM registration,
// LTKM pushes stored by the USIM (GBA_U) or the card adapter's ME side (GBA_ME). So an STKM from the
// simulated BSM can be fed into the card's MTK generation exactly as the player exchange does.
// The network integration tests (test/integration/network/world.ts) build on this too.
import { BsmClient, UdpBearer, credentialsFromGba } from '../../../src/bsm/index.js';
import { cardKeyProcessor, gbaCard } from '../../../src/daemon/card-wiring.js';
import { LtkmIntake } from '../../../src/terminal/ltkm/intake.js';
import type { LtkmSource } from '../../../src/terminal/ltkm/types.js';
import { GbaClient, createHttpTransport, keyDomainIdFromPlmn, plmnFromImsi, type RetryClock } from '../../../src/gba/index.js';
import { startSimNetwork, type SmsSink } from '../../../src/sim/network/index.js';
import { BSM_FQDN, SUBSCRIBER, silentLogger, startCard, type TestCardOptions } from '../gba/harness.js';

export { BSM_FQDN, SUBSCRIBER };
export const KEY_DOMAIN = Buffer.from(keyDomainIdFromPlmn(plmnFromImsi(SUBSCRIBER.imsi, SUBSCRIBER.mncLength))).toString('hex');
export const NEWS = 'urn:svc:news';
export const SPORT = 'urn:svc:sport';
export const MOVIES = 'urn:svc:movies';
/** The BSM's services; the subscriber has bought news and sport, movies is for sale on the portal. */
export const SERVICES = [
  { serviceId: NEWS, keyDomainId: KEY_DOMAIN, keyGroup: 0x0101 },
  { serviceId: SPORT, keyDomainId: KEY_DOMAIN, keyGroup: 0x0202 },
  { serviceId: MOVIES, keyDomainId: KEY_DOMAIN, keyGroup: 0x0303 },
];

export interface TerminalOptions {
  /** Board config card.gbaMode, for the card adapter and the GBA client alike (as the daemon does). Default 'auto'. */
  gbaMode?: TestCardOptions['gbaMode'];
  /** The virtual USIM's profile: 'aka-only' makes an 'auto' terminal run GBA_ME. Default 'full'. */
  profile?: TestCardOptions['profile'];
  /** SQN_MS the USIM starts with; the network starts at the subscriber's (0). */
  cardSqn?: number;
  clock?: RetryClock;
  maxAttempts?: number;
  btidLifetimeSec?: number;
  smsSink?: SmsSink;
  allowedSources?: string[];
}

export async function startTerminal(o: TerminalOptions = {}) {
  const net = await startSimNetwork({
    subscribers: [SUBSCRIBER],
    bsmFqdn: BSM_FQDN,
    services: SERVICES,
    subscriptions: { [SUBSCRIBER.imsi]: [NEWS, SPORT] },
    btidLifetimeSec: o.btidLifetimeSec ?? 3600,
    ...(o.smsSink ? { smsSink: o.smsSink } : {}),
    logger: silentLogger,
  });
  const gbaMode = o.gbaMode ?? 'auto';
  const { usim, card, auths } = await startCard({
    gbaMode,
    ...(o.profile ? { profile: o.profile } : {}),
    ...(o.cardSqn !== undefined ? { subscriber: { sqn: o.cardSqn } } : {}),
  });
  const http = createHttpTransport();
  const retry = { baseMs: 50, maxMs: 400, maxAttempts: o.maxAttempts ?? 6 };
  const common = { bsmFqdn: BSM_FQDN, http, timeoutMs: 2000, retry, logger: silentLogger, localAddress: () => '127.0.0.1', ...(o.clock ? { clock: o.clock } : {}) };
  const gba = new GbaClient({ ...common, card: gbaCard(card), bsfUrl: net.urls.bsf, mode: gbaMode });
  const bsm = new BsmClient({ ...common, bsmUrl: net.urls.bsm, credentials: credentialsFromGba(gba) });
  const stored: Array<{ keyDomainId: string; keyGroup: number; keyNumber: number }> = [];
  const rejected: string[] = [];
  const pulls: Array<{ keyGroup: number; via: LtkmSource['via'] }> = [];
  const intake = new LtkmIntake({
    processor: cardKeyProcessor(card),
    onOutcome: (x) => {
      if (x.kind === 'pull') pulls.push({ keyGroup: x.keyGroup, via: x.source.via });
      else if (x.kind === 'stored') stored.push({ keyDomainId: x.msk.keyDomainId, ...x.msk.mskId });
      else rejected.push(x.reason);
    },
    logger: silentLogger,
  });
  const udp = new UdpBearer({ sink: intake, port: 0, bindAddress: '127.0.0.1', allowedSources: o.allowedSources ?? ['127.0.0.1'], logger: silentLogger });
  const { port } = await udp.start();
  net.bsm.terminalLtkmPort = port;
  /** Resolves once `pred` holds (polled: a dropped datagram has no callback). */
  const until = (pred: () => boolean, timeoutMs = 5000) =>
    new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const check = () => {
        if (pred()) return resolve();
        if (Date.now() - started > timeoutMs) return reject(new Error('timed out'));
        setTimeout(check, 5);
      };
      check();
    });
  return {
    net,
    usim,
    card,
    /** The AUTHENTICATE commands the USIM was sent, in order. */
    auths,
    gba,
    bsm,
    intake,
    udp,
    port,
    stored,
    rejected,
    pulls,
    until,
    close: async () => {
      gba.close();
      http.close();
      await udp.stop();
      await intake.idle();
      await card.close();
      await net.close();
    },
  };
}
