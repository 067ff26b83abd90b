/**
 * The simulated SMSC's delivery into the modem, behaving like a network towards a terminal that
 * acknowledges (AT+CSMS=1):
 *
 * - Routed messages go out one at a time. The next +CMT follows only the AT+CNMA of the previous one
 *   (27.005 §3.4.4 +CNMA: "ME/TA shall not send another +CMT ... before previous one is acknowledged";
 *   the network's next RP-DATA follows the modem's RP-ACK). The rest waits here, in order, bounded.
 * - No acknowledgement within `ackTimeoutMs` (default 10 s: the modem must answer the network before
 *   TR2M, 12-20 s in 24.011, runs out): as 27.005 §3.4.4 says, the modem answers RP-ERROR and turns
 *   routing off (+CNMI <mt> and <ds> to 0). The same happens when the modem refuses the AT+CNMA
 *   (the `cmsErrorOnAck` fault: its timer is taken to have run out already).
 * - A failed attempt (that, or AT+CNMA=2, RP-ERROR from the terminal) is retried after
 *   `retryDelayMs` (default 10 s) up to `maxAttempts` (default 3), then given up and logged: 23.040
 *   leaves the retry schedule to the SC. A retry is routed as the modem is set up by then - stored
 *   without indication while <mt> is 0, as real modems do. The queue keeps moving meanwhile.
 *
 * Without AT+CSMS=1 (phase 2, the modem acknowledges itself) every +CMT goes out at once. Forced
 * 'cmti' / 'store' deliveries are stored at once (the modem acknowledges what it stores). A modem with
 * nobody attached keeps the message. Every step is appended to `log`, with the sequence number of
 * the last AT command received, so tests can order deliveries against acknowledgements.
 */
import type { Logger } from 'pino';
import { fromHex, toHex } from '../../codec/hex.js';
import { tpduLength } from '../../codec/sms/index.js';
import type { MemName, MessageStore } from './message-store.js';
import type { SimState } from './state.js';

export type DeliveryMode = 'auto' | 'cmt' | 'cmti' | 'store';

export type DeliveryResult =
  | { readonly route: 'cmt' }
  /** Waiting at the SMSC behind an unacknowledged +CMT; `position` 1 is next. */
  | { readonly route: 'queued'; readonly position: number }
  | { readonly route: 'stored'; readonly mem: MemName; readonly index: number; readonly indicated: boolean }
  | { readonly route: 'rejected'; readonly reason: string };

export interface SmscOptions {
  /** How long a routed +CMT waits for AT+CNMA (default 10 000 ms). */
  readonly ackTimeoutMs?: number;
  /** Delay before a failed delivery is tried again (default 10 000 ms). */
  readonly retryDelayMs?: number;
  /** Delivery attempts per message, the first included (default 3). */
  readonly maxAttempts?: number;
  /** Messages waiting at the SMSC; more are rejected (default 1024). */
  readonly maxQueued?: number;
}

export type SmscEvent = 'cmt' | 'queued' | 'stored' | 'acked' | 'nacked' | 'ack-timeout' | 'ack-refused' | 'interrupted' | 'retry' | 'gave-up' | 'rejected';

export interface SmscLogEntry {
  /** Delivery number (1, 2, …), the same for every step of one message. */
  readonly id: number;
  readonly event: SmscEvent;
  /** 1 for the first delivery attempt. */
  readonly attempt: number;
  /** `seq` of the last AT command the modem had received (atLog). */
  readonly afterSeq: number;
  readonly ts: number;
  /** Upper-case hex, SMSC prefix first. */
  readonly pdu: string;
}

export interface SmscContext {
  readonly state: SimState;
  readonly store: MessageStore;
  readonly log: Logger;
  /** False while the device node is gone or the modem boots: nobody to route to or tell. */
  reachable(): boolean;
  write(text: string): void;
  urc(line: string): void;
  /** Runs `fn` after `ms` (cancelled when the modem closes); returns a cancel function. */
  schedule(ms: number, fn: () => void): () => void;
  /** The atLog seq of the last command received. */
  lastCommandSeq(): number;
}

interface Message {
  readonly id: number;
  readonly hex: string;
  readonly length: number;
  readonly mode: DeliveryMode;
  attempts: number;
}

export class SimSmsc {
  readonly log: SmscLogEntry[] = [];
  private readonly waitingList: Message[] = [];
  private inflight: { message: Message; cancelTimer: () => void } | null = null;
  private nextId = 0;
  private readonly ackTimeoutMs: number;
  private readonly retryDelayMs: number;
  private readonly maxAttempts: number;
  private readonly maxQueued: number;

  constructor(
    private readonly ctx: SmscContext,
    options: SmscOptions = {},
  ) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.retryDelayMs = options.retryDelayMs ?? 10_000;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.maxQueued = options.maxQueued ?? 1024;
  }

  /** Messages waiting behind the unacknowledged one (retries not yet due excluded). */
  get waiting(): number {
    return this.waitingList.length;
  }

  /** True while a routed +CMT waits for AT+CNMA. */
  get awaitingAck(): boolean {
    return this.inflight !== null;
  }

  /** Delivers one SMS-DELIVER PDU (SMSC prefix first, hex or bytes). */
  deliver(pdu: string | Uint8Array, mode: DeliveryMode): DeliveryResult {
    const bytes = typeof pdu === 'string' ? fromHex(pdu) : pdu;
    const message: Message = { id: ++this.nextId, hex: toHex(bytes).toUpperCase(), length: tpduLength(bytes), mode, attempts: 0 };
    if (mode === 'cmti' || mode === 'store') return this.attempt(message);
    if (this.inflight === null && this.waitingList.length === 0) return this.attempt(message);
    if (this.waitingList.length >= this.maxQueued) {
      this.record(message, 'rejected');
      return { route: 'rejected', reason: `SMSC queue full (${this.maxQueued} waiting)` };
    }
    this.waitingList.push(message);
    this.record(message, 'queued');
    return { route: 'queued', position: this.waitingList.length };
  }

  /** AT+CNMA accepted: RP-ACK (or RP-ERROR for AT+CNMA=2) to the network. The caller pumps after its OK. */
  acknowledge(positive: boolean): void {
    const message = this.settle();
    if (!message) return;
    this.record(message, positive ? 'acked' : 'nacked');
    if (!positive) this.failed(message);
  }

  /** The modem refused AT+CNMA: its acknowledgement timer is taken to have run out. */
  ackRefused(): void {
    const message = this.settle();
    if (message) this.expired(message, 'ack-refused');
  }

  /** The modem restarts: the delivery in flight never got its RP-ACK. The caller pumps once it is up. */
  interrupted(): void {
    const message = this.settle();
    if (!message) return;
    this.record(message, 'interrupted');
    this.failed(message);
  }

  /** Sends what waits, until a +CMT needs an acknowledgement. */
  pump(): void {
    while (this.inflight === null && this.waitingList.length > 0) this.attempt(this.waitingList.shift()!);
  }

  private attempt(m: Message): DeliveryResult {
    m.attempts++;
    const s = this.ctx.state;
    let route = m.mode;
    if (route === 'auto') route = s.cmgf === 0 && (s.cnmi.mt === 2 || s.cnmi.mt === 3) ? 'cmt' : s.cnmi.mt === 1 ? 'cmti' : 'store';
    if (route === 'cmt' && !this.ctx.reachable()) route = 'store';
    if (route === 'cmt') {
      this.ctx.write(`\r\n+CMT: ,${m.length}\r\n${m.hex}\r\n`);
      this.record(m, 'cmt');
      if (s.csms === 1) {
        s.awaitingAck = 1;
        this.inflight = { message: m, cancelTimer: this.ctx.schedule(this.ackTimeoutMs, () => this.onAckTimeout(m)) };
      }
      return { route: 'cmt' };
    }
    const mem = s.mems[2];
    const index = this.ctx.store.add(mem, m.hex, m.length, 0);
    if (index === null) {
      this.record(m, 'rejected');
      return { route: 'rejected', reason: `${mem} storage full` };
    }
    const indicated = route === 'cmti' && this.ctx.reachable();
    if (indicated) this.ctx.urc(`+CMTI: "${mem}",${index}`);
    this.record(m, 'stored');
    return { route: 'stored', mem, index, indicated };
  }

  private onAckTimeout(m: Message): void {
    if (this.inflight?.message !== m) return;
    this.settle();
    this.expired(m, 'ack-timeout');
    this.pump();
  }

  /** 27.005 §3.4.4: no acknowledgement in time → RP-ERROR to the network, routing off. */
  private expired(m: Message, event: 'ack-timeout' | 'ack-refused'): void {
    const s = this.ctx.state;
    s.cnmi = { ...s.cnmi, mt: 0, ds: 0 };
    this.record(m, event);
    this.failed(m);
  }

  /** Clears the delivery in flight and its timer; returns it. */
  private settle(): Message | null {
    const f = this.inflight;
    if (!f) return null;
    f.cancelTimer();
    this.inflight = null;
    this.ctx.state.awaitingAck = 0;
    return f.message;
  }

  private failed(m: Message): void {
    if (m.attempts >= this.maxAttempts) {
      this.record(m, 'gave-up');
      this.ctx.log.warn({ id: m.id, attempts: m.attempts }, 'sim smsc: delivery given up');
      return;
    }
    this.ctx.schedule(this.retryDelayMs, () => {
      this.record(m, 'retry');
      // Older than what waits: it goes first.
      this.waitingList.unshift(m);
      this.pump();
    });
  }

  private record(m: Message, event: SmscEvent): void {
    this.log.push({ id: m.id, event, attempt: m.attempts, afterSeq: this.ctx.lastCommandSeq(), ts: Date.now(), pdu: m.hex });
    this.ctx.log.debug({ id: m.id, event, attempt: m.attempts }, `sim smsc: ${event}`);
  }
}
