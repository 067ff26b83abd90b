/**
 * The one owner of an LTKM's way in (DESIGN.md "The LTKM path"), whatever bearer brought it: the MIKEY message is
 * decoded once, on arrival; what can be refused from the decoded message is refused at once (malformed, not an
 * MSK message, key-less with V set, a replayed (CSB ID, counter) pair, overload); the rest waits in one serial
 * queue for the key processor (USIM in GBA_U, ME in GBA_ME) and comes out as one outcome: pull | stored | rejected.
 * A message the processor could not judge (no card) is kept, in order, until retryHeld().
 *
 * Bounded arrivals (UDP) beyond `maxQueued` waiting are dropped as 'overload': each is counted, a burst is logged
 * and reported once, at its start, and summed up when the queue has drained; a dropped solicited pull is always
 * logged on its own line. Unbounded arrivals (SMS: the modem has already acknowledged them) are never dropped.
 * Rejections are counted each, but logged and reported at most once per reason and source per interval.
 */
import type { Logger } from 'pino';
import { decodeMikey, describeMbms, isDecodeError, type DecodedMikey, type MbmsInfo } from '../../codec/index.js';
import { LogLimiter } from '../../util/log-limiter.js';
import { SerialQueue } from '../../util/serial-queue.js';
import { ReplayCache } from './replay-cache.js';
import { LTKM_REJECT_REASONS, type KeyProcessorPort, type LtkmFlowStep, type LtkmOutcome, type LtkmRejectReason, type LtkmSource } from './types.js';

/** An LTKM as decoded on arrival: the bytes as received, the message, and its MBMS reading. */
export interface ReceivedLtkm extends DecodedMikey {
  info: MbmsInfo;
  source: LtkmSource;
}

export interface LtkmIntakeOptions {
  processor: KeyProcessorPort;
  /** Every outcome, in order; rejections at most once per reason and source per interval. */
  onOutcome(outcome: LtkmOutcome): void;
  /** The steps of each message, for the event stream behind `bcastctl trace` (no key material in them). */
  onFlow?(step: LtkmFlowStep): void;
  /** Bounded messages waiting to be processed beyond which new ones are dropped (default 256). */
  maxQueued?: number;
  logger: Logger;
}

/** How a bearer hands a message over. */
export interface AcceptOptions {
  /** Subject to the queue bound (UDP); false for messages that must never be dropped (SMS). */
  bounded?: boolean;
  /**
   * The bearer's per-source share, asked only for a message that passed the checks on arrival (so replays and
   * garbage cost no share); false drops it as 'overload'.
   */
  withinShare?(): boolean;
  /** Sends the verification message back to the sender; resolves true once sent. */
  reply?(verification: Uint8Array): Promise<boolean>;
}

export interface LtkmIntakeStats {
  received: number;
  keysStored: number;
  solicitedPulls: number;
  verificationsSent: number;
  /** Messages waiting to be processed now (the one in progress not included). */
  waiting: number;
  /** The most that ever waited. */
  peakWaiting: number;
  /** Messages kept because the card could not be reached; processed again by retryHeld(). */
  held: number;
  dropped: Record<LtkmRejectReason, number>;
}

const DEFAULT_MAX_QUEUED = 256;
/** Messages kept for an unreachable card at most (the oldest given up first). */
const MAX_HELD = 32;

export class LtkmIntake {
  readonly #log: Logger;
  readonly #maxQueued: number;
  readonly #queue = new SerialQueue();
  readonly #replays = new ReplayCache();
  /** Rejection log lines and reports: one per reason and source per interval. */
  readonly #reports = new LogLimiter();
  /** The overload burst going on: messages dropped since it began. */
  #burst: { dropped: number; since: number } | null = null;
  /** Not judged for want of a card, in arrival order. */
  #held: Array<{ ltkm: ReceivedLtkm; opts: AcceptOptions }> = [];
  readonly #stats: LtkmIntakeStats = {
    received: 0,
    keysStored: 0,
    solicitedPulls: 0,
    verificationsSent: 0,
    waiting: 0,
    peakWaiting: 0,
    held: 0,
    dropped: Object.fromEntries(LTKM_REJECT_REASONS.map((r) => [r, 0])) as Record<LtkmRejectReason, number>,
  };

  constructor(private readonly o: LtkmIntakeOptions) {
    this.#log = o.logger;
    this.#maxQueued = o.maxQueued ?? DEFAULT_MAX_QUEUED;
  }

  stats(): LtkmIntakeStats {
    return { ...this.#stats, dropped: { ...this.#stats.dropped } };
  }

  /** Bounded messages waiting now: a bearer may refuse before reading more. */
  get waiting(): number {
    return this.#stats.waiting;
  }

  /** A MIKEY message from a bearer. Resolves once it is processed, refused or kept for the card. */
  accept(raw: Uint8Array, source: LtkmSource, opts: AcceptOptions = {}): Promise<void> {
    this.#stats.received++;
    const ltkm = this.#decode(raw, source);
    if (ltkm === null) return Promise.resolve();
    if (this.#replays.has(ReplayCache.keyOf(ltkm.message))) {
      this.#drop('replay', source, 'replay of a (CSB ID, counter) pair the card already judged (refused before the card)');
      return Promise.resolve();
    }
    if (opts.withinShare && !opts.withinShare()) return (this.#overload(ltkm, 'this source already has its share of the queue waiting'), Promise.resolve());
    if (opts.bounded && this.#stats.waiting >= this.#maxQueued) return (this.#overload(ltkm), Promise.resolve());
    return this.#enqueue(() => this.#process(ltkm, opts)).catch((e: unknown) => this.#log.error({ err: e }, 'LTKM processing failed'));
  }

  /**
   * A message a bearer refused before it reached the decoder (a stranger's datagram, a push for another
   * application): counted; `received` counts it as arrived; reported unless the bearer has already said it
   * this interval.
   */
  refuse(reason: LtkmRejectReason, detail: string, source: LtkmSource, o: { received?: boolean; report?: boolean } = {}): void {
    if (o.received) this.#stats.received++;
    this.#stats.dropped[reason]++;
    if (o.report !== false) this.o.onOutcome({ kind: 'rejected', reason, detail, source });
  }

  /** Processes again, in arrival order, what was kept while the card could not be reached. */
  retryHeld(): Promise<void> {
    const held = this.#held;
    this.#held = [];
    this.#stats.held = 0;
    if (held.length > 0) this.#log.info({ count: held.length }, 'LTKMs kept for the card: processing them now');
    return Promise.all(held.map((h) => this.#enqueue(() => this.#process(h.ltkm, h.opts)))).then(() => undefined);
  }

  /** Settles once everything queued so far has been processed. */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  /** Decoded once, here; the cheap refusals that need the decoded message. null: refused. */
  #decode(raw: Uint8Array, source: LtkmSource): ReceivedLtkm | null {
    let ltkm: ReceivedLtkm;
    try {
      const message = decodeMikey(raw);
      ltkm = { raw, message, info: describeMbms(message), source };
    } catch (e) {
      if (isDecodeError(e)) return (this.#drop('malformed', source, `malformed MIKEY: ${e.message}`), null);
      throw e;
    }
    const { info, message } = ltkm;
    if (info.kind !== 'msk') return (this.#drop('unsupported', source, `a ${info.kind} message, not an MSK message`), null);
    // SPEC §3.3 [R]: a pull has V clear. Key-less with V set is neither a pull nor a key: never acted on.
    if (message.hdr.v && info.mskId?.keyNumber === 0 && info.kemac?.encrDataLength === 0) {
      return (this.#drop('keyless-v-set', source, `key-less MSK message (Key Number 0, empty KEMAC) with the V bit set: not a solicited pull (key group ${info.mskId.keyGroup})`), null);
    }
    return ltkm;
  }

  /** Runs `job` after everything queued before it; a failing job does not stop the queue. */
  #enqueue(job: () => Promise<void>): Promise<void> {
    const st = this.#stats;
    st.waiting++;
    st.peakWaiting = Math.max(st.peakWaiting, st.waiting);
    return this.#queue
      .run(() => {
        st.waiting--;
        return job();
      })
      .finally(() => {
        if (st.waiting === 0 && this.#burst) this.#burstOver();
      });
  }

  #drop(reason: LtkmRejectReason, from: LtkmSource, why: string): void {
    this.#stats.dropped[reason]++;
    // Counted each; logged and reported once per reason and source address per interval (then "suppressed N").
    const logged = this.#reports.warn(this.#log, `${reason}:${from.via}:${from.address}`, { reason, from: fromText(from) }, `LTKM dropped: ${why}`);
    if (logged) this.o.onOutcome({ kind: 'rejected', reason, detail: why, source: from });
  }

  /** A bounded message with the queue full or its source over its share: counted; the burst is reported once. */
  #overload(ltkm: ReceivedLtkm, cause?: string): void {
    const from = ltkm.source;
    this.#stats.dropped.overload++;
    if (ltkm.info.solicitedPull) {
      // Never lost inside a summary: a dropped pull is the purchase a user is waiting for.
      this.#reports.warn(this.#log, `pull-overload:${from.address}`, { reason: 'overload', from: fromText(from), solicitedPull: true }, `solicited pull dropped: ${cause ?? 'queue full'}`);
    }
    if (this.#burst) {
      this.#burst.dropped++;
      return;
    }
    this.#burst = { dropped: 1, since: Date.now() };
    const why = cause ?? `${this.#maxQueued} datagrams waiting: dropping new ones until the queue drains`;
    this.#log.warn({ reason: 'overload', from: fromText(from), maxQueued: this.#maxQueued }, `LTKM dropped: ${why}`);
    this.o.onOutcome({ kind: 'rejected', reason: 'overload', detail: why, source: from });
  }

  #burstOver(): void {
    const b = this.#burst!;
    this.#burst = null;
    this.#log.warn({ reason: 'overload', dropped: b.dropped, ms: Date.now() - b.since }, 'LTKM overload over: the queue has drained');
  }

  #hold(ltkm: ReceivedLtkm, opts: AcceptOptions, why: string): void {
    this.#held.push({ ltkm, opts });
    if (this.#held.length > MAX_HELD) {
      const lost = this.#held.shift()!;
      this.#drop('card', lost.ltkm.source, `kept for the card, given up: more than ${MAX_HELD} waiting`);
    }
    this.#stats.held = this.#held.length;
    this.#reports.warn(this.#log, `held:${ltkm.source.via}`, { from: fromText(ltkm.source), held: this.#held.length }, `LTKM kept until the card is back: ${why}`);
  }

  async #process(ltkm: ReceivedLtkm, opts: AcceptOptions): Promise<void> {
    const { info, source: from } = ltkm;
    // A pair judged while this one waited (the same message twice in the queue) is a replay too.
    const replayKey = ReplayCache.keyOf(ltkm.message);
    if (this.#replays.has(replayKey)) return this.#drop('replay', from, 'replay of a (CSB ID, counter) pair the card already judged (refused before the card)');
    const purpose = info.solicitedPull ? 'solicited-pull' : 'ltkm';
    const flow = this.o.onFlow;
    flow?.({ step: 'received', purpose, via: from.via, from: from.via === 'udp' ? `${from.address}:${from.port}` : from.address, bytes: ltkm.raw.length });
    const started = performance.now();
    const checked = (ok: boolean, reason?: string) =>
      flow?.({ step: 'checked', purpose, ok, ...(reason ? { reason } : {}), durationMs: Math.round((performance.now() - started) * 100) / 100, via: from.via });
    let result;
    try {
      result = await this.o.processor.processMskMessage(ltkm);
    } catch (e) {
      checked(false, 'card');
      return this.#drop('card', from, `processor failed: ${(e as Error).message}`);
    }
    if (result.kind === 'unavailable') {
      checked(false, 'card');
      return this.#hold(ltkm, opts, result.detail);
    }
    if (result.kind === 'rejected') {
      if (result.reason === 'replay') this.#replays.add(replayKey);
      checked(false, result.reason);
      return this.#drop(result.reason, from, result.detail);
    }
    checked(true);
    this.#replays.add(replayKey);
    if (result.verification && opts.reply && (await opts.reply(result.verification))) {
      this.#stats.verificationsSent++;
      flow?.({ step: 'verification-sent', to: `${from.address}:${from.port}`, bytes: result.verification.length });
    }
    if (info.solicitedPull && info.mskId) {
      this.#stats.solicitedPulls++;
      this.#log.info({ keyGroup: info.mskId.keyGroup, via: from.via }, 'solicited pull');
      this.o.onOutcome({ kind: 'pull', keyDomainId: info.keyDomainId, keyGroup: info.mskId.keyGroup, source: from });
      return;
    }
    if (result.stored) {
      this.#stats.keysStored++;
      this.#log.info({ keyDomainId: result.stored.keyDomainId, mskId: result.stored.mskId }, 'MSK stored');
      this.o.onOutcome({ kind: 'stored', msk: result.stored, source: from });
    }
  }
}

function fromText(from: LtkmSource): string {
  return `${from.via}:${from.address}:${from.port}`;
}
