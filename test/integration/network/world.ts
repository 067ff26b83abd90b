/** A terminal (software card + GBA + BSM client + LTKM listener) against the simulated network, on loopback. */
import { BsmClient, LtkmListener, MeLtkmProcessor, MemoryKeyStore, credentialsFromGba, type LtkmProcessor } from '../../../src/bsm/index.js';
import { GbaClient, createHttpTransport, keyDomainIdFromPlmn, plmnFromImsi, type RetryClock } from '../../../src/gba/index.js';
import { startSimNetwork, type SmsSink } from '../../../src/sim/network/index.js';
import { silentLogger } from '../../unit/gba/harness.js';
import { SoftwareCard, TEST_BSM_FQDN, TEST_SUBSCRIBER } from '../../unit/gba/software-card.js';

export const KEY_DOMAIN = Buffer.from(keyDomainIdFromPlmn(plmnFromImsi(TEST_SUBSCRIBER.imsi, TEST_SUBSCRIBER.mncLength))).toString('hex');
export const SERVICES = [
  { serviceId: 'urn:svc:news', keyDomainId: KEY_DOMAIN, keyGroup: 0x0101 },
  { serviceId: 'urn:svc:sport', keyDomainId: KEY_DOMAIN, keyGroup: 0x0202 },
  { serviceId: 'urn:svc:movies', keyDomainId: KEY_DOMAIN, keyGroup: 0x0303 },
];

export interface WorldOptions {
  gbaU: boolean;
  cardSqn?: number;
  clock?: RetryClock;
  maxAttempts?: number;
  btidLifetimeSec?: number;
  smsSink?: SmsSink;
  allowedSources?: string[];
}

export async function startWorld(o: WorldOptions) {
  const net = await startSimNetwork({
    subscribers: [TEST_SUBSCRIBER],
    bsmFqdn: TEST_BSM_FQDN,
    services: SERVICES,
    subscriptions: { [TEST_SUBSCRIBER.imsi]: ['urn:svc:news', 'urn:svc:sport'] },
    btidLifetimeSec: o.btidLifetimeSec ?? 3600,
    ...(o.smsSink ? { smsSink: o.smsSink } : {}),
    logger: silentLogger,
  });
  const card = new SoftwareCard({ ...TEST_SUBSCRIBER, sqn: o.cardSqn ?? TEST_SUBSCRIBER.sqn, gbaU: o.gbaU, bsmFqdn: TEST_BSM_FQDN });
  const http = createHttpTransport();
  const retry = { baseMs: 50, maxMs: 400, maxAttempts: o.maxAttempts ?? 6 };
  const clock = o.clock ? { clock: o.clock } : {};
  const gba = new GbaClient({ card, http, bsmFqdn: TEST_BSM_FQDN, bsfUrl: net.urls.bsf, mode: 'auto', timeoutMs: 2000, retry, logger: silentLogger, localAddress: () => '127.0.0.1', ...clock });
  const bsm = new BsmClient({ bsmUrl: net.urls.bsm, bsmFqdn: TEST_BSM_FQDN, credentials: credentialsFromGba(gba), http, timeoutMs: 2000, retry, logger: silentLogger, localAddress: () => '127.0.0.1', ...clock });
  const meKeys = new MemoryKeyStore();
  const me = new MeLtkmProcessor({ muk: () => gba.session?.muk ?? null, btid: () => gba.session?.btid ?? null, store: meKeys });
  const processor: LtkmProcessor = o.gbaU ? card : me;
  const pulls: Array<{ keyGroup: number; via: string }> = [];
  const stored: Array<{ keyDomainId: string; keyGroup: number; keyNumber: number }> = [];
  const listener = new LtkmListener({
    processor,
    port: 0,
    bindAddress: '127.0.0.1',
    allowedSources: o.allowedSources ?? ['127.0.0.1'],
    onSolicitedPull: (p) => {
      pulls.push({ keyGroup: p.keyGroup, via: p.from.via });
    },
    onKeyStored: (s) => {
      stored.push({ keyDomainId: s.keyDomainId, ...s.mskId });
    },
    logger: silentLogger,
  });
  const { port } = await listener.start();
  net.bsm.terminalLtkmPort = port;
  const keys = o.gbaU ? card.keys : meKeys;
  /** Resolves once `pred` holds (polled: drops have no callback). */
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
    card,
    gba,
    bsm,
    listener,
    port,
    keys,
    pulls,
    stored,
    until,
    close: async () => {
      gba.close();
      http.close();
      await listener.stop();
      await net.close();
    },
  };
}
