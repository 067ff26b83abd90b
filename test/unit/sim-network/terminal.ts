// A terminal built from the daemon's own parts, whose card is a real virtual USIM (APDUs in-process),
// against the simulated network on loopback (ports 0): GBA bootstrapping on the card, BSM registration,
// LTKM pushes stored by the USIM (GBA_U) or the card adapter's ME side (GBA_ME). So an STKM from the
// simulated BSM can be fed into the card's MTK generation exactly as the player exchange does.
import { BsmClient, LtkmListener, credentialsFromGba } from '../../../src/bsm/index.js';
import { Card, InProcessTransport, type GbaModeSetting } from '../../../src/card/index.js';
import { cardLtkmProcessor, gbaCard } from '../../../src/daemon/card-wiring.js';
import { GbaClient, createHttpTransport, keyDomainIdFromPlmn, plmnFromImsi } from '../../../src/gba/index.js';
import { startSimNetwork } from '../../../src/sim/network/index.js';
import { testSubscriber } from '../../../src/sim/subscriber.js';
import { VirtualUsim } from '../../../src/sim/usim/index.js';
import { silentLogger } from '../gba/harness.js';

export const BSM_FQDN = 'bsm.operator.example';
export const SUBSCRIBER = testSubscriber();
export const KEY_DOMAIN = Buffer.from(keyDomainIdFromPlmn(plmnFromImsi(SUBSCRIBER.imsi, SUBSCRIBER.mncLength))).toString('hex');
export const NEWS = 'urn:svc:news';
export const SPORT = 'urn:svc:sport';
const SERVICES = [
  { serviceId: NEWS, keyDomainId: KEY_DOMAIN, keyGroup: 0x0101 },
  { serviceId: SPORT, keyDomainId: KEY_DOMAIN, keyGroup: 0x0202 },
];

export async function startTerminal(o: { gbaMode: GbaModeSetting }) {
  const net = await startSimNetwork({
    subscribers: [SUBSCRIBER],
    bsmFqdn: BSM_FQDN,
    services: SERVICES,
    subscriptions: { [SUBSCRIBER.imsi]: [NEWS, SPORT] },
    logger: silentLogger,
  });
  const usim = new VirtualUsim({ subscriber: testSubscriber() });
  const card = new Card({ transport: new InProcessTransport(usim), gbaMode: o.gbaMode });
  await card.start();
  const http = createHttpTransport();
  const retry = { baseMs: 50, maxMs: 400, maxAttempts: 3 };
  const common = { bsmFqdn: BSM_FQDN, http, timeoutMs: 2000, retry, logger: silentLogger, localAddress: () => '127.0.0.1' };
  const gba = new GbaClient({ ...common, card: gbaCard(card), bsfUrl: net.urls.bsf, mode: o.gbaMode });
  const bsm = new BsmClient({ ...common, bsmUrl: net.urls.bsm, credentials: credentialsFromGba(gba) });
  const stored: Array<{ keyDomainId: string; keyGroup: number; keyNumber: number }> = [];
  const rejected: string[] = [];
  const pulls: number[] = [];
  const listener = new LtkmListener({
    processor: cardLtkmProcessor(card),
    port: 0,
    bindAddress: '127.0.0.1',
    allowedSources: ['127.0.0.1'],
    onSolicitedPull: (p) => {
      pulls.push(p.keyGroup);
    },
    onKeyStored: (s) => {
      stored.push({ keyDomainId: s.keyDomainId, ...s.mskId });
    },
    onRejected: (reason) => {
      rejected.push(reason);
    },
    logger: silentLogger,
  });
  const { port } = await listener.start();
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
    gba,
    bsm,
    stored,
    rejected,
    pulls,
    until,
    close: async () => {
      gba.close();
      http.close();
      await listener.stop();
      await card.close();
      await net.close();
    },
  };
}
