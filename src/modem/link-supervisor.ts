/**
 * Keeps an AT link up: opens the port, initialises the modem, and climbs the recovery ladder when the
 * modem stops answering or the device goes away.
 *
 *   closed → opening → initialising → ready
 *   ready --(N consecutive timeouts)--> probing --(AT answered)--> ready
 *                                        probing --(no answer)--> recovery
 *   recovery, 1st time: reopening (close and reopen the port at once) → opening
 *   recovery, later:    resetting (when a ModemResetter is configured) → backoff → opening
 *                       otherwise backoff → opening
 *   device gone (hang-up, node removed): backoff → opening, which polls for the node with backoff
 *   boot URCs (RDY, +CPIN: READY, SMS DONE, …) while ready: initialising again after they settle
 *
 * Every wait has a timeout, every retry a capped exponential backoff with jitter.
 */
import { EventEmitter } from 'node:events';
import { access, constants } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { UrcLine } from '../codec/at/index.js';
import { AtEngine } from './at-engine.js';
import { Backoff, type BackoffOptions } from '../util/backoff.js';
import { withTimeout } from '../util/with-timeout.js';
import { AtCommandError, AtLinkError } from './errors.js';
import { StateMachine, type Transition } from '../util/state-machine.js';
import type { AtTransport, LinkClosed, TransportOpener } from './transport.js';

/** Restarts seen while initialising before the ladder treats it as a failed initialisation. */
const MAX_RESTARTS_DURING_INIT = 3;

export type LinkState = 'closed' | 'opening' | 'initialising' | 'ready' | 'probing' | 'reopening' | 'resetting' | 'backoff';

export const LINK_TRANSITIONS: Readonly<Record<LinkState, readonly LinkState[]>> = {
  closed: ['opening'],
  opening: ['initialising', 'backoff', 'closed'],
  initialising: ['ready', 'initialising', 'reopening', 'resetting', 'backoff', 'closed'],
  ready: ['probing', 'initialising', 'backoff', 'closed'],
  probing: ['ready', 'reopening', 'resetting', 'backoff', 'closed'],
  reopening: ['opening', 'closed'],
  resetting: ['backoff', 'closed'],
  backoff: ['opening', 'closed'],
};

/** Pulses the modem's reset (GPIO line, power switch, vendor command on another port, …). */
export interface ModemResetter {
  reset(reason: string): Promise<void>;
}

export interface LinkTuning {
  /** Consecutive command timeouts that make the ladder probe with `AT` (default 2). */
  readonly timeoutsBeforeProbe: number;
  /** `AT` probes before the ladder gives up on the open port (default 3). */
  readonly probeAttempts: number;
  readonly probeTimeoutMs: number;
  /** `AT` attempts when a port was just opened; a booting modem needs a few (default 5). */
  readonly syncAttempts: number;
  /** Failed recoveries between two resets, when a resetter is configured (default 1: every one after the reopen). */
  readonly recoveriesPerReset: number;
  readonly openTimeoutMs: number;
  readonly resetTimeoutMs: number;
  /** Quiet time after the last boot URC before re-initialising (default 1500 ms). */
  readonly bootSettleMs: number;
  readonly backoff: BackoffOptions;
}

export const LINK_TUNING_DEFAULTS: LinkTuning = {
  timeoutsBeforeProbe: 2,
  probeAttempts: 3,
  probeTimeoutMs: 2_000,
  syncAttempts: 5,
  recoveriesPerReset: 1,
  openTimeoutMs: 10_000,
  resetTimeoutMs: 30_000,
  bootSettleMs: 1_500,
  backoff: { baseMs: 500, maxMs: 30_000, jitter: 0.3 },
};

export interface LinkSupervisorOptions {
  readonly path: string;
  readonly baudRate: number;
  readonly engine: AtEngine;
  readonly logger: Logger;
  readonly open: TransportOpener;
  /** Brings the modem into shape after the link answers `AT` and `ATE0` (SMS, registration, PDP setup). */
  readonly initialise: (engine: AtEngine) => Promise<void>;
  /** Whether `line` says the modem (re)started: null when it does not, else whether it just powered up. */
  readonly bootIndication: (line: UrcLine) => { readonly restart: boolean } | null;
  readonly resetter?: ModemResetter | undefined;
  readonly tuning?: Partial<LinkTuning> | undefined;
}

export interface LinkEvents {
  state: [transition: Transition<LinkState>];
  /** Initialisation finished; `count` is 1 for the first time, more after every reconnect/reboot. */
  ready: [info: { count: number; reason: string }];
}

export interface LinkStats {
  opens: number;
  openFailures: number;
  disconnects: number;
  probes: number;
  reopens: number;
  resets: number;
  resetFailures: number;
  initialisations: number;
  initFailures: number;
  bootUrcs: number;
  illegalTransitions: number;
}

export class LinkSupervisor extends EventEmitter<LinkEvents> {
  private readonly log: Logger;
  private readonly tuning: LinkTuning;
  private readonly machine: StateMachine<LinkState>;
  private readonly backoff: Backoff;
  private transport: AtTransport | null = null;
  /** Bumped on every state change: an async step whose epoch is stale stops. */
  private epoch = 0;
  private timer: NodeJS.Timeout | null = null;
  private bootTimer: NodeJS.Timeout | null = null;
  private reinitWanted = false;
  private timeoutStreak = 0;
  private recoveries = 0;
  private restartsDuringInit = 0;
  private readyCount = 0;
  private readonly counters = {
    opens: 0,
    openFailures: 0,
    disconnects: 0,
    probes: 0,
    reopens: 0,
    resets: 0,
    resetFailures: 0,
    initialisations: 0,
    initFailures: 0,
    bootUrcs: 0,
  };

  constructor(private readonly options: LinkSupervisorOptions) {
    super();
    this.log = options.logger;
    this.tuning = { ...LINK_TUNING_DEFAULTS, ...options.tuning };
    this.backoff = new Backoff(this.tuning.backoff);
    this.machine = new StateMachine<LinkState>('link', 'closed', LINK_TRANSITIONS, this.log, (t) => this.emit('state', t));
    const engine = options.engine;
    engine.on('timeout', () => this.onCommandTimeout());
    engine.on('answered', () => {
      this.timeoutStreak = 0;
    });
    engine.on('urc', (line) => this.onUrc(line));
  }

  get state(): LinkState {
    return this.machine.state;
  }

  stats(): LinkStats {
    return { ...this.counters, illegalTransitions: this.machine.illegalTransitions };
  }

  start(): void {
    if (this.state !== 'closed') return;
    this.open('start');
  }

  async stop(): Promise<void> {
    this.clearTimers();
    if (this.state !== 'closed') this.enter('closed', 'stopped');
    this.options.engine.detach('stopped');
    await this.closeTransport();
  }

  private enter(state: LinkState, reason: string): number {
    this.machine.to(state, reason);
    return ++this.epoch;
  }

  private clearTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.bootTimer) clearTimeout(this.bootTimer);
    this.timer = null;
    this.bootTimer = null;
  }

  private async closeTransport(): Promise<void> {
    const t = this.transport;
    this.transport = null;
    if (t) await t.close();
  }

  /** opening: wait for the device node, open it (bounded), hand it to the engine. */
  private open(reason: string): void {
    const epoch = this.enter('opening', reason);
    void this.openSteps(epoch).catch((err: unknown) => this.log.error({ err }, 'link: opening failed unexpectedly'));
  }

  private async openSteps(epoch: number): Promise<void> {
    const { path } = this.options;
    try {
      await access(path, constants.R_OK | constants.W_OK);
    } catch {
      if (epoch === this.epoch) this.toBackoff(`device node ${path} is absent`);
      return;
    }
    let transport: AtTransport;
    const opening = this.options.open(path, { baudRate: this.options.baudRate });
    try {
      transport = await withTimeout(opening, this.tuning.openTimeoutMs, `opening ${path}`);
    } catch (err) {
      // An open that completes after its timeout must not leave the port open behind our back.
      opening.then((late) => late.close(), () => {});
      this.counters.openFailures++;
      if (epoch === this.epoch) this.toBackoff(`cannot open ${path}: ${(err as Error).message}`);
      return;
    }
    if (epoch !== this.epoch) {
      await transport.close();
      return;
    }
    this.counters.opens++;
    this.transport = transport;
    transport.onClose((info) => this.onClosed(transport, info));
    this.options.engine.attach(transport);
    this.log.info({ path }, 'modem port open');
    this.initialise('port opened');
  }

  /** initialising: AT until it answers, ATE0, then the modem's own initialisation. */
  private initialise(reason: string): void {
    const epoch = this.enter('initialising', reason);
    this.reinitWanted = false;
    this.counters.initialisations++;
    const engine = this.options.engine;
    engine.release();
    const steps = async (): Promise<void> => {
      await this.sync(epoch);
      if (epoch !== this.epoch) return;
      // Echo off; the framer copes when a modem keeps echoing anyway.
      await engine.send('ATE0').catch((err: unknown) => {
        if (!(err instanceof AtCommandError)) throw err;
      });
      if (epoch !== this.epoch) return;
      await this.options.initialise(engine);
    };
    steps().then(
      () => {
        if (epoch !== this.epoch) return;
        this.enter('ready', reason);
        this.restartsDuringInit = 0;
        this.backoff.reset();
        this.recoveries = 0;
        this.timeoutStreak = 0;
        this.readyCount++;
        this.emit('ready', { count: this.readyCount, reason });
        if (this.reinitWanted) this.scheduleReinit();
      },
      (err: unknown) => {
        if (epoch !== this.epoch) return;
        this.counters.initFailures++;
        this.log.warn({ err: (err as Error).message }, 'modem initialisation failed');
        // The modem restarted under us: start over, a few times, before calling it a failure.
        if (err instanceof AtLinkError && err.reason === 'modem-restarted' && this.restartsDuringInit < MAX_RESTARTS_DURING_INIT) {
          this.restartsDuringInit++;
          this.initialise('modem restarted during initialisation');
          return;
        }
        this.recover(`initialisation failed: ${(err as Error).message}`);
      },
    );
  }

  /** `AT` until answered (any final result counts: the modem is talking). */
  private async sync(epoch: number): Promise<void> {
    let last: unknown;
    for (let i = 0; i < this.tuning.syncAttempts && epoch === this.epoch; i++) {
      try {
        await this.options.engine.send('AT', { timeoutMs: this.tuning.probeTimeoutMs, urgent: true });
        return;
      } catch (err) {
        if (err instanceof AtCommandError) return;
        last = err;
      }
    }
    if (epoch === this.epoch) throw last instanceof Error ? last : new Error('modem does not answer AT');
  }

  private onCommandTimeout(): void {
    this.timeoutStreak++;
    if (this.state === 'ready' && this.timeoutStreak >= this.tuning.timeoutsBeforeProbe) this.probe();
  }

  /** probing: normal traffic held, `AT` a few times. */
  private probe(): void {
    const epoch = this.enter('probing', `${this.timeoutStreak} consecutive timeouts`);
    this.counters.probes++;
    const engine = this.options.engine;
    engine.hold();
    const attempt = async (): Promise<boolean> => {
      for (let i = 0; i < this.tuning.probeAttempts && epoch === this.epoch; i++) {
        try {
          await engine.send('AT', { timeoutMs: this.tuning.probeTimeoutMs, urgent: true });
          return true;
        } catch (err) {
          if (err instanceof AtCommandError) return true;
        }
      }
      return false;
    };
    void attempt().then((answered) => {
      if (epoch !== this.epoch) return;
      if (answered) {
        this.timeoutStreak = 0;
        engine.release();
        this.enter('ready', 'AT probe answered');
      } else this.recover('no answer to AT probes');
    });
  }

  /** The ladder: first reopen at once, then reset (when possible) or back off. */
  private recover(reason: string): void {
    this.recoveries++;
    this.options.engine.detach('reopening', reason);
    if (this.recoveries === 1) {
      this.reopen(reason);
      return;
    }
    if (this.options.resetter && (this.recoveries - 2) % this.tuning.recoveriesPerReset === 0) {
      this.reset(reason);
      return;
    }
    void this.closeTransport().then(() => this.toBackoff(reason));
  }

  private reopen(reason: string): void {
    const epoch = this.enter('reopening', reason);
    this.counters.reopens++;
    void this.closeTransport().then(() => {
      if (epoch === this.epoch) this.open('reopen');
    });
  }

  private reset(reason: string): void {
    const epoch = this.enter('resetting', reason);
    this.counters.resets++;
    const resetter = this.options.resetter!;
    const steps = async (): Promise<void> => {
      await this.closeTransport();
      try {
        await withTimeout(resetter.reset(reason), this.tuning.resetTimeoutMs, 'modem reset');
      } catch (err) {
        this.counters.resetFailures++;
        this.log.error({ err: (err as Error).message }, 'modem reset failed');
      }
    };
    void steps().then(() => {
      if (epoch === this.epoch) this.toBackoff('modem reset, waiting for it to boot');
    });
  }

  private toBackoff(reason: string): void {
    const epoch = this.enter('backoff', reason);
    const delay = this.backoff.next();
    this.log.info({ delayMs: delay, reason }, 'modem link backing off');
    this.timer = setTimeout(() => {
      this.timer = null;
      if (epoch === this.epoch) this.open('backoff elapsed');
    }, delay);
  }

  private onClosed(transport: AtTransport, info: LinkClosed): void {
    if (transport !== this.transport) return;
    this.transport = null;
    // Normally closed already; this releases the fd (and its lock) if the stream only half-closed.
    void transport.close();
    this.counters.disconnects++;
    const reason = info.disconnected ? `device disconnected${info.error ? `: ${info.error.message}` : ''}` : 'port closed';
    this.log.warn({ reason }, 'modem link lost');
    this.options.engine.detach('disconnected', reason);
    if (this.bootTimer) clearTimeout(this.bootTimer);
    this.bootTimer = null;
    if (this.state !== 'closed') this.toBackoff(reason);
  }

  private onUrc(line: UrcLine): void {
    const boot = this.options.bootIndication(line);
    if (!boot) return;
    this.counters.bootUrcs++;
    this.log.info({ urc: line.text }, 'modem boot indication');
    // A modem that has just powered up never answers what was sent before: do not wait for the timeout.
    if (boot.restart) this.options.engine.abortInFlight('modem-restarted', line.text);
    if (this.state === 'initialising') this.reinitWanted = true;
    this.scheduleReinit();
  }

  /** Boot URCs come in bursts: re-initialise once, after the last one has settled. */
  private scheduleReinit(): void {
    if (this.bootTimer) clearTimeout(this.bootTimer);
    this.bootTimer = setTimeout(() => {
      this.bootTimer = null;
      if (this.state === 'ready') this.initialise('modem rebooted');
      else if (this.state === 'initialising') this.reinitWanted = true;
    }, this.tuning.bootSettleMs);
  }
}
