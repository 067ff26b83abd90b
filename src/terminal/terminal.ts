// The terminal: brings the box up (modem → card → PDP → GBA → registration), turns triggers into BSM requests,
// keeps the PDP context until de-registration, and turns LTKMs into key status. It talks only to ports.
import { SafeEmitter } from '../util/safe-emitter.js';
import type { Logger } from 'pino';
import { ALL_SERVICES, ALL_SERVICES_KEY_GROUP, mskIdHex } from '../codec/index.js';
import { KeyStatus } from './key-status.js';
import type { LtkmOutcome, LtkmRejectReason, StoredMsk } from './ltkm/types.js';
import type { BsmPort, CardInfo, CardPort, GbaPort, PdpPort, PersistedRegistration, PublishPort, TerminalStatePort } from './ports.js';
import { RegistrationCoordinator, type BsmJob, type Timers } from './registration-coordinator.js';
import { backoffDelay } from '../util/backoff.js';
import { RequestGate } from './request-gate.js';
import { TRIGGER_KINDS, type BsmAction, type Trigger, type TriggerKind } from './triggers.js';

export const TERMINAL_PHASES = ['init', 'modem', 'card', 'pdp', 'gba', 'registering', 'ready', 'degraded', 'stopping', 'offline'] as const;
export type TerminalPhase = (typeof TERMINAL_PHASES)[number];

export interface ModemPort {
  /** Resolves once the modem answers and is initialised (SMS routing set up). */
  ready(): Promise<void>;
}

export interface TerminalOptions {
  /**
   * MBMS User Service IDs of power-up, coverage, trigger-message and renewal registrations (the board's
   * configured list, see service-ids.ts): either specific IDs or exactly [urn:allServices].
   */
  services: string[];
  rateLimit: { perMinute: number; burst: number; minIntervalMs: number; settleMs?: number };
  /** Backoff of the bring-up and of failed registrations. */
  retry: { baseMs: number; maxMs: number };
  /**
   * How long shutdown waits, in all, for a registration in flight and then the de-registration before it
   * releases the PDP context anyway.
   */
  deregisterTimeoutMs: number;
  now?: () => number;
  timers?: Timers;
  random?: () => number;
}

export interface TerminalDeps {
  modem: ModemPort;
  card: CardPort;
  pdp: PdpPort;
  gba: GbaPort;
  bsm: BsmPort;
  publish: PublishPort;
  state: TerminalStatePort;
  logger: Logger;
}

export interface TerminalCounters {
  triggers: Record<TriggerKind, number>;
  rejected: Record<string, number>;
  registrations: number;
  registrationFailures: number;
  mskRequests: number;
  keysStored: number;
}

interface TerminalEvents {
  phase: [phase: TerminalPhase, reason: string | null];
}

const BRING_UP_STEPS = ['modem', 'card', 'pdp', 'gba'] as const;
/** Triggers (solicited pulls above all) held while the terminal is not up yet; beyond this the oldest goes. */
const MAX_HELD = 32;
/** A waiting BSM request starts once no trigger joined it for this long (at most ten times that). */
const SETTLE_MS_DEFAULT = 1000;

export class Terminal extends SafeEmitter<TerminalEvents> {
  private phaseValue: TerminalPhase = 'init';
  private reason: string | null = null;
  private readonly coordinator: RegistrationCoordinator;
  private keyStatus = new KeyStatus();
  private registration: PersistedRegistration = { state: 'unregistered', services: [] };
  private announced = false;
  private cardInfo: CardInfo | null = null;
  /** Why the card is unreachable now (null: it is there). */
  private cardMissing: string | null = null;
  private bringUpAttempt = 0;
  private registerFailures = 0;
  private retryTimer: unknown = null;
  private stopping = false;
  /** Bring-up has completed: triggers are acted on. Before that they are held, in order (not dropped). */
  private up = false;
  private held: Array<{ what: string; act: () => void }> = [];
  private readonly now: () => number;
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly log: Logger;
  readonly counters: TerminalCounters = {
    triggers: Object.fromEntries(TRIGGER_KINDS.map((k) => [k, 0])) as Record<TriggerKind, number>,
    rejected: {},
    registrations: 0,
    registrationFailures: 0,
    mskRequests: 0,
    keysStored: 0,
  };

  constructor(
    private readonly deps: TerminalDeps,
    private readonly opts: TerminalOptions,
  ) {
    // A throwing phase listener (systemd notifier, a waiter) is logged and counted; the terminal goes on.
    super((err, event) => deps.logger.error({ err, event }, 'a terminal event listener threw'));
    this.now = opts.now ?? Date.now;
    this.timers = opts.timers ?? { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
    this.random = opts.random ?? Math.random;
    this.log = deps.logger;
    const gate = new RequestGate({ ...opts.rateLimit, now: this.now });
    const settleMs = opts.rateLimit.settleMs ?? SETTLE_MS_DEFAULT;
    this.coordinator = new RegistrationCoordinator(gate, (job) => this.execute(job), this.timers, { settleMs, maxSettleMs: settleMs * 10, now: this.now }, (err, event) =>
      this.log.error({ err, event }, 'a registration queue listener threw'),
    );
    this.coordinator.on('coalesced', (t, into) => this.log.debug({ trigger: t.kind, into }, 'trigger coalesced into the pending request'));
    this.coordinator.on('deferred', (ms) => this.log.debug({ ms }, 'BSM request deferred by the rate limit'));
    this.coordinator.on('finished', (job, err) => this.onJobFinished(job, err));
  }

  get phase(): TerminalPhase {
    return this.phaseValue;
  }

  /**
   * Resolves true when the terminal first becomes ready (GBA has run, registered) within timeoutMs, false when
   * it is ready already (nothing new to wait for), stopping, or the time runs out.
   */
  whenReady(timeoutMs: number): Promise<boolean> {
    if (this.phaseValue === 'ready' || this.stopping) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (v: boolean) => {
        this.timers.clearTimeout(timer);
        this.off('phase', onPhase);
        resolve(v);
      };
      const onPhase = (p: TerminalPhase) => {
        if (p === 'ready') done(true);
        else if (p === 'stopping') done(false);
      };
      const timer = this.timers.setTimeout(() => done(false), timeoutMs);
      this.on('phase', onPhase);
    });
  }

  get registrationState(): Readonly<PersistedRegistration> {
    return this.registration;
  }

  private setPhase(phase: TerminalPhase, reason: string | null = null): void {
    if (this.announced && phase === this.phaseValue && reason === this.reason) return;
    this.announced = true;
    this.phaseValue = phase;
    this.reason = reason;
    this.deps.publish.status(phase, reason ?? undefined);
    this.emit('phase', phase, reason);
    if (reason) this.log.warn({ phase, reason }, 'terminal degraded');
    else this.log.info({ phase }, 'terminal phase');
  }

  /** Publishes what was restored, then brings the terminal up; registers with trigger power-up. */
  start(): void {
    this.registration = this.deps.state.registration() ?? { state: 'unregistered', services: [] };
    this.keyStatus = new KeyStatus(this.deps.state.keys());
    this.publishRegistration();
    for (const k of this.keyStatus.all()) this.publishKey(k.keyDomainId, k.keyGroup, k.keyNumber);
    this.setPhase('init');
    void this.bringUp({ kind: 'power-up', at: this.now(), source: 'start' });
  }

  private async bringUp(trigger: Trigger): Promise<void> {
    let step: (typeof BRING_UP_STEPS)[number] = 'modem';
    try {
      for (step of BRING_UP_STEPS) {
        if (this.stopping) return;
        this.setPhase(step);
        if (step === 'modem') await this.deps.modem.ready();
        else if (step === 'card') this.cardInfo = await this.deps.card.ready();
        else if (step === 'pdp') await this.deps.pdp.ensureActive();
        else await this.deps.gba.ensure();
      }
    } catch (err) {
      if (this.stopping) return;
      const delay = this.backoff(++this.bringUpAttempt);
      this.setPhase('degraded', `${step}: ${errorText(err)}`);
      this.deps.publish.event('bring-up-failed', { step, reason: errorText(err), retryInMs: delay });
      this.retryTimer = this.timers.setTimeout(() => {
        this.retryTimer = null;
        void this.bringUp(trigger);
      }, delay);
      return;
    }
    this.bringUpAttempt = 0;
    if (this.stopping) return;
    this.up = true;
    this.trigger(trigger, { type: 'register', services: [...this.opts.services] });
    // What arrived before the terminal was up (a pull by SMS read at start, a command) is acted on now.
    const held = this.held;
    this.held = [];
    if (held.length) this.log.info({ held: held.map((h) => h.what) }, 'acting on triggers held until the terminal was up');
    for (const h of held) h.act();
  }

  /** Keeps `act` until bring-up completes (bounded: the oldest is dropped, with a rejection). */
  private hold(what: string, act: () => void): void {
    this.held.push({ what, act });
    this.log.info({ what, phase: this.phaseValue }, 'the terminal is not up yet: held until it is');
    this.deps.publish.event('trigger-held', { what, phase: this.phaseValue, waiting: this.held.length });
    if (this.held.length > MAX_HELD) {
      const dropped = this.held.shift()!;
      this.log.warn({ what: dropped.what, max: MAX_HELD }, 'too many triggers held before the terminal is up: the oldest is dropped');
      this.rejected('overload', `${dropped.what}: more than ${MAX_HELD} triggers held before the terminal was up`, 'terminal');
    }
  }

  private backoff(attempt: number): number {
    return backoffDelay(this.opts.retry, attempt, this.random);
  }

  /** Records a trigger and queues its BSM action (coalesced, rate limited). */
  private trigger(trigger: Trigger, action: BsmAction): void {
    if (this.stopping) return;
    if (!this.up) return this.hold(`${trigger.kind} → ${action.type}`, () => this.trigger(trigger, action));
    this.counters.triggers[trigger.kind]++;
    this.deps.publish.event('trigger', { kind: trigger.kind, source: trigger.source ?? null, action: action.type });
    this.coordinator.submit(trigger, action);
    if (action.type === 'register' && this.phaseValue !== 'degraded') this.setPhase('registering');
  }

  private async execute(job: BsmJob): Promise<void> {
    await this.deps.pdp.ensureActive();
    const action = job.action;
    await this.deps.gba.ensure(action.type === 'register' && action.rebootstrap === true ? { force: true } : undefined);
    const last = job.triggers[job.triggers.length - 1]!;
    if (action.type === 'register') {
      const results = await this.deps.bsm.register(action.services);
      const ok = results.filter((r) => r.status === 200).map((r) => r.serviceId);
      const refused = results.filter((r) => r.status !== 200);
      if (ok.length === 0) throw new Error(`BSM refused registration: ${refused.map((r) => `${r.serviceId} ${r.status}`).join(', ') || 'no service status'}`);
      this.counters.registrations++;
      // What the BSM holds for us: everything registered since the last de-registration (shutdown undoes it all).
      const before = this.registration.state === 'registered' ? this.registration.services : [];
      this.registration = {
        state: 'registered',
        services: [...new Set([...before, ...ok])],
        registeredAt: new Date(this.now()).toISOString(),
        lastTrigger: { kind: last.kind, at: new Date(last.at).toISOString(), ...(last.source ? { source: last.source } : {}) },
      };
      this.deps.state.saveRegistration(this.registration);
      this.publishRegistration(refused);
      this.deps.publish.event('registered', { services: ok, refused, trigger: last.kind, coalescedTriggers: job.triggers.length });
    } else if (action.type === 'msk-request') {
      this.counters.mskRequests++;
      const results = await this.deps.bsm.requestMsk(action.keyDomainId, action.keyGroups);
      this.deps.publish.event('msk-requested', { keyDomainId: action.keyDomainId, keyGroups: action.keyGroups, results, trigger: last.kind });
    } else {
      const results = await this.deps.bsm.deregister(action.services);
      this.registration = { state: 'unregistered', services: [], lastTrigger: { kind: last.kind, at: new Date(last.at).toISOString() } };
      this.deps.state.saveRegistration(this.registration);
      this.publishRegistration();
      this.deps.publish.event('deregistered', { results });
    }
  }

  private onJobFinished(job: BsmJob, err: unknown): void {
    if (err === null) {
      if (job.action.type === 'register') {
        this.registerFailures = 0;
        if (!this.stopping) this.setPhase(this.cardMissing === null ? 'ready' : 'degraded', this.cardMissing);
      }
      return;
    }
    this.log.warn({ action: job.action.type, err: errorText(err) }, 'BSM request failed');
    this.deps.publish.event('request-failed', { action: job.action.type, reason: errorText(err) });
    if (job.action.type !== 'register' || this.stopping) return;
    // A registration must eventually happen: retry it (with every trigger it carried) after a backoff.
    this.counters.registrationFailures++;
    const delay = this.backoff(++this.registerFailures);
    this.setPhase('degraded', `registration: ${errorText(err)}`);
    if (this.retryTimer !== null) return;
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      if (this.stopping) return;
      const last = job.triggers[job.triggers.length - 1]!;
      this.coordinator.submit(last, job.action);
    }, delay);
  }

  // ---- triggers from the adapters ----

  /**
   * The card went away (pulled, reader or pcscd gone): the terminal cannot check or store keys, so it says
   * `degraded` with the reason until the card is back. Bring-up reports its own card step.
   */
  cardLost(reason: string): void {
    this.cardMissing = `card: ${reason}`;
    if (this.stopping || this.phaseValue === 'init' || BRING_UP_STEPS.includes(this.phaseValue as never)) return;
    this.setPhase('degraded', this.cardMissing);
  }

  /** The card is back (re-inserted, pcscd recovered): bootstrap again and register, as after a power-up. */
  cardBack(): void {
    if (this.cardMissing === null) return;
    this.cardMissing = null;
    if (this.stopping || this.phaseValue === 'init' || BRING_UP_STEPS.includes(this.phaseValue as never)) return;
    void this.deps.card.ready().then(
      (info) => {
        this.cardInfo = info;
        // The card's GBA state may not have survived: a fresh bootstrap first, paced by the gate like any trigger.
        this.trigger({ kind: 'connectivity', at: this.now(), source: 'card back' }, { type: 'register', services: this.servicesToRenew(), rebootstrap: true });
        if (this.phaseValue === 'degraded') this.setPhase('registering');
      },
      (err: unknown) => this.cardLost(`back but not ready: ${errorText(err)}`),
    );
  }

  /** Coverage regained, or the PDP context re-activated after a network release. */
  connectivityRestored(source: string): void {
    if (this.phaseValue === 'init' || BRING_UP_STEPS.includes(this.phaseValue as never)) return; // bring-up registers anyway
    this.trigger({ kind: 'connectivity', at: this.now(), source }, { type: 'register', services: this.servicesToRenew() });
  }

  /** GBA re-bootstrapped (B-TID lifetime ending, or the BSM no longer knew it): the MUK changed, register at once. */
  renewal(source: string): void {
    this.trigger({ kind: 'renewal', at: this.now(), source }, { type: 'register', services: this.servicesToRenew() });
  }

  /**
   * Power-up, coverage, trigger-message and renewal registrations use the configured list, whatever a Key Group 0
   * pull (urn:allServices) or a command registered in between (CR: the configured services are not replaced).
   */
  private servicesToRenew(): string[] {
    return [...this.opts.services];
  }

  /** Everything the BSM may hold for this terminal (what shutdown and `deregister` undo). */
  private registeredServices(): string[] {
    return this.registration.state === 'registered' && this.registration.services.length ? [...this.registration.services] : [...this.opts.services];
  }

  /** A Smartcard Profile Trigger Message (SPEC §3.4) from the SMS bearer: register the configured services. */
  triggerMessage(source: string): void {
    this.trigger({ kind: 'trigger-message', at: this.now(), source }, { type: 'register', services: this.servicesToRenew() });
  }

  /** What the LTKM intake made of a message from the BSM side, whichever bearer brought it. */
  ltkmOutcome(o: LtkmOutcome): void {
    const source = o.source.via;
    if (o.kind === 'pull') this.solicitedPull(o, source);
    else if (o.kind === 'stored') this.keyStored(o.msk, source);
    else this.rejected(o.reason, o.detail, source);
  }

  /** A solicited pull the card or ME has MAC- and replay-checked. */
  private solicitedPull(pull: { keyDomainId: string | null; keyGroup: number }, source: string): void {
    this.deps.publish.event('solicited-pull', { keyDomainId: pull.keyDomainId ?? this.cardInfo?.homeKeyDomainId ?? null, keyGroup: pull.keyGroup, source, ...(this.up ? {} : { held: true }) });
    const at = this.now();
    // Before bring-up the home key domain may not be known yet: the whole pull waits, not only its request.
    if (!this.up && !this.stopping) return this.hold(`solicited-pull key group ${pull.keyGroup}`, () => this.actOnPull(pull, source, at));
    this.actOnPull(pull, source, at);
  }

  private actOnPull(pull: { keyDomainId: string | null; keyGroup: number }, source: string, at: number): void {
    const keyDomainId = pull.keyDomainId ?? this.cardInfo?.homeKeyDomainId ?? null;
    const trigger: Trigger = { kind: 'solicited-pull', at, source };
    if (pull.keyGroup === ALL_SERVICES_KEY_GROUP) {
      // Key Group 0: register for all services, no LTKM request — re-registering when already registered.
      this.trigger(trigger, { type: 'register', services: [ALL_SERVICES] });
    } else if (keyDomainId === null) {
      this.rejected('malformed', 'solicited pull without a key domain, and the card has not given the home one', source);
    } else {
      this.trigger(trigger, { type: 'msk-request', keyDomainId, keyGroups: [pull.keyGroup] });
    }
  }

  /** An MSK the card or ME stored from an LTKM. */
  private keyStored(msk: StoredMsk, source: string): void {
    const s = { keyDomainId: msk.keyDomainId, ...msk.mskId };
    const key = { ...s, storedAt: new Date(this.now()).toISOString(), ...(msk.validity ? { validity: msk.validity } : {}) };
    const superseded = this.keyStatus.add(key);
    this.deps.state.saveKey(key, superseded);
    this.counters.keysStored++;
    this.publishKey(s.keyDomainId, s.keyGroup, s.keyNumber);
    for (const old of superseded) {
      // The player learns the MSK is gone, then the topic goes: MSKs rotate for ever, retained topics must not.
      const mskId = mskIdHex(old);
      this.deps.publish.traffic(old.keyDomainId, mskId, { ...this.keyStatus.traffic(old), ready: false, reason: 'superseded' });
      this.deps.publish.clearTraffic(old.keyDomainId, mskId);
    }
    this.deps.publish.event('key-stored', { keyDomainId: s.keyDomainId, mskId: mskIdHex(msk.mskId), source });
    // The key status topics are out: a player can now decrypt with this MSK.
    this.deps.publish.event('key-ready', { keyDomainId: s.keyDomainId, keyGroup: s.keyGroup, mskId: mskIdHex(msk.mskId) });
  }

  /** Something from the BSM side was not acted on: an event and a counter (the intake has logged it once). */
  private rejected(reason: LtkmRejectReason, detail: string, source: string): void {
    this.counters.rejected[reason] = (this.counters.rejected[reason] ?? 0) + 1;
    this.deps.publish.event('rejected', { reason, detail, source });
  }

  /** Commands from MQTT or bcastctl. */
  command(name: 'register' | 'deregister' | 'pull' | 'bootstrap', args: { services?: string[]; keyDomainId?: string; keyGroup?: number } = {}): { accepted: true; action: string } {
    const trigger: Trigger = { kind: 'command', at: this.now(), source: 'command' };
    switch (name) {
      case 'register': {
        const services = args.services?.length ? [...new Set(args.services)] : [...this.opts.services];
        if (services.includes(ALL_SERVICES) && services.length > 1) throw new Error(`${ALL_SERVICES} is registered alone, never with other service IDs`);
        this.trigger(trigger, { type: 'register', services });
        return { accepted: true, action: 'register' };
      }
      case 'deregister':
        this.trigger(trigger, { type: 'deregister', services: args.services?.length ? args.services : this.registeredServices() });
        return { accepted: true, action: 'deregister' };
      case 'pull': {
        const keyDomainId = args.keyDomainId ?? this.cardInfo?.homeKeyDomainId;
        if (!keyDomainId) throw new Error('no key domain: the card is not ready and none was given');
        if (args.keyGroup === undefined || args.keyGroup === ALL_SERVICES_KEY_GROUP) this.trigger(trigger, { type: 'register', services: [ALL_SERVICES] });
        else this.trigger(trigger, { type: 'msk-request', keyDomainId, keyGroups: [args.keyGroup] });
        return { accepted: true, action: args.keyGroup ? 'msk-request' : 'register' };
      }
      case 'bootstrap':
        // Through the gate like every trigger: a flood of bootstrap commands costs one GBA run per gate slot.
        this.trigger(trigger, { type: 'register', services: this.servicesToRenew(), rebootstrap: true });
        return { accepted: true, action: 'bootstrap' };
    }
  }

  // ---- shutdown ----

  /**
   * CR change 3: the PDP context of a registered terminal is released only after De-registration. A registration
   * already sent may make the terminal registered, so it is waited for first; then whatever the BSM may hold is
   * de-registered; then the context goes. Both waits share one bound (deregisterTimeoutMs).
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.setPhase('stopping');
    this.stopping = true;
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.held = [];
    let timer: unknown;
    const deadline = new Promise<'timeout'>((resolve) => (timer = this.timers.setTimeout(() => resolve('timeout'), this.opts.deregisterTimeoutMs)));
    const bounded = (p: Promise<void>) => Promise.race([p.then(() => 'done' as const), deadline]);
    // Requests not yet started never reached the BSM: dropped. The one in flight is waited for.
    this.coordinator.dropPending();
    const inFlight = this.coordinator.snapshot().inFlight;
    let outcome: 'done' | 'timeout' = 'done';
    if (inFlight) {
      this.log.info({ action: inFlight.action.type }, 'stopping: waiting for the BSM request in flight before de-registering');
      outcome = await bounded(this.coordinator.idle());
    }
    // A registration still unanswered may have reached the BSM: its services are de-registered too.
    const unanswered = outcome === 'timeout' && inFlight?.action.type === 'register' ? inFlight.action.services : [];
    const services = [...new Set([...(this.registration.state === 'registered' ? this.registration.services : []), ...unanswered])];
    if (services.length) {
      this.coordinator.submit({ kind: 'command', at: this.now(), source: 'shutdown' }, { type: 'deregister', services });
      outcome = await bounded(this.coordinator.idle());
    }
    this.timers.clearTimeout(timer);
    if (outcome === 'timeout') this.log.warn({ timeoutMs: this.opts.deregisterTimeoutMs }, 'de-registration did not finish in time; releasing the PDP context anyway');
    this.coordinator.close();
    try {
      await this.deps.pdp.release();
    } catch (err) {
      this.log.warn({ err: errorText(err) }, 'PDP context release failed');
    }
    this.setPhase('offline');
  }

  // ---- publishing ----

  private publishRegistration(refused: Array<{ serviceId: string; status: number }> = []): void {
    const r = this.registration;
    this.deps.publish.registration({
      state: r.state,
      services: r.services,
      registeredAt: r.registeredAt ?? null,
      lastTrigger: r.lastTrigger ?? null,
      ...(refused.length ? { refused } : {}),
    });
  }

  private publishKey(keyDomainId: string, keyGroup: number, keyNumber: number): void {
    this.deps.publish.keyGroup(keyDomainId, keyGroup, this.keyStatus.group(keyDomainId, keyGroup));
    const key = this.keyStatus.all().find((k) => k.keyDomainId === keyDomainId && k.keyGroup === keyGroup && k.keyNumber === keyNumber);
    if (key) this.deps.publish.traffic(keyDomainId, mskIdHex(key), this.keyStatus.traffic(key));
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
