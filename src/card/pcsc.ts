/**
 * CardTransport over PC/SC (npm `pcsclite`, optional). The reader is the first whose name matches the
 * board's pattern and holds a card; card insertion and removal come from the reader status events.
 * The binding does not survive a pcscd restart (its context dies with "RPC transport error"), so on
 * a context error everything is closed and a new context is established with capped exponential
 * backoff. Readers and contexts are always closed: their status threads otherwise keep the process up.
 */
import { offHeapCopy } from '../codec/off-heap.js';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { CardRemovedError, CardTransportError } from './errors.js';
import { establish, loadPcsc, meansRemoval, type PcscContext, type PcscFactory, type PcscReader, type PcscReaderStatus } from './pcsc-binding.js';
import type { CardTransport, CardTransportEvents } from './transport.js';
import { Backoff, backoffCeiling } from '../util/backoff.js';
import { settledWithin } from '../util/with-timeout.js';

export interface PcscTransportOptions {
  /** Regular expression (source text or RegExp) matched against reader names. */
  readerPattern: string | RegExp;
  logger?: Logger;
  backoff?: { initialMs: number; maxMs: number };
  /** Loads the pcsclite module; tests inject failures. */
  load?: () => Promise<unknown>;
}

/** Largest short response: 256 data bytes + SW, with room to spare. */
const MAX_RESPONSE = 1024;
/** After a command found the card gone, look again this much later (it may be back already). */
const RECONNECT_AFTER_LOSS_MS = 100;
/** How long close() waits for a reader's first status event before closing it anyway. */
const FIRST_STATUS_WAIT_MS = 2000;
/** A reader's status thread is back waiting inside pcscd this long after its last event. */
const QUIET_MS = 150;

export class PcscTransport extends EventEmitter<CardTransportEvents> implements CardTransport {
  readonly kind = 'pcsc';
  readonly #factory: PcscFactory;
  readonly #pattern: RegExp;
  readonly #log: Logger | undefined;
  readonly #backoff: { initialMs: number; maxMs: number };
  #ctx: PcscContext | null = null;
  readonly #readers = new Set<PcscReader>();
  readonly #status = new Map<PcscReader, PcscReaderStatus>();
  /** Per reader: resolves at its first status event (see #teardown). */
  readonly #started = new Map<PcscReader, Promise<void>>();
  /** Per reader: when its last status event arrived (see #teardown). */
  readonly #lastEvent = new Map<PcscReader, number>();
  #reader: PcscReader | null = null;
  #protocol = 0;
  #atr: Uint8Array | null = null;
  #connecting = false;
  readonly #retry: Backoff;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  /** Loads pcsclite and establishes a context; throws PcscUnavailableError when PC/SC cannot be used. */
  static async open(o: PcscTransportOptions): Promise<PcscTransport> {
    const factory = await loadPcsc(o.load);
    const t = new PcscTransport(factory, o);
    t.#attach(establish(factory));
    return t;
  }

  private constructor(factory: PcscFactory, o: PcscTransportOptions) {
    super();
    this.#factory = factory;
    this.#pattern = typeof o.readerPattern === 'string' ? new RegExp(o.readerPattern) : o.readerPattern;
    this.#log = o.logger?.child({ component: 'card', transport: 'pcsc' });
    this.#backoff = o.backoff ?? { initialMs: 250, maxMs: 5000 };
    this.#retry = new Backoff({ baseMs: this.#backoff.initialMs, maxMs: Math.max(this.#backoff.initialMs, this.#backoff.maxMs), jitter: 0 });
  }

  get name(): string {
    return this.#reader?.name ?? `pcsc /${this.#pattern.source}/`;
  }
  get present(): boolean {
    return this.#atr !== null;
  }
  get atr(): Uint8Array | null {
    return this.#atr;
  }

  #attach(ctx: PcscContext): void {
    this.#ctx = ctx;
    ctx.on('reader', (r: PcscReader) => this.#onReader(r));
    ctx.on('error', (e: Error) => {
      if (this.#ctx !== ctx) return;
      this.#log?.warn({ err: e.message }, 'PC/SC context lost; reconnecting');
      this.emit('warning', `PC/SC context lost (${e.message}); reconnecting`);
      // Out of the binding's callback before joining its threads.
      setImmediate(() => {
        if (this.#ctx !== ctx) return;
        void this.#teardown().then(() => this.#scheduleReconnect());
      });
    });
  }

  #onReader(r: PcscReader): void {
    this.#readers.add(r);
    this.#started.set(r, new Promise((ok) => r.once('status', () => ok())));
    this.#lastEvent.set(r, Date.now());
    r.on('status', () => this.#lastEvent.set(r, Date.now()));
    r.on('error', (e: Error) => this.#log?.debug({ reader: r.name, err: e.message }, 'reader error'));
    r.on('end', () => {
      this.#readers.delete(r);
      this.#status.delete(r);
      this.#started.delete(r);
      this.#lastEvent.delete(r);
      if (this.#reader === r) this.#lost('reader gone');
      // Join its (finished) status thread; not from inside the binding's callback, which holds the reader's lock.
      setImmediate(() => r.close());
    });
    if (!this.#pattern.test(r.name)) {
      this.#log?.debug({ reader: r.name }, 'reader does not match the pattern');
      return;
    }
    r.on('status', (s: PcscReaderStatus) => this.#onStatus(r, s));
  }

  #onStatus(r: PcscReader, s: PcscReaderStatus): void {
    this.#status.set(r, s);
    if (this.#cardIn(r)) this.#tryConnect(r);
    else if ((s.state & r.SCARD_STATE_EMPTY) !== 0 && this.#reader === r) {
      r.disconnect(r.SCARD_LEAVE_CARD, () => undefined);
      this.#lost('card removed');
    }
  }

  #cardIn(r: PcscReader): boolean {
    const st = this.#status.get(r)?.state ?? 0;
    return (st & r.SCARD_STATE_PRESENT) !== 0 && (st & r.SCARD_STATE_MUTE) === 0;
  }

  #tryConnect(r: PcscReader): void {
    if (this.#closed || this.#reader || this.#connecting || !this.#readers.has(r)) return;
    this.#connecting = true;
    r.connect({ share_mode: r.SCARD_SHARE_EXCLUSIVE, protocol: r.SCARD_PROTOCOL_T0 | r.SCARD_PROTOCOL_T1 }, (err, protocol) => {
      this.#connecting = false;
      if (this.#closed || !this.#readers.has(r)) return;
      if (err) {
        this.#log?.debug({ reader: r.name, err: err.message }, 'cannot connect to the card (yet)');
        return;
      }
      this.#reader = r;
      this.#protocol = protocol;
      this.#atr = Uint8Array.from(this.#status.get(r)?.atr ?? []);
      this.#retry.reset();
      this.#log?.info({ reader: r.name, protocol: protocol === r.SCARD_PROTOCOL_T0 ? 'T=0' : 'T=1' }, 'card connected');
      this.emit('inserted', this.#atr);
    });
  }

  #lost(why: string): void {
    const had = this.#atr !== null;
    this.#reader = null;
    this.#atr = null;
    if (had) {
      this.#log?.info({ why }, 'card gone');
      this.emit('removed');
    }
  }

  /**
   * A command found the card gone. The reader may already show a card again (removed and reinserted
   * between two polls): drop the dead handle, report the removal, then connect afresh if one is there.
   */
  #lostDuringCommand(r: PcscReader): void {
    if (this.#reader !== r) return;
    this.#lost('lost during a command');
    r.disconnect(r.SCARD_LEAVE_CARD, () => {
      setTimeout(() => {
        if (this.#cardIn(r)) this.#tryConnect(r);
      }, RECONNECT_AFTER_LOSS_MS);
    });
  }

  async transmit(apdu: Uint8Array): Promise<Uint8Array> {
    const r = this.#reader;
    if (!r || !r.connected) throw new CardRemovedError();
    const protocol = this.#protocol;
    return new Promise((resolve, reject) => {
      r.transmit(Buffer.from(apdu), MAX_RESPONSE, protocol, (err, data) => {
        if (err && !meansRemoval(err)) return reject(new CardTransportError(err.message, err));
        if (err || !data || data.length < 2) {
          // vpcd answers an empty response when the card leaves mid-command.
          this.#lostDuringCommand(r);
          return reject(new CardRemovedError(err ? 'lost during the command' : 'no response from the card', err ?? undefined));
        }
        // Our copy, then pcsclite's Buffer zeroed: responses carry keys (Ks_ext_NAF, RES, CK/IK, MTK).
        const response = offHeapCopy(data);
        data.fill(0);
        resolve(response);
      });
    });
  }

  async reset(): Promise<void> {
    const r = this.#reader;
    if (!r) throw new CardRemovedError();
    await new Promise<void>((resolve, reject) => {
      r.disconnect(r.SCARD_RESET_CARD, (err) => {
        if (err) return reject(meansRemoval(err) ? new CardRemovedError('lost during reset', err) : new CardTransportError(err.message, err));
        r.connect({ share_mode: r.SCARD_SHARE_EXCLUSIVE, protocol: r.SCARD_PROTOCOL_T0 | r.SCARD_PROTOCOL_T1 }, (e2, protocol) => {
          if (e2) return reject(new CardTransportError(e2.message, e2));
          this.#protocol = protocol;
          resolve();
        });
      });
    });
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#timer) return;
    const delay = this.#retry.next();
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.#closed) return;
      try {
        this.#attach(establish(this.#factory));
        this.#log?.info('PC/SC context re-established');
      } catch (e) {
        this.#log?.debug({ err: (e as Error).message, retryMs: backoffCeiling(this.#backoff.initialMs, this.#backoff.maxMs, this.#retry.attempts) }, 'pcscd still unavailable');
        this.#scheduleReconnect();
      }
    }, delay);
  }

  /**
   * Closes every reader and the context. pcsclite's reader.close() cancels the reader's status thread
   * and then joins it; the cancel is lost (and the join blocks the process) when the thread is not yet
   * waiting inside pcscd: before its first status, or just after any status event, such as the one a
   * disconnect causes. So: wait for the first status and a quiet moment, close, and only then
   * disconnect.
   */
  async #teardown(): Promise<void> {
    const ctx = this.#ctx;
    this.#ctx = null;
    this.#lost('context closed');
    const readers = [...this.#readers];
    const started = readers.map((r) => this.#started.get(r) ?? Promise.resolve());
    this.#readers.clear();
    this.#status.clear();
    this.#started.clear();
    await settledWithin(Promise.all(started), FIRST_STATUS_WAIT_MS);
    for (;;) {
      const last = Math.max(0, ...readers.map((r) => this.#lastEvent.get(r) ?? 0));
      const wait = last + QUIET_MS - Date.now();
      if (wait <= 0) break;
      await new Promise((ok) => setTimeout(ok, wait));
    }
    for (const r of readers) {
      r.removeAllListeners('status');
      r.close();
      this.#lastEvent.delete(r);
    }
    for (const r of readers) if (r.connected) r.disconnect(r.SCARD_LEAVE_CARD, () => undefined);
    ctx?.close();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#teardown();
  }
}
