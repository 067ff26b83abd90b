// The simulated world of the `sim` board: a modem on a pseudo-terminal, a virtual USIM (through pcscd + vpcd
// when they are installed, in-process otherwise), and the operator network (BSF, BSM, SMSC, purchase portal,
// control API) on loopback. The daemon then runs exactly as on a real board against it.
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { BoardConfig } from './config/index.js';
import { startVpcdPcscd, type VpcdPcscd } from './sim-world-pcscd.js';
import { keyDomainIdFromPlmn, plmnFromImsi } from '../gba/index.js';
import { maskCommand } from '../modem/index.js';
import { maskId } from '../util/mask.js';
import { PDP_RELEASE_VARIANTS, startSimModem, type PdpReleaseVariant, type SimModem } from '../sim/modem/index.js';
import { startSimNetwork, type SimNetwork } from '../sim/network/index.js';
import { WapPushSmsGateway } from '../sim/network/wap-push-sms.js';
import { DEFAULT_SUBSCRIBER, loadSubscriber, type Subscriber } from '../sim/subscriber.js';
import { VirtualUsim, VpcdClient } from '../sim/usim/index.js';

/** The services the simulated BSM sells: ids, and the key group each one's MSKs belong to. */
export const SIM_SERVICES = [
  { serviceId: 'urn:bcastd:sim:news', keyGroup: 0x0101 },
  { serviceId: 'urn:bcastd:sim:sport', keyGroup: 0x0202 },
  { serviceId: 'urn:bcastd:sim:movies', keyGroup: 0x0303 },
] as const;

/** What the sim subscriber has bought before the daemon starts. */
const INITIAL_SUBSCRIPTION = ['urn:bcastd:sim:news'];


/** `<state dir>/sim-at-log.jsonl`: every AT command the simulated modem received, one JSON object a line. */
export const SIM_AT_LOG = 'sim-at-log.jsonl';
/** `<state dir>/sim-events.jsonl`: the simulated network's event log (no key material), one event a line. */
export const SIM_EVENT_LOG = 'sim-events.jsonl';

export interface SimWorld {
  modem: SimModem;
  /** Its own virtual USIM; null with sim.card "external" (the card in the reader is someone else's). */
  usim: VirtualUsim | null;
  network: SimNetwork;
  subscriber: Subscriber;
  /** How the card is reached: 'pcsc' (through pcscd + vpcd) or 'in-process'. */
  cardPath: 'pcsc' | 'in-process';
  close(): Promise<void>;
}

type Sim = NonNullable<BoardConfig['sim']>;

/**
 * The virtual USIM on PC/SC (pcscd's vpcd reader), else in-process when PC/SC is missing and sim.useVpcd allows.
 * `pcscd` is a start already under way (the daemon's, handed over; or the world's process's, before it loads the simulator).
 */
async function attachCard(sim: Sim, usim: VirtualUsim, parent: Logger, stateDir: string, pcscd?: Promise<VpcdPcscd>): Promise<{ path: 'pcsc' | 'in-process'; close: () => Promise<void> }> {
  const log = parent.child({ component: 'sim' });
  const wanted = sim.useVpcd;
  if (wanted === false) return { path: 'in-process', close: async () => {} };
  const started = await (pcscd ?? startVpcdPcscd(stateDir, parent));
  if (!started.ok) {
    if (wanted === true) throw started.error ?? new Error(`sim.useVpcd is true but ${started.why}`);
    log.info({ why: started.why }, 'PC/SC unavailable: the virtual USIM runs in-process');
    return { path: 'in-process', close: async () => {} };
  }
  const own = started.own;
  const vpcd = new VpcdClient(usim, { port: sim.vpcdPort, logger: parent });
  vpcd.start();
  try {
    await vpcd.waitConnected(10_000);
  } catch (err) {
    await vpcd.stop();
    await own?.stop();
    if (wanted === true) throw err;
    log.info({ why: (err as Error).message }, 'PC/SC unavailable (vpcd not reachable): the virtual USIM runs in-process');
    return { path: 'in-process', close: async () => {} };
  }
  return {
    path: 'pcsc',
    close: async () => {
      await vpcd.stop();
      await own?.stop();
    },
  };
}

export interface SimWorldOptions {
  /** pcscd for the vpcd reader, started already (by the daemon and handed over, or by sim-world-child.ts before it loads this module). */
  pcscd?: Promise<VpcdPcscd>;
}

export async function startSimWorld(config: BoardConfig, logger: Logger, opts: SimWorldOptions = {}): Promise<SimWorld> {
  const sim = config.sim;
  if (!sim) throw new Error('the sim world needs the board config sim section');
  // Each simulated part binds {component:'sim'} itself; `own` is for what the world says.
  const log = logger;
  const own = logger.child({ component: 'sim' });
  const subscriber = sim.subscriberFile ? await loadSubscriber(sim.subscriberFile) : { ...DEFAULT_SUBSCRIBER };
  const keyDomainId = Buffer.from(keyDomainIdFromPlmn(plmnFromImsi(subscriber.imsi, subscriber.mncLength))).toString('hex');

  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const c of closers.reverse()) await c().catch((err: unknown) => own.warn({ err: (err as Error).message }, 'sim world: close failed'));
  };
  try {
    const modem = await startSimModem({ linkPath: join(config.stateDir, 'ttySIM0'), logger: log, pdpAddress: sim.pdpAddress });
    closers.push(() => modem.close());
    // The modem's AT log on disk, line by line as it happens, so it survives the daemon's own shutdown (the
    // system tests read it after SIGTERM: de-registration must come before AT+CGACT=0). PINs are masked.
    const atLogFile = join(config.stateDir, SIM_AT_LOG);
    const atLog = openLogFile(atLogFile);
    closers.push(async () => atLog.close());
    modem.on('command', (e) => atLog.write(JSON.stringify({ seq: e.seq, ts: new Date(e.ts).toISOString(), command: maskCommand(e.command) })));

    // Bring your own card: no virtual USIM here; the daemon finds the card in the reader card.readerPattern matches.
    const external = sim.card === 'external';
    const usim = external ? null : new VirtualUsim({ subscriber, profile: sim.profile === 'aka-only' ? 'aka-only' : 'full', logger: log });
    const card = usim ? await attachCard(sim, usim, log, config.stateDir, opts.pcscd) : { path: 'pcsc' as const, close: async () => {} };
    closers.push(card.close);
    if (external) own.info({ readerPattern: config.card.readerPattern, imsi: maskId(subscriber.imsi) }, 'external card: the simulated network serves the subscriber of sim.subscriberFile');

    const gateway = new WapPushSmsGateway();
    const network = await startSimNetwork({
      subscribers: [{ ...subscriber, amf: subscriber.amf, sqn: subscriber.sqn }],
      bsmFqdn: config.network.bsmFqdn,
      services: SIM_SERVICES.map((s) => ({ ...s, keyDomainId })),
      subscriptions: { [subscriber.imsi]: INITIAL_SUBSCRIPTION },
      ports: { bsf: sim.bsfPort, bsm: sim.bsmPort, portal: sim.portalPort, control: sim.controlPort },
      terminalLtkmPort: config.network.ltkmPort,
      smsSink: {
        // The BSM's WAP push goes out as SMS-DELIVERs through the simulated SMSC to the modem on the pty.
        deliverWapPush: async (push) => void modem.smsc.deliver(gateway.encode(push)),
      },
      radio: () => ({
        setCoverage: (on) => modem.network.setCoverage(on),
        releasePdp: (variant) => modem.network.releasePdp(variant as PdpReleaseVariant | undefined),
        releaseVariants: PDP_RELEASE_VARIANTS,
        deliverSms: (pdus) => void modem.smsc.deliver(pdus),
        atLog: () => modem.atLog,
      }),
      card: () => usim ?? undefined,
      logger: log,
    });
    closers.push(() => network.close());
    // Kept on disk too, like the AT log: it outlives the daemon's shutdown (de-registration, then AT+CGACT=0).
    const eventLog = openLogFile(join(config.stateDir, SIM_EVENT_LOG));
    closers.push(async () => eventLog.close());
    network.events.subscribe((e) => eventLog.write(JSON.stringify(e)));
    own.info({ portal: network.urls.portal, control: network.urls.control, card: card.path }, 'simulated world up');
    return { modem, usim, network, subscriber, cardPath: card.path, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/**
 * A JSON-lines log in the state dir, written line by line as it happens. O_NOFOLLOW: a symlink planted under
 * this name fails the open instead of redirecting our writes.
 */
function openLogFile(path: string): { write(line: string): void; close(): void } {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND | constants.O_NOFOLLOW, 0o600);
  let open = true;
  return {
    write: (line) => void (open && writeSync(fd, line + '\n')),
    close: () => {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
