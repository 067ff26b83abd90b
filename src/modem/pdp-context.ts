/**
 * The PDP context used for GBA and the BSM, kept up until someone asks for it to go (SPEC: the
 * Smartcard Profile terminal keeps it until De-registration). An explicit state machine:
 *
 *   inactive → activating → active → deactivating → inactive
 *   activating → failed → (backoff) → activating
 *   active → inactive (released by the network or the modem) → (backoff) → activating → active
 *
 * It learns about releases from +CGEV (AT+CGEREP=2,1; every form parseCgev knows, vendor spellings and
 * cid 0 included) and, as a backstop, from a periodic AT+CGACT?. Events for another cid, or without a
 * cid it can match, make it check AT+CGACT? rather than guess. Re-activation uses a capped exponential
 * backoff that is reset only after the context stayed up for a while, so a release flood cannot make
 * it hammer the network. All AT work runs one operation at a time.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { isDecodeError } from '../codec/errors.js';
import {
  cgact,
  cgdcont,
  cgerep,
  cgpaddr,
  parseCgactRead,
  parseCgev,
  parseCgpaddr,
  type CgevEvent,
  type PdpAddresses,
  type PdpType,
  type UrcLine,
} from '../codec/at/index.js';
import type { AtEngine } from './at-engine.js';
import { Backoff, type BackoffOptions } from '../util/backoff.js';
import { AtCommandError } from './errors.js';
import type { ModemProfileSpec, ProfileCommand, ProfileContext } from './profiles/index.js';
import { StateMachine } from '../util/state-machine.js';
import { SerialQueue } from '../util/serial-queue.js';

export type PdpState = 'inactive' | 'activating' | 'active' | 'deactivating' | 'failed';

export const PDP_TRANSITIONS: Readonly<Record<PdpState, readonly PdpState[]>> = {
  // → active: a check found the context already up (activated by the modem or before a restart).
  inactive: ['activating', 'active'],
  activating: ['active', 'failed'],
  active: ['inactive', 'deactivating'],
  deactivating: ['inactive', 'failed'],
  failed: ['activating', 'active', 'inactive'],
};

export interface PdpEvent {
  readonly state: PdpState;
  readonly previous: PdpState;
  readonly reason: string;
  readonly address: PdpAddresses | null;
}

export interface PdpContextEvents {
  state: [event: PdpEvent];
}

export interface PdpTuning {
  /** Periodic AT+CGACT? backstop (default 60 s). */
  readonly checkIntervalMs?: number;
  /** Re-activation backoff (default 1 s … 5 min, jitter 0.3). */
  readonly backoff?: BackoffOptions;
  /** Up this long and the backoff starts from the beginning again (default 60 s). */
  readonly stableMs?: number;
  /** +CGEV bursts are checked once, after this quiet time (default 200 ms). */
  readonly checkDebounceMs?: number;
}

export interface PdpContextOptions {
  readonly engine: AtEngine;
  readonly logger: Logger;
  readonly profile: ModemProfileSpec;
  readonly port: string;
  readonly cid: number;
  readonly apn: string;
  readonly pdpType: PdpType;
  readonly tuning?: PdpTuning | undefined;
}

export interface PdpStats {
  state: PdpState;
  wanted: boolean;
  activations: number;
  activationFailures: number;
  releases: number;
  checks: number;
  checkErrors: number;
  events: number;
  badEvents: number;
  deactivations: number;
  illegalTransitions: number;
}

export class PdpContext extends EventEmitter<PdpContextEvents> {
  private readonly log: Logger;
  private readonly engine: AtEngine;
  private readonly machine: StateMachine<PdpState>;
  private readonly backoff: Backoff;
  private readonly ctx: ProfileContext;
  private readonly checkIntervalMs: number;
  private readonly stableMs: number;
  private readonly debounceMs: number;
  private wanted = false;
  /** deactivate() was called (and activate() not since): a context found up is taken down. */
  private downRequested = false;
  /** Bumped on every state change: a check whose answer predates a change is discarded. */
  private generation = 0;
  private addr: PdpAddresses | null = null;
  private readonly ops = new SerialQueue();
  private retryTimer: NodeJS.Timeout | null = null;
  private stableTimer: NodeJS.Timeout | null = null;
  private checkTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private readonly counters = {
    activations: 0,
    activationFailures: 0,
    releases: 0,
    checks: 0,
    checkErrors: 0,
    events: 0,
    badEvents: 0,
    deactivations: 0,
  };

  constructor(private readonly options: PdpContextOptions) {
    super();
    this.log = options.logger;
    this.engine = options.engine;
    this.ctx = { port: options.port, cid: options.cid };
    const t = options.tuning ?? {};
    this.checkIntervalMs = t.checkIntervalMs ?? 60_000;
    this.stableMs = t.stableMs ?? 60_000;
    this.debounceMs = t.checkDebounceMs ?? 200;
    this.backoff = new Backoff(t.backoff ?? { baseMs: 1_000, maxMs: 300_000, jitter: 0.3 });
    this.machine = new StateMachine<PdpState>('pdp', 'inactive', PDP_TRANSITIONS, this.log, (tr) =>
      this.emit('state', { ...tr, address: tr.state === 'active' ? this.addr : null }),
    );
    this.engine.on('urc', (line) => this.onUrc(line));
  }

  get state(): PdpState {
    return this.machine.state;
  }

  get address(): PdpAddresses | null {
    return this.state === 'active' ? this.addr : null;
  }

  stats(): PdpStats {
    return { state: this.state, wanted: this.wanted, ...this.counters, illegalTransitions: this.machine.illegalTransitions };
  }

  start(): void {
    if (this.pollTimer) return;
    this.pollTimer = setInterval(() => {
      if (this.engine.attached) this.serial('periodic check', () => this.check('periodic AT+CGACT? check'));
    }, this.checkIntervalMs);
    this.pollTimer.unref();
  }

  stop(): void {
    for (const t of [this.retryTimer, this.stableTimer, this.checkTimer]) if (t) clearTimeout(t);
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.retryTimer = this.stableTimer = this.checkTimer = this.pollTimer = null;
  }

  /** Keep the context up from now on (activates it when the link is ready). */
  activate(): Promise<void> {
    this.wanted = true;
    this.downRequested = false;
    return this.serial('activation on request', () => this.ensureActive('requested'));
  }

  /** Bring the context down and keep it down (de-registration, shutdown). The only way it goes down. */
  deactivate(): Promise<void> {
    this.wanted = false;
    this.downRequested = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    return this.serial('deactivation on request', () => this.doDeactivate());
  }

  /** Part of the link initialisation: +CGEV reporting, the context definition, then a state check. */
  async initialise(): Promise<void> {
    for (const [mode, bfr] of [[2, 1], [1, 0], [2, 0]] as const) {
      if (await this.engine.accepts(cgerep(mode, bfr), this.log)) break;
    }
    let define: string | null = null;
    try {
      define = cgdcont(this.options.cid, this.options.pdpType, this.options.apn);
    } catch (err) {
      // A bad APN is a configuration error: say so; activation then fails and is retried with backoff.
      this.log.error({ apn: this.options.apn, err: (err as Error).message }, 'cannot define the PDP context');
    }
    if (define !== null) await this.engine.accepts(define, this.log);
    // Not awaited: activation can take minutes and must not hold up the rest of the modem.
    void this.serial('check after (re)initialisation', async () => {
      await this.check('link (re)initialised');
      if (this.wanted) await this.ensureActive('link (re)initialised');
    });
  }


  /** Runs `op` after every earlier operation; its failure is logged, never thrown at the caller. */
  private serial(what: string, op: () => Promise<void>): Promise<void> {
    return this.ops.run(op).catch((err: unknown) => this.log.warn({ op: what, err: (err as Error).message }, 'PDP operation stopped'));
  }

  private to(state: PdpState, reason: string): void {
    if (this.state === state) return;
    this.generation++;
    this.machine.to(state, reason);
    if (this.stableTimer) clearTimeout(this.stableTimer);
    this.stableTimer = null;
    if (state === 'active') {
      this.stableTimer = setTimeout(() => this.backoff.reset(), this.stableMs);
      this.stableTimer.unref();
    }
  }

  private async ensureActive(reason: string): Promise<void> {
    if (!this.wanted || this.state === 'active') return;
    if (!this.engine.attached) return; // the next initialisation tries again
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.to('activating', reason);
    this.counters.activations++;
    try {
      try {
        await this.engine.send(cgact(1, this.options.cid));
      } catch (err) {
        // Some modules answer ERROR when the context is already up: believe AT+CGACT?, not the error.
        if (!(err instanceof AtCommandError) || !(await this.isActiveInModem())) throw err;
      }
      await this.runAll(this.options.profile.dataUp(this.ctx));
      this.addr = await this.readAddress();
      this.to('active', reason);
      this.log.info({ cid: this.options.cid, address: this.addr }, 'PDP context active');
    } catch (err) {
      this.counters.activationFailures++;
      this.to('failed', `activation failed: ${(err as Error).message}`);
      this.scheduleRetry('retry after a failed activation');
    }
  }

  private async doDeactivate(): Promise<void> {
    if (this.state === 'inactive') return;
    if (!this.engine.attached) {
      // Nothing can be sent now; the check after the next initialisation finishes the job.
      this.addr = null;
      this.to('inactive', 'deactivation requested while the modem is unreachable');
      return;
    }
    const from = this.state;
    if (from === 'active') this.to('deactivating', 'deactivation requested');
    this.counters.deactivations++;
    try {
      await this.runAll(this.options.profile.dataDown(this.ctx));
      await this.engine.send(cgact(0, this.options.cid));
      this.addr = null;
      this.to('inactive', 'deactivated on request');
    } catch (err) {
      // The modem may still hold the context: say so; a later check tells the truth.
      this.to('failed', `deactivation failed: ${(err as Error).message}`);
    }
  }

  private async runAll(commands: readonly ProfileCommand[]): Promise<void> {
    for (const c of commands) {
      try {
        await this.engine.send(c.command);
      } catch (err) {
        if (!(err instanceof AtCommandError) || !c.optional) throw err;
        this.log.debug({ command: c.command, err: err.message }, 'optional data interface command refused');
      }
    }
  }

  private async isActiveInModem(): Promise<boolean> {
    const lines = (await this.engine.send('AT+CGACT?')).lines.filter((l) => /^\+CGACT\s*:/i.test(l));
    return parseCgactRead(lines).some((c) => c.cid === this.options.cid && c.active);
  }

  private async readAddress(): Promise<PdpAddresses | null> {
    try {
      const line = (await this.engine.send(cgpaddr(this.options.cid))).lines.find((l) => /^\+CGPADDR\s*:/i.test(l));
      return line === undefined ? null : parseCgpaddr(line);
    } catch (err) {
      if (err instanceof AtCommandError || isDecodeError(err)) return null;
      throw err;
    }
  }

  /** AT+CGACT? decides: adopt a context that is up, notice one that went away. */
  private async check(reason: string): Promise<void> {
    if (!this.engine.attached) return;
    this.counters.checks++;
    const generation = this.generation;
    let active: boolean;
    try {
      active = await this.isActiveInModem();
    } catch (err) {
      this.counters.checkErrors++;
      if (err instanceof AtCommandError || isDecodeError(err)) return;
      throw err;
    }
    if (generation !== this.generation) return;
    if (active && (this.state === 'inactive' || this.state === 'failed')) {
      this.addr = await this.readAddress();
      this.to('active', `context found active (${reason})`);
      if (this.downRequested) await this.doDeactivate();
    } else if (!active && this.state === 'active') {
      this.released(`context found inactive (${reason})`);
    }
  }

  private released(reason: string): void {
    this.counters.releases++;
    this.addr = null;
    this.to('inactive', reason);
    this.log.warn({ cid: this.options.cid, reason }, 'PDP context released');
    if (this.wanted) this.scheduleRetry('re-activation after a release');
  }

  private scheduleRetry(reason: string): void {
    if (!this.wanted || this.retryTimer) return;
    const delay = this.backoff.next();
    this.log.info({ delayMs: delay, reason }, 'PDP context re-activation scheduled');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.serial(reason, () => this.ensureActive(reason));
    }, delay);
  }

  private scheduleCheck(reason: string): void {
    if (this.checkTimer) return;
    this.checkTimer = setTimeout(() => {
      this.checkTimer = null;
      void this.serial('check after +CGEV', () => this.check(reason));
    }, this.debounceMs);
  }

  private onUrc(line: UrcLine): void {
    if (line.name.toUpperCase() !== '+CGEV') return;
    let ev: CgevEvent;
    try {
      ev = parseCgev(line.text);
    } catch (err) {
      if (!isDecodeError(err)) throw err;
      this.counters.badEvents++;
      this.log.debug({ line: line.text, err: err.message }, 'unknown +CGEV event');
      return;
    }
    this.counters.events++;
    this.onEvent(ev, line.text);
  }

  private isOurs(ev: CgevEvent): boolean | null {
    if (ev.cid !== null) return ev.cid === this.options.cid ? true : null;
    if (ev.pdpAddr !== null && this.addr !== null) {
      return ev.pdpAddr === this.addr.ipv4 || ev.pdpAddr === this.addr.ipv6;
    }
    return null;
  }

  private onEvent(ev: CgevEvent, text: string): void {
    const ours = this.isOurs(ev);
    switch (ev.effect) {
      case 'detached':
        if (this.state === 'active') this.released(`network detach (${text})`);
        return;
      case 'deactivated':
        if (ours === true) {
          if (this.state === 'active') this.released(`released: ${text}`);
          return;
        }
        // Another cid (cid 0: the LTE default bearer on some modules), or no cid we can match: ask.
        if (this.state === 'active') this.scheduleCheck(text);
        return;
      case 'activated':
      case 'reactivated':
        if (ours !== false && (this.state === 'inactive' || this.state === 'failed')) this.scheduleCheck(text);
        return;
      default:
        return;
    }
  }
}
