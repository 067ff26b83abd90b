/**
 * LTKM push reception over UDP (SPEC §3-§4): every datagram is checked (source allow-list, MIKEY
 * decoding, MSK message), then processed by the LtkmProcessor (MAC, replay, key storage). A solicited
 * pull goes to the terminal layer only after that check; a verification message goes back to the
 * sender's address and port. Rejected datagrams are counted and logged once each, never acted on.
 *
 * Datagrams are processed one at a time, in arrival order, behind a bounded wait: a UDP flood must not
 * make real LTKMs wait behind it nor grow memory. Beyond `maxQueued` waiting datagrams new UDP ones are
 * dropped ('overload'): each is counted, but a burst is logged and reported (onRejected) once, at its
 * start, and summed up when the queue has drained. LTKMs from the SMS path (`handle`) are never dropped:
 * the modem has already acknowledged them and delivers them at SMS pace.
 *
 * Under a flood, what can be refused before the card is: an exact repeat of a (CSB ID, counter) pair the card
 * already judged (ReplayCache) is a replay, dropped on arrival without queueing; each UDP source (address:port)
 * has its own token bucket, so one noisy sender cannot fill the queue that a genuine pull from the BSM needs.
 * Rejections are counted each, but logged and reported (onRejected) at most once per reason and source per
 * interval; an overload drop of a solicited pull is always logged on its own line.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { BlockList, isIPv6 } from 'node:net';
import type { Logger } from 'pino';
import { decodeMikey, describeMbms, isDecodeError, type MbmsInfo, type MikeyMessage } from '../codec/index.js';
import { LogLimiter } from '../util/log-limiter.js';
import { TokenBucket } from '../util/token-bucket.js';
import { ReplayCache } from './replay-cache.js';
import { LtkmRejected, LtkmUnavailable, type LtkmProcessor, type StoredMsk } from './ltkm-port.js';

export interface LtkmSource {
  address: string;
  port: number;
  /** 'udp' here; the SMS path uses the same entry point with 'sms'. */
  via: 'udp' | 'sms';
}

export interface LtkmListenerOptions {
  processor: LtkmProcessor;
  /** network.ltkmPort (board config; 0 = any free port). */
  port: number;
  /** Resolved network.ltkmBind: the PDP address, 127.0.0.1 or an IP; null: not listening until rebind(). */
  bindAddress: string | null;
  /** network.ltkmSources: CIDRs (or plain addresses) LTKMs may come from; empty = any. */
  allowedSources?: readonly string[];
  onSolicitedPull(pull: { keyDomainId: string | null; keyGroup: number; info: MbmsInfo; from: LtkmSource }): void;
  onKeyStored?(stored: StoredMsk, from: LtkmSource): void;
  /**
   * Called once per dropped message (after it is counted and logged), e.g. to publish a rejection
   * event; for 'overload' once per burst, with its first datagram's source.
   */
  onRejected?(reason: LtkmDropReason, detail: string, from: LtkmSource): void;
  /** The steps of each message, for the event stream behind `bcastctl trace` (no key material in them). */
  onFlow?(step: LtkmFlowStep): void;
  /** UDP datagrams waiting to be processed beyond which new ones are dropped (default 256). */
  maxQueued?: number;
  /** Per UDP source (address:port): datagrams beyond this rate are dropped as 'overload' before the queue. */
  perSourceRate?: { perMinute: number; burst: number };
  logger: Logger;
}

/** One step of an MSK message's way through the terminal. */
export type LtkmFlowStep =
  | { step: 'received'; purpose: 'solicited-pull' | 'ltkm'; via: 'udp' | 'sms'; from: string; bytes: number }
  | { step: 'checked'; purpose: 'solicited-pull' | 'ltkm'; ok: boolean; reason?: string; durationMs: number; via: 'udp' | 'sms' }
  | { step: 'verification-sent'; to: string; bytes: number };

export type LtkmDropReason = 'source' | 'malformed' | 'unexpected' | 'keyless-v-set' | 'mac' | 'replay' | 'no-muk' | 'error' | 'overload';

export interface LtkmListenerStats {
  received: number;
  keysStored: number;
  solicitedPulls: number;
  verificationsSent: number;
  /** Datagrams waiting to be processed now (the one in progress not included). */
  waiting: number;
  /** The most that ever waited. */
  peakWaiting: number;
  /** Messages kept because the card could not be reached; processed again by retryHeld(). */
  held: number;
  dropped: Record<LtkmDropReason, number>;
}

const DEFAULT_MAX_QUEUED = 256;
const STRANGER_LOG_MS = 60_000;
const MAX_STRANGERS = 1024;

/** network.ltkmSources as Node's BlockList (used as an allow-list); null when empty (any source). */
export function sourceList(cidrs: readonly string[]): BlockList | null {
  if (cidrs.length === 0) return null;
  const list = new BlockList();
  for (const c of cidrs) {
    const [addr, bits] = c.split('/') as [string, string | undefined];
    const type = isIPv6(addr) ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return list;
}
/** A BSM sends an LTKM now and then; 20 back to back and 10 a second on average is far beyond that. */
const DEFAULT_PER_SOURCE_RATE = { perMinute: 600, burst: 20 };
/** Messages kept for an unreachable card at most (the oldest given up first). */
const MAX_HELD = 32;
/** Sources with a bucket at most (the oldest forgotten first): spoofed sources cannot grow memory. */
const MAX_SOURCES = 1024;

export class LtkmListener {
  #socket: Socket | null = null;
  readonly #log: Logger;
  readonly #stats: LtkmListenerStats = {
    received: 0,
    keysStored: 0,
    solicitedPulls: 0,
    verificationsSent: 0,
    waiting: 0,
    peakWaiting: 0,
    held: 0,
    dropped: { source: 0, malformed: 0, unexpected: 0, 'keyless-v-set': 0, mac: 0, replay: 0, 'no-muk': 0, error: 0, overload: 0 },
  };
  /** Datagrams are processed one at a time, in arrival order (the counter check depends on it). */
  #queue: Promise<void> = Promise.resolve();
  readonly #maxQueued: number;
  /** The overload burst going on: datagrams dropped since it began. */
  #burst: { dropped: number; since: number } | null = null;
  readonly #replays = new ReplayCache();
  /** Not judged for want of a card, in arrival order. */
  #held: Array<{ raw: Uint8Array; from: LtkmSource }> = [];
  readonly #buckets = new Map<string, TokenBucket>();
  /** Rejection log lines and onRejected reports: one per reason and source per interval. */
  readonly #reports = new LogLimiter();

  /** null: any source. */
  readonly #sources: BlockList | null;
  /** When each refused source was last logged (once per source per minute; bounded). */
  readonly #strangers = new Map<string, number>();
  #bindAddress: string | null;

  constructor(private readonly o: LtkmListenerOptions) {
    this.#log = o.logger.child({ component: 'bsm', part: 'ltkm' });
    this.#maxQueued = o.maxQueued ?? DEFAULT_MAX_QUEUED;
    this.#sources = sourceList(o.allowedSources ?? []);
    this.#bindAddress = o.bindAddress;
  }

  /** The address the socket is bound to now (null while there is none, e.g. no PDP address yet). */
  get bindAddress(): string | null {
    return this.#bindAddress;
  }

  stats(): LtkmListenerStats {
    return { ...this.#stats, dropped: { ...this.#stats.dropped } };
  }

  /** Binds bindAddress (see rebind() for a listener that waits for its address). */
  async start(): Promise<{ address: string; port: number }> {
    if (this.#bindAddress === null) throw new Error('the LTKM listener has no address to bind yet: rebind() it once there is one');
    const family = isIPv6(this.#bindAddress) ? 'udp6' : 'udp4';
    const s = createSocket(family);
    s.on('message', (msg, rinfo) => {
      // Cheap refusals first, on arrival: nothing here waits for the card. Strangers before any queueing or decoding.
      if (this.#sources && !this.#sources.check(rinfo.address, rinfo.family === 'IPv6' ? 'ipv6' : 'ipv4')) return this.#stranger(rinfo);
      if (this.#replays.has(replayKeyOf(msg))) {
        this.#stats.received++;
        return this.#drop('replay', { address: rinfo.address, port: rinfo.port, via: 'udp' }, 'replay of a (CSB ID, counter) pair the card already judged (refused before the card)');
      }
      if (!this.#bucketOf(rinfo).take()) return this.#overload(rinfo, msg, 'this source sends faster than its share');
      if (this.#stats.waiting >= this.#maxQueued) return this.#overload(rinfo, msg);
      this.#enqueue(() => this.#onDatagram(msg, rinfo)).catch((e: unknown) => this.#log.error({ err: e }, 'LTKM datagram processing failed'));
    });
    s.on('error', (e) => this.#log.error({ err: e }, 'LTKM socket error'));
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.bind(this.o.port, this.#bindAddress!, () => {
        s.off('error', reject);
        resolve();
      });
    });
    this.#socket = s;
    const a = s.address();
    this.#log.info({ address: a.address, port: a.port }, 'LTKM listener up');
    return { address: a.address, port: a.port };
  }

  /** Moves the socket to a new address (the PDP context got another one); null closes it until the next. */
  async rebind(address: string | null): Promise<{ address: string; port: number } | null> {
    if (address === this.#bindAddress && (this.#socket !== null || address === null)) return this.#socket ? this.#socket.address() : null;
    const old = this.#socket;
    this.#socket = null;
    if (old) await new Promise<void>((resolve) => old.close(() => resolve()));
    this.#bindAddress = address;
    if (address === null) {
      this.#log.info('LTKM listener closed until its address (the PDP context) is back');
      return null;
    }
    return this.start();
  }

  /** A datagram from outside network.ltkmSources: counted, logged once per source per minute. */
  #stranger(rinfo: RemoteInfo): void {
    this.#stats.received++;
    this.#stats.dropped.source++;
    const now = Date.now();
    const last = this.#strangers.get(rinfo.address);
    if (last !== undefined && now - last < STRANGER_LOG_MS) return;
    if (this.#strangers.size >= MAX_STRANGERS) for (const [a, t] of this.#strangers) if (now - t >= STRANGER_LOG_MS) this.#strangers.delete(a);
    if (this.#strangers.size >= MAX_STRANGERS) return;
    this.#strangers.set(rinfo.address, now);
    const from: LtkmSource = { address: rinfo.address, port: rinfo.port, via: 'udp' };
    const why = `from ${rinfo.address}, outside network.ltkmSources`;
    this.#log.warn({ reason: 'source', from: `udp:${rinfo.address}:${rinfo.port}` }, `LTKM dropped: ${why} (logged once a minute per source)`);
    this.o.onRejected?.('source', why, from);
  }

  async stop(): Promise<void> {
    const s = this.#socket;
    this.#socket = null;
    await this.#queue;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Processes again, in arrival order, what was kept while the card could not be reached. */
  retryHeld(): Promise<void> {
    const held = this.#held;
    this.#held = [];
    this.#stats.held = 0;
    if (held.length > 0) this.#log.info({ count: held.length }, 'LTKMs kept for the card: processing them now');
    return Promise.all(held.map((h) => this.#enqueue(() => this.#process(h.raw, h.from, true)))).then(() => undefined);
  }

  #hold(raw: Uint8Array, from: LtkmSource, why: string): void {
    this.#held.push({ raw, from });
    if (this.#held.length > MAX_HELD) {
      const lost = this.#held.shift()!;
      this.#drop('error', lost.from, `kept for the card, given up: more than ${MAX_HELD} waiting`);
    }
    this.#stats.held = this.#held.length;
    this.#reports.warn(this.#log, `held:${from.via}`, { from: `${from.via}:${from.address}:${from.port}`, held: this.#held.length }, `LTKM kept until the card is back: ${why}`);
  }

  /** Entry point shared with the SMS path (WSP push body = MIKEY). */
  handle(raw: Uint8Array, from: LtkmSource): Promise<void> {
    return this.#enqueue(() => this.#process(raw, from));
  }

  /** Runs `job` after everything queued before it; a failing job does not stop the queue. */
  #enqueue(job: () => Promise<void>): Promise<void> {
    const st = this.#stats;
    st.waiting++;
    st.peakWaiting = Math.max(st.peakWaiting, st.waiting);
    const run = this.#queue
      .then(() => {
        st.waiting--;
        return job();
      })
      .finally(() => {
        if (st.waiting === 0 && this.#burst) this.#burstOver();
      });
    this.#queue = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  #bucketOf(rinfo: RemoteInfo): TokenBucket {
    const key = `${rinfo.address}:${rinfo.port}`;
    let b = this.#buckets.get(key);
    if (b === undefined) {
      b = new TokenBucket(this.o.perSourceRate ?? DEFAULT_PER_SOURCE_RATE);
      this.#buckets.set(key, b);
      if (this.#buckets.size > MAX_SOURCES) this.#buckets.delete(this.#buckets.keys().next().value!);
    }
    return b;
  }

  /** A UDP datagram with the queue full: counted; the burst it starts is logged and reported once. */
  #overload(rinfo: RemoteInfo, msg: Buffer, cause?: string): void {
    this.#stats.received++;
    this.#stats.dropped.overload++;
    if (isSolicitedPull(msg)) {
      // Never lost inside a summary: a dropped pull is the purchase a user is waiting for.
      this.#reports.warn(this.#log, `pull-overload:${rinfo.address}`, { reason: 'overload', from: `udp:${rinfo.address}:${rinfo.port}`, solicitedPull: true }, `solicited pull dropped: ${cause ?? 'queue full'}`);
    }
    if (this.#burst) {
      this.#burst.dropped++;
      return;
    }
    this.#burst = { dropped: 1, since: Date.now() };
    const from: LtkmSource = { address: rinfo.address, port: rinfo.port, via: 'udp' };
    const why = cause ?? `${this.#maxQueued} datagrams waiting: dropping new ones until the queue drains`;
    this.#log.warn({ reason: 'overload', from: `udp:${rinfo.address}:${rinfo.port}`, maxQueued: this.#maxQueued }, `LTKM dropped: ${why}`);
    this.o.onRejected?.('overload', why, from);
  }

  #burstOver(): void {
    const b = this.#burst!;
    this.#burst = null;
    this.#log.warn({ reason: 'overload', dropped: b.dropped, ms: Date.now() - b.since }, 'LTKM overload over: the queue has drained');
  }

  async #onDatagram(msg: Buffer, rinfo: RemoteInfo): Promise<void> {
    const from: LtkmSource = { address: rinfo.address, port: rinfo.port, via: 'udp' };
    this.#stats.received++;
    await this.#process(msg, from, true);
  }

  #drop(reason: LtkmDropReason, from: LtkmSource, why: string): void {
    this.#stats.dropped[reason]++;
    // Counted each; logged and reported once per reason and source address per interval (then "suppressed N").
    const logged = this.#reports.warn(this.#log, `${reason}:${from.via}:${from.address}`, { reason, from: `${from.via}:${from.address}:${from.port}` }, `LTKM dropped: ${why}`);
    if (logged) this.o.onRejected?.(reason, why, from);
  }

  async #process(raw: Uint8Array, from: LtkmSource, counted = false): Promise<void> {
    if (!counted) this.#stats.received++;
    let info: MbmsInfo;
    let mikey: MikeyMessage;
    try {
      mikey = decodeMikey(raw);
      info = describeMbms(mikey);
    } catch (e) {
      if (isDecodeError(e)) return this.#drop('malformed', from, `malformed MIKEY: ${e.message}`);
      throw e;
    }
    if (info.kind !== 'msk') return this.#drop('unexpected', from, `a ${info.kind} message, not an MSK message`);
    // SPEC §3.3 [R]: a pull has V clear. Key-less with V set is neither a pull nor a key: never acted on.
    if (mikey.hdr.v && info.mskId?.keyNumber === 0 && info.kemac?.encrDataLength === 0) {
      return this.#drop('keyless-v-set', from, `key-less MSK message (Key Number 0, empty KEMAC) with the V bit set: not a solicited pull (key group ${info.mskId.keyGroup})`);
    }
    const replayKey = ReplayCache.keyOf(mikey);
    if (this.#replays.has(replayKey)) return this.#drop('replay', from, 'replay of a (CSB ID, counter) pair the card already judged (refused before the card)');
    const purpose = info.solicitedPull ? 'solicited-pull' : 'ltkm';
    this.o.onFlow?.({ step: 'received', purpose, via: from.via, from: from.via === 'udp' ? `${from.address}:${from.port}` : from.address, bytes: raw.length });
    const started = performance.now();
    const checked = (ok: boolean, reason?: string) =>
      this.o.onFlow?.({ step: 'checked', purpose, ok, ...(reason ? { reason } : {}), durationMs: Math.round((performance.now() - started) * 100) / 100, via: from.via });
    let result;
    try {
      result = await this.o.processor.processMskMessage(raw);
    } catch (e) {
      if (e instanceof LtkmRejected) {
        const reason: LtkmDropReason = e.reason === 'mac' || e.reason === 'wrong-muk' ? 'mac' : e.reason === 'replay' ? 'replay' : e.reason === 'no-muk' ? 'no-muk' : 'malformed';
        if (reason === 'replay') this.#replays.add(replayKey);
        checked(false, reason);
        return this.#drop(reason, from, e.message);
      }
      checked(false, 'error');
      if (e instanceof LtkmUnavailable) return this.#hold(raw, from, e.message);
      return this.#drop('error', from, `processor failed: ${(e as Error).message}`);
    }
    checked(true);
    this.#replays.add(replayKey);
    if (result.verification && from.via === 'udp' && this.#socket) {
      const s = this.#socket;
      await new Promise<void>((resolve) =>
        s.send(result.verification!, from.port, from.address, (e) => {
          if (e) this.#log.warn({ err: e }, 'verification message not sent');
          else {
            this.#stats.verificationsSent++;
            this.o.onFlow?.({ step: 'verification-sent', to: `${from.address}:${from.port}`, bytes: result.verification!.length });
          }
          resolve();
        }),
      );
    }
    if (info.solicitedPull && info.mskId) {
      this.#stats.solicitedPulls++;
      this.#log.info({ keyGroup: info.mskId.keyGroup, via: from.via }, 'solicited pull');
      this.o.onSolicitedPull({ keyDomainId: info.keyDomainId, keyGroup: info.mskId.keyGroup, info, from });
      return;
    }
    if (result.stored) {
      this.#stats.keysStored++;
      this.#log.info({ keyDomainId: result.stored.keyDomainId, mskId: result.stored.mskId }, 'MSK stored');
      this.o.onKeyStored?.(result.stored, from);
    }
  }
}

/** The replay-cache key of a raw datagram, or null when it does not decode (the queue's checks say why). */
function replayKeyOf(raw: Buffer): string | null {
  try {
    return ReplayCache.keyOf(decodeMikey(raw));
  } catch {
    return null;
  }
}

function isSolicitedPull(raw: Buffer): boolean {
  try {
    return describeMbms(decodeMikey(raw)).solicitedPull;
  } catch {
    return false;
  }
}
