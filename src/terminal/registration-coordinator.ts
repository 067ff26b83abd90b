// At most one BSM request in flight and, per kind of action, one pending: triggers that arrive meanwhile are
// merged into the pending one (services and key groups united, triggers kept for the record). Starts are paced
// by the RequestGate, so a flood of solicited pulls costs the BSM at most one extra request.
import { SafeEmitter, type ListenerErrorReport } from '../util/safe-emitter.js';
import { ALL_SERVICES } from '../codec/index.js';
import type { BsmAction, Trigger } from './triggers.js';
import type { RequestGate } from './request-gate.js';

export interface BsmJob {
  action: BsmAction;
  /** Every trigger folded into this job, oldest first. */
  triggers: Trigger[];
}

interface PendingJob extends BsmJob {
  /** When the job was queued, and when a trigger last joined it (clock of the gate). */
  queuedAt: number;
  joinedAt: number;
  /** Queued while another request was in flight or deferred: it waits for the burst to settle. */
  settles: boolean;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface CoordinatorEvents {
  started: [job: BsmJob];
  finished: [job: BsmJob, error: unknown | null];
  coalesced: [trigger: Trigger, into: BsmAction['type']];
  deferred: [delayMs: number];
}

type SlotKey = 'deregister' | 'register' | 'register-all' | `msk:${string}`;

/** The CR's Key Group 0 registration: a body of exactly urn:allServices. */
export const isAllServices = (services: readonly string[]): boolean => services.length === 1 && services[0] === ALL_SERVICES;

// A urn:allServices registration has a slot of its own: it is never merged with service IDs into one body.
const slotOf = (a: BsmAction): SlotKey =>
  a.type === 'msk-request' ? `msk:${a.keyDomainId}` : a.type === 'register' && isAllServices(a.services) ? 'register-all' : a.type;

const union = <T>(a: T[], b: T[]): T[] => [...new Set([...a, ...b])];

function merge(into: BsmAction, add: BsmAction): BsmAction {
  if (into.type === 'msk-request' && add.type === 'msk-request') return { ...into, keyGroups: union(into.keyGroups, add.keyGroups) };
  if (into.type === 'register' && add.type === 'register') {
    const rebootstrap = into.rebootstrap === true || add.rebootstrap === true;
    return { ...into, services: union(into.services, add.services), ...(rebootstrap ? { rebootstrap } : {}) };
  }
  if (into.type === 'deregister' && add.type === 'deregister') return { ...into, services: union(into.services, add.services) };
  return add;
}

export class RegistrationCoordinator extends SafeEmitter<CoordinatorEvents> {
  private inFlight: BsmJob | null = null;
  private readonly pending = new Map<SlotKey, PendingJob>();
  private wakeTimer: unknown = null;
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly gate: RequestGate,
    private readonly execute: (job: BsmJob) => Promise<void>,
    private readonly timers: Timers = { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
    private readonly settle: { settleMs: number; maxSettleMs: number; now: () => number } = { settleMs: 0, maxSettleMs: 0, now: Date.now },
    /** A throwing listener (the terminal's own) is reported here; the queue goes on. */
    onListenerError: ListenerErrorReport = () => undefined,
  ) {
    super(onListenerError);
  }

  /** Queues the action; returns whether it starts a new pending job or was folded into an existing one. */
  submit(trigger: Trigger, action: BsmAction): 'queued' | 'coalesced' | 'refused' {
    if (this.closed) return 'refused';
    if (action.type === 'register' && action.services.includes(ALL_SERVICES) && !isAllServices(action.services)) {
      throw new RangeError(`${ALL_SERVICES} is registered alone, never with other service IDs`);
    }
    if (action.type === 'deregister') {
      // De-registration supersedes registrations and key requests nobody will wait for.
      for (const key of [...this.pending.keys()]) if (key !== 'deregister') this.pending.delete(key);
    } else if (action.type === 'register') {
      this.pending.delete('deregister');
    }
    const key = slotOf(action);
    const existing = this.pending.get(key);
    let outcome: 'queued' | 'coalesced';
    const now = this.settle.now();
    if (existing) {
      existing.action = merge(existing.action, action);
      existing.triggers.push(trigger);
      existing.joinedAt = now;
      this.emit('coalesced', trigger, action.type);
      outcome = 'coalesced';
    } else {
      // A job that cannot start at once is part of a burst: it waits for the burst to settle.
      const settles = this.inFlight !== null || this.wakeTimer !== null || this.gate.delayMs() > 0;
      this.pending.set(key, { action, triggers: [trigger], queuedAt: now, joinedAt: now, settles });
      outcome = 'queued';
    }
    this.pump();
    return outcome;
  }

  get busy(): boolean {
    return this.inFlight !== null || this.pending.size > 0;
  }

  snapshot(): { inFlight: BsmJob | null; pending: BsmJob[] } {
    return { inFlight: this.inFlight, pending: [...this.pending.values()].map((p) => ({ action: p.action, triggers: p.triggers })) };
  }

  /** Resolves when nothing is in flight or pending. */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops the pending jobs (they never reached the BSM); the one in flight goes on. */
  dropPending(): void {
    this.pending.clear();
    if (this.wakeTimer !== null) this.timers.clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    if (!this.busy) this.flushIdle();
  }

  /** Stops starting jobs and drops the pending ones; the one in flight finishes. */
  close(): void {
    this.closed = true;
    this.pending.clear();
    if (this.wakeTimer !== null) this.timers.clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    if (!this.busy) this.flushIdle();
  }

  private next(): [SlotKey, PendingJob] | undefined {
    for (const key of ['deregister', 'register', 'register-all'] as const) {
      const job = this.pending.get(key);
      if (job) return [key, job];
    }
    return this.pending.entries().next().value;
  }

  private pump(): void {
    if (this.inFlight || this.wakeTimer !== null) return;
    if (this.closed) {
      this.flushIdle();
      return;
    }
    const next = this.next();
    if (!next) {
      this.flushIdle();
      return;
    }
    const [, waiting] = next;
    const now = this.settle.now();
    const settleDelay = waiting.settles && waiting.action.type !== 'deregister'
      ? Math.max(0, Math.min(waiting.joinedAt + this.settle.settleMs, waiting.queuedAt + this.settle.maxSettleMs) - now)
      : 0;
    const delay = Math.max(this.gate.delayMs(), settleDelay);
    if (delay > 0) {
      this.emit('deferred', delay);
      this.wakeTimer = this.timers.setTimeout(() => {
        this.wakeTimer = null;
        this.pump();
      }, delay);
      return;
    }
    const [key, pendingJob] = next;
    this.pending.delete(key);
    this.gate.take();
    const job: BsmJob = { action: pendingJob.action, triggers: pendingJob.triggers };
    this.inFlight = job;
    this.emit('started', job);
    void this.execute(job).then(
      () => this.done(job, null),
      (err: unknown) => this.done(job, err),
    );
  }

  private done(job: BsmJob, error: unknown): void {
    this.inFlight = null;
    this.emit('finished', job, error);
    this.pump();
  }

  private flushIdle(): void {
    if (this.busy) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
