/**
 * Plugs the virtual USIM into a real pcscd through the vsmartcard vpcd driver: vpcd listens on TCP
 * (35963 for reader "Virtual PCD 00 00") and the card connects as a client. Every message is a 2-byte
 * big-endian length and a payload; a 1-byte payload is a control (0 power off, 1 power on, 2 reset,
 * 4 send the ATR), anything longer is a command APDU to answer. Removing the card closes the
 * connection (vpcd then reports the slot empty); inserting it, or pcscd coming back after a restart,
 * reconnects with capped exponential backoff.
 */
import { EventEmitter } from 'node:events';
import { Socket, connect } from 'node:net';
import { enableQuickAck } from '../../native/tcp.js';
import type { Logger } from 'pino';
import type { VirtualUsim } from './usim.js';
import { Backoff } from '../../util/backoff.js';
import { SerialQueue } from '../../util/serial-queue.js';

export const VPCD_DEFAULT_PORT = 35963;

const CTRL = { OFF: 0, ON: 1, RESET: 2, ATR: 4 } as const;

export interface VpcdClientOptions {
  host?: string;
  port?: number;
  logger?: Logger;
  /** Reconnect delays: first, then doubled up to max. */
  backoff?: { initialMs: number; maxMs: number };
  /** Sees every APDU exactly as it crossed the vpcd socket, and the card's answer (tests read the wire trace). */
  onApdu?: (e: VpcdApdu) => void;
}

export interface VpcdApdu {
  command: Uint8Array;
  response: Uint8Array;
}

export interface VpcdClientEvents {
  connected: [];
  disconnected: [];
}

export class VpcdClient extends EventEmitter<VpcdClientEvents> {
  readonly #card: VirtualUsim;
  readonly #host: string;
  readonly #port: number;
  readonly #log: Logger | undefined;
  readonly #backoff: { initialMs: number; maxMs: number };
  readonly #onApdu: ((e: VpcdApdu) => void) | undefined;
  #socket: Socket | null = null;
  #connected = false;
  /** TCP_QUICKACK works here (native addon, Linux); re-armed after every read. */
  #quickAck = false;
  readonly #retry: Backoff;
  #timer: NodeJS.Timeout | null = null;
  #stopped = true;
  #rx = Buffer.alloc(0);
  readonly #queue = new SerialQueue();
  readonly #onRemoved = () => this.#drop();
  readonly #onInserted = () => this.#dial();

  constructor(card: VirtualUsim, o: VpcdClientOptions = {}) {
    super();
    this.#card = card;
    this.#host = o.host ?? '127.0.0.1';
    this.#port = o.port ?? VPCD_DEFAULT_PORT;
    this.#log = o.logger?.child({ component: 'sim', part: 'vpcd' });
    this.#backoff = o.backoff ?? { initialMs: 100, maxMs: 2000 };
    this.#retry = new Backoff({ baseMs: this.#backoff.initialMs, maxMs: Math.max(this.#backoff.initialMs, this.#backoff.maxMs), jitter: 0 });
    this.#onApdu = o.onApdu;
  }

  get connected(): boolean {
    return this.#connected;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#card.on('removed', this.#onRemoved);
    this.#card.on('inserted', this.#onInserted);
    this.#dial();
  }

  /** Resolves once a connection is up (or rejects after timeoutMs). */
  waitConnected(timeoutMs = 5000): Promise<void> {
    if (this.#connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.off('connected', ok);
        reject(new Error(`vpcd not reachable on ${this.#host}:${this.#port} within ${timeoutMs} ms`));
      }, timeoutMs);
      const ok = () => {
        clearTimeout(t);
        resolve();
      };
      this.once('connected', ok);
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#card.off('removed', this.#onRemoved);
    this.#card.off('inserted', this.#onInserted);
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const s = this.#socket;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.once('close', () => resolve());
      s.destroy();
    });
  }

  #dial(): void {
    if (this.#stopped || this.#socket || !this.#card.present) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const s = connect({ host: this.#host, port: this.#port });
    this.#socket = s;
    this.#rx = Buffer.alloc(0);
    s.setNoDelay(true);
    s.on('connect', () => {
      this.#connected = true;
      this.#retry.reset();
      this.#quickAck = enableQuickAckSafely(s);
      this.#log?.debug({ port: this.#port, quickAck: this.#quickAck }, 'virtual USIM attached to vpcd');
      this.emit('connected');
    });
    s.on('data', (d) => {
      // vpcd writes each message as the 2-byte length, then the data, with Nagle on: if we delay our ACK of the
      // length (Linux: ~40 ms), it holds the data back. Quick-ack mode does not last, so it is re-armed per read.
      if (this.#quickAck) this.#quickAck = enableQuickAckSafely(s);
      this.#onData(d);
    });
    s.on('error', (e) => this.#log?.debug({ err: e.message }, 'vpcd connection error'));
    s.on('close', () => {
      const was = this.#connected;
      this.#socket = null;
      this.#connected = false;
      if (was) this.emit('disconnected');
      this.#scheduleRetry();
    });
  }

  #scheduleRetry(): void {
    if (this.#stopped || !this.#card.present || this.#timer) return;
    const delay = this.#retry.next();
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#dial();
    }, delay);
  }

  /** Card removed: hang up; vpcd sees the card go. */
  #drop(): void {
    this.#socket?.destroy();
  }

  #onData(chunk: Buffer): void {
    this.#rx = Buffer.concat([this.#rx, chunk]);
    while (this.#rx.length >= 2) {
      const n = this.#rx.readUInt16BE(0);
      if (this.#rx.length < 2 + n) return;
      const payload = Uint8Array.from(this.#rx.subarray(2, 2 + n));
      this.#rx = this.#rx.subarray(2 + n);
      // APDUs are answered strictly in order, even when the card answers slowly (latency fault).
      void this.#queue.run(() => this.#handle(payload)).catch((e: unknown) => this.#log?.warn({ err: (e as Error).message }, 'APDU not answered'));
    }
  }

  async #handle(p: Uint8Array): Promise<void> {
    const s = this.#socket;
    if (!s) return;
    if (p.length === 1) {
      if (p[0] === CTRL.ATR) this.#send(s, this.#card.atr);
      else if (p[0] === CTRL.ON || p[0] === CTRL.RESET) this.#card.reset();
      return;
    }
    try {
      const response = await this.#card.transmit(p);
      this.#onApdu?.({ command: p, response: Uint8Array.from(response) });
      this.#send(s, response);
    } catch (e) {
      this.#log?.debug({ err: (e as Error).message }, 'APDU not answered');
      s.destroy();
    }
  }

  #send(s: Socket, payload: Uint8Array): void {
    if (s.destroyed) return;
    const head = Buffer.alloc(2);
    head.writeUInt16BE(payload.length);
    s.write(Buffer.concat([head, payload]));
  }
}

/** Quick-ack mode on, or false when the platform or addon cannot (the card then just answers ~40 ms later). */
function enableQuickAckSafely(s: Socket): boolean {
  try {
    return enableQuickAck(s);
  } catch {
    return false;
  }
}
