/**
 * Shared by the GBA / BSM / network tests: a silent logger (unhandled rejections fail the run), the test
 * subscriber the simulated network knows, a BSF on loopback, and the terminal's card as the daemon has it:
 * a virtual USIM behind the in-process transport and the real card adapter.
 */
import { pino, type Logger } from 'pino';
import { Card, InProcessTransport, type GbaModeSetting } from '../../../src/card/index.js';
import { AUTHENTICATE, AUTH_TAG, decodeCommandApdu } from '../../../src/codec/usim/index.js';
import { createHttpTransport, type RetryClock } from '../../../src/gba/index.js';
import { EventLog, Faults, SimBsf, normaliseSubscriber } from '../../../src/sim/network/index.js';
import { testSubscriber, type Subscriber } from '../../../src/sim/subscriber.js';
import { VirtualUsim, type UsimProfile } from '../../../src/sim/usim/index.js';

process.on('unhandledRejection', (e) => {
  throw e;
});

export const silentLogger: Logger = pino({ level: 'silent' });

/** The subscriber of the simulated network (HSS / BSF); the virtual USIM gets its own copy. */
export const SUBSCRIBER: Readonly<Subscriber> = testSubscriber();
/** A BSM FQDN in the subscriber's test PLMN 001-01. */
export const BSM_FQDN = 'bsm.mnc001.mcc001.pub.3gppnetwork.org';

/** A clock that records the delays asked for and does not wait. */
export function recordingClock(): RetryClock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms) => void sleeps.push(ms), random: () => 1 };
}

export async function startBsf(opts: { lifetimeSec?: number } = {}) {
  const faults = new Faults();
  const events = new EventLog();
  const bsf = new SimBsf({ subscribers: [normaliseSubscriber(SUBSCRIBER)], port: 0, lifetimeSec: opts.lifetimeSec ?? 3600, faults, events, logger: silentLogger });
  await bsf.start();
  const http = createHttpTransport();
  return {
    bsf,
    faults,
    events,
    http,
    close: async () => {
      http.close();
      await bsf.close();
    },
  };
}

/** Which AUTHENTICATE a command APDU is (TS 31.102 §7.1.2), or null for any other command. */
export type AuthenticateKind = '3g' | 'gba-bootstrap' | 'gba-naf' | 'mbms';
function authenticateKind(apdu: Uint8Array): AuthenticateKind | null {
  const c = decodeCommandApdu(apdu);
  if (c.ins !== AUTHENTICATE.INS && c.ins !== AUTHENTICATE.INS_ODD) return null;
  if (c.p2 === AUTHENTICATE.P2_3G) return '3g';
  if (c.p2 === AUTHENTICATE.P2_MBMS) return 'mbms';
  if (c.p2 === AUTHENTICATE.P2_GBA) return c.data[0] === AUTH_TAG.GBA_BOOTSTRAP ? 'gba-bootstrap' : 'gba-naf';
  return null;
}

export interface TestCardOptions {
  /** 'full' (GBA_U + MBMS security) or 'aka-only' (the terminal runs GBA_ME). Default 'full'. */
  profile?: UsimProfile;
  /** Board config card.gbaMode; the daemon gives the same setting to the GBA client. Default 'auto'. */
  gbaMode?: GbaModeSetting;
  /** Fields of the card's subscriber that differ from the network's (a stale or advanced SQN, another K). */
  subscriber?: Partial<Subscriber>;
}

/**
 * The daemon's card over a virtual USIM, brought up to 'ready'. `auths` lists the AUTHENTICATE commands
 * the USIM was sent, in order: which security context did the work.
 */
export async function startCard(o: TestCardOptions = {}) {
  const usim = new VirtualUsim({ subscriber: testSubscriber(o.subscriber), profile: o.profile ?? 'full' });
  const auths: AuthenticateKind[] = [];
  const card = new Card({
    transport: new InProcessTransport(usim),
    gbaMode: o.gbaMode ?? 'auto',
    onExchange: (e) => {
      const kind = authenticateKind(e.command);
      if (kind) auths.push(kind);
    },
  });
  await card.start();
  if (card.state !== 'ready') throw new Error(`the virtual USIM did not come up (${card.state})`);
  return { usim, card, auths };
}
