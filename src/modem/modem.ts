/**
 * The modem as the daemon uses it: one object composing the AT engine, the link supervisor (recovery
 * ladder), SMS reception, the registration monitor and the PDP context, configured from the board's
 * `modem` section and a profile. Typed events, counters, and a state getter; nothing here throws at
 * the caller for modem trouble - it is reported as state and events and recovered from.
 */
import { SafeEmitter } from '../util/safe-emitter.js';
import type { Logger } from 'pino';
import { cmee, type UrcLine } from '../codec/at/index.js';
import type { ExpiredGroup } from '../codec/sms/index.js';
import type { ModemSettings } from './options.js';
import { AtEngine, type AtEngineStats, type AtResponse, type SendOptions } from './at-engine.js';
import { BOOT_URCS, findBootUrc } from './boot-urcs.js';
import { AtCommandError } from './errors.js';
import { LinkSupervisor, type LinkState, type LinkStats, type LinkTuning, type ModemResetter } from './link-supervisor.js';
import { NetworkMonitor, type CoverageChange, type NetworkStats } from './network-monitor.js';
import { PdpContext, type PdpEvent, type PdpState, type PdpStats, type PdpTuning } from './pdp-context.js';
import { modemProfile, type ModemProfileSpec } from './profiles/index.js';
import { SmsReceiver, type ReceivedDatagram, type ReceivedPortDatagram, type ReceivedPush, type SmsStats, type SmsTuning, type UndecodableSms } from './sms-receiver.js';
import type { Transition } from '../util/state-machine.js';
import { resolveTimeouts } from './timeouts.js';
import { openSerialTransport, type TransportOpener } from './transport.js';

export type { ModemSettings };

export interface ModemTuning {
  readonly link?: Partial<LinkTuning>;
  readonly sms?: SmsTuning;
  readonly network?: { readonly pollIntervalMs?: number };
  readonly pdp?: PdpTuning;
  readonly engine?: { readonly settleAfterTimeoutMs?: number; readonly maxQueue?: number };
}

export interface ModemOptions {
  readonly settings: ModemSettings;
  readonly logger: Logger;
  /** How to pulse the modem's reset when reopening the port did not help (GPIO, later). */
  readonly resetter?: ModemResetter;
  /** Opens the AT port (default: serialport with the disconnect-safe binding). */
  readonly openTransport?: TransportOpener;
  readonly tuning?: ModemTuning;
  /** Bring the PDP context up once the modem is ready and keep it up (default true). */
  readonly keepPdpActive?: boolean;
}

export interface ModemIdentity {
  readonly manufacturer: string | null;
  readonly model: string | null;
  readonly revision: string | null;
}

export interface ModemEvents {
  link: [transition: Transition<LinkState>];
  ready: [info: { count: number; reason: string; identity: ModemIdentity }];
  'wap-push': [event: ReceivedPush];
  datagram: [event: ReceivedPortDatagram];
  sms: [event: ReceivedDatagram];
  undecodable: [event: UndecodableSms];
  expired: [group: ExpiredGroup];
  coverage: [change: CoverageChange];
  pdp: [event: PdpEvent];
  /** Every URC, for field testers' traces. */
  urc: [line: UrcLine];
}

export interface ModemStats {
  state: LinkState;
  link: LinkStats;
  engine: AtEngineStats;
  sms: SmsStats;
  network: NetworkStats;
  pdp: PdpStats;
  listenerErrors: number;
}

export class Modem extends SafeEmitter<ModemEvents> {
  readonly profile: ModemProfileSpec;
  private readonly log: Logger;
  private readonly engine: AtEngine;
  private readonly link: LinkSupervisor;
  private readonly sms: SmsReceiver;
  private readonly network: NetworkMonitor;
  private readonly pdp: PdpContext;
  private ident: ModemIdentity = { manufacturer: null, model: null, revision: null };
  private started = false;

  constructor(private readonly options: ModemOptions) {
    // A listener that throws must not break the adapter that forwards (the SMS path, the link supervisor).
    super((err, event) => this.log.error({ err, event }, 'a modem event listener threw'));
    const s = options.settings;
    this.profile = modemProfile(s.profile);
    this.log = options.logger.child({ component: 'modem' });
    const tuning = options.tuning ?? {};
    this.engine = new AtEngine({
      logger: this.log.child({ part: 'at' }),
      timeouts: resolveTimeouts(this.profile.timeouts, s.timeouts),
      ...tuning.engine,
    });
    const bootUrcs = [...BOOT_URCS, ...this.profile.bootUrcs];
    this.link = new LinkSupervisor({
      path: s.port,
      baudRate: s.baudRate,
      engine: this.engine,
      logger: this.log.child({ part: 'link' }),
      open: options.openTransport ?? openSerialTransport,
      initialise: () => this.initialise(),
      bootIndication: (line) => {
        const b = findBootUrc(line, bootUrcs);
        return b ? { restart: b.restart === true } : null;
      },
      resetter: options.resetter,
      tuning: tuning.link,
    });
    this.sms = new SmsReceiver({ engine: this.engine, logger: this.log.child({ part: 'sms' }), profile: this.profile, mode: s.smsMode, tuning: tuning.sms });
    this.network = new NetworkMonitor({
      engine: this.engine,
      logger: this.log.child({ part: 'network' }),
      commands: this.profile.registration,
      pollIntervalMs: tuning.network?.pollIntervalMs,
    });
    this.pdp = new PdpContext({
      engine: this.engine,
      logger: this.log.child({ part: 'pdp' }),
      profile: this.profile,
      port: s.port,
      cid: s.cid,
      apn: s.apn,
      pdpType: s.pdpType,
      tuning: tuning.pdp,
    });
    this.link.on('state', (t) => this.emit('link', t));
    this.link.on('ready', (info) => this.emit('ready', { ...info, identity: this.ident }));
    this.sms.on('wap-push', (e) => this.emit('wap-push', e));
    this.sms.on('datagram', (e) => this.emit('datagram', e));
    this.sms.on('sms', (e) => this.emit('sms', e));
    this.sms.on('undecodable', (e) => this.emit('undecodable', e));
    this.sms.on('expired', (g) => this.emit('expired', g));
    this.network.on('coverage', (c) => this.emit('coverage', c));
    this.pdp.on('state', (e) => this.emit('pdp', e));
    this.engine.on('urc', (line) => this.emit('urc', line));
  }

  /** The link state: closed, opening, initialising, ready, probing, reopening, resetting, backoff. */
  get state(): LinkState {
    return this.link.state;
  }

  get pdpState(): PdpState {
    return this.pdp.state;
  }

  get pdpAddress(): PdpEvent['address'] {
    return this.pdp.address;
  }

  /** true covered, false not, null not known yet. */
  get coverage(): boolean | null {
    return this.network.coverage;
  }

  get identity(): ModemIdentity {
    return this.ident;
  }

  /** Starts connecting; resolves at once (the modem may be absent for a while: see `state` / `ready`). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.sms.start();
    this.network.start();
    this.pdp.start();
    if (this.options.keepPdpActive !== false) void this.pdp.activate();
    this.link.start();
  }

  /** Closes the port and stops every timer. Does not deactivate the PDP context (deactivatePdp does). */
  async stop(): Promise<void> {
    this.started = false;
    this.sms.stop();
    this.network.stop();
    this.pdp.stop();
    await this.link.stop();
  }

  /** Resolves when the modem is (or becomes) ready; rejects after `timeoutMs`. */
  whenReady(timeoutMs: number): Promise<void> {
    if (this.state === 'ready') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onReady = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.off('ready', onReady);
        reject(new Error(`modem not ready within ${timeoutMs} ms (state ${this.state})`));
      }, timeoutMs);
      this.once('ready', onReady);
    });
  }

  activatePdp(): Promise<void> {
    return this.pdp.activate();
  }

  /** Takes the PDP context down and keeps it down (after de-registration, or at shutdown). */
  deactivatePdp(): Promise<void> {
    return this.pdp.deactivate();
  }

  /** A raw AT command (diagnostics, `bcastctl`): rejects with AtCommandError / AtTimeoutError / AtLinkError. */
  command(command: string, options?: SendOptions): Promise<AtResponse> {
    return this.engine.send(command, options);
  }

  /** Drops incomplete concatenated SMS whose time is up, now (the receiver also does it on a timer). */
  expireReassembly(): void {
    this.sms.expireNow();
  }

  stats(): ModemStats {
    return {
      state: this.state,
      link: this.link.stats(),
      engine: this.engine.stats(),
      sms: this.sms.stats(),
      network: this.network.stats(),
      pdp: this.pdp.stats(),
      listenerErrors: this.listenerErrors,
    };
  }

  /** Runs on every (re)connect and after a reboot, once the modem answers AT and ATE0. */
  private async initialise(): Promise<void> {
    await this.optional(cmee(1));
    this.ident = {
      manufacturer: await this.firstLine('AT+CGMI'),
      model: await this.firstLine('AT+CGMM'),
      revision: await this.firstLine('AT+CGMR'),
    };
    for (const c of this.profile.init({ port: this.options.settings.port, cid: this.options.settings.cid })) {
      try {
        await this.engine.send(c.command);
      } catch (err) {
        if (!(err instanceof AtCommandError) || !c.optional) throw err;
        this.log.info({ command: c.command, err: err.message }, 'optional profile command refused');
      }
    }
    await this.sms.initialise();
    await this.network.initialise();
    await this.pdp.initialise();
  }

  private async optional(command: string): Promise<void> {
    try {
      await this.engine.send(command);
    } catch (err) {
      if (!(err instanceof AtCommandError)) throw err;
    }
  }

  private async firstLine(command: string): Promise<string | null> {
    try {
      const line = (await this.engine.send(command)).lines.find((l) => l.trim() !== '');
      return line === undefined ? null : line.replace(/^\+\w+:\s*/, '').trim();
    } catch (err) {
      if (!(err instanceof AtCommandError)) throw err;
      return null;
    }
  }
}
