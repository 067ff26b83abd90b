/** Starts the whole simulated operator network on loopback: BSF, BSM (+ LTKM UDP), portal, control API. */
import type { Logger } from 'pino';
import { SimBroadcast } from './broadcast.js';
import { SimBsf } from './bsf.js';
import { SimBsm, type SimService } from './bsm.js';
import { SimControlApi, type SimCardSlot, type SimRadio } from './control-api.js';
import { EventLog } from './event-log.js';
import { Faults } from './faults.js';
import type { SmsSink } from './ltkm-sender.js';
import { SimPortal } from './portal.js';
import { normaliseSubscriber, type SubscriberInput } from './subscriber.js';

export interface SimNetworkOptions {
  subscribers: SubscriberInput[];
  bsmFqdn: string;
  services: SimService[];
  /** Services each IMSI has bought at start. */
  subscriptions?: Record<string, string[]>;
  /** Ports as in the board config `sim` section; 0 = ephemeral. */
  ports?: { bsf?: number; bsm?: number; portal?: number; control?: number };
  terminalLtkmPort?: number;
  btidLifetimeSec?: number;
  nonceLifetimeMs?: number;
  smsSink?: SmsSink;
  /** The simulated modem's radio controls, for the control API (the sim board attaches it). */
  radio?: () => SimRadio | undefined;
  /** First UDP port of the broadcast (two per service: RTP, STKM); default 18090. */
  broadcastPortBase?: number;
  /** The virtual USIM's slot, for POST /card. */
  card?: () => SimCardSlot | undefined;
  logger: Logger;
}

export interface SimNetwork {
  bsf: SimBsf;
  bsm: SimBsm;
  portal: SimPortal;
  control: SimControlApi;
  /** Off until asked (control API): it costs a GStreamer child per service. */
  broadcast: SimBroadcast;
  faults: Faults;
  events: EventLog;
  urls: { bsf: string; bsm: string; portal: string; control: string };
  close(): Promise<void>;
}

export async function startSimNetwork(o: SimNetworkOptions): Promise<SimNetwork> {
  // For the parts that do not name their component; the BSF, BSM and broadcast bind {component:'sim', part} themselves
  // (binding it twice wrote "component" twice into each of their JSON lines).
  const logger = o.logger.child({ component: 'sim' });
  const faults = new Faults();
  const events = new EventLog();
  const bsf = new SimBsf({ subscribers: o.subscribers.map(normaliseSubscriber), port: o.ports?.bsf ?? 0, lifetimeSec: o.btidLifetimeSec ?? 3600, faults, events, logger: o.logger });
  const bsm = new SimBsm({
    fqdn: o.bsmFqdn,
    port: o.ports?.bsm ?? 0,
    bsf,
    services: o.services,
    subscriptions: o.subscriptions ?? {},
    terminalLtkmPort: o.terminalLtkmPort ?? 4359,
    ...(o.nonceLifetimeMs !== undefined ? { nonceLifetimeMs: o.nonceLifetimeMs } : {}),
    faults,
    events,
    logger: o.logger,
    ...(o.smsSink ? { smsSink: o.smsSink } : {}),
  });
  const broadcast = new SimBroadcast({ bsm, terminals: () => o.subscribers.map((s) => s.imsi), events, logger: o.logger, ...(o.broadcastPortBase !== undefined ? { portBase: o.broadcastPortBase } : {}) });
  const portal = new SimPortal({ bsm, events, port: o.ports?.portal ?? 0, logger });
  const control = new SimControlApi({ bsf, bsm, faults, events, broadcast, port: o.ports?.control ?? 0, logger, ...(o.radio ? { radio: o.radio } : {}), ...(o.card ? { card: o.card } : {}) });
  const started: Array<{ close(): Promise<void> }> = [];
  try {
    await bsf.start();
    started.push(bsf);
    await bsm.start();
    started.push(bsm);
    await portal.start();
    started.push(portal);
    await control.start();
    started.push(control);
  } catch (e) {
    for (const s of started.reverse()) await s.close();
    throw e;
  }
  return {
    bsf,
    bsm,
    portal,
    control,
    broadcast,
    faults,
    events,
    urls: { bsf: bsf.url, bsm: bsm.url, portal: portal.url, control: control.url },
    close: async () => {
      await control.close();
      await broadcast.close();
      await portal.close();
      await bsm.close();
      await bsf.close();
    },
  };
}
