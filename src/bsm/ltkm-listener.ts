/**
 * LTKM push reception over UDP (SPEC §3-§4): every datagram is checked (source allow-list, MIKEY
 * decoding, MSK message), then processed by the LtkmProcessor (MAC, replay, key storage). A solicited
 * pull goes to the terminal layer only after that check; a verification message goes back to the
 * sender's address and port. Rejected datagrams are counted and logged once each, never acted on.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { Logger } from 'pino';
import { decodeMikey, describeMbms, isDecodeError, type MbmsInfo } from '../codec/index.js';
import { LtkmRejected, type LtkmProcessor, type StoredMsk } from './ltkm-port.js';

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
  /** Resolved network.ltkmBind: the PDP address, 127.0.0.1 or an IP. */
  bindAddress: string;
  /** BSM addresses LTKMs may come from; empty = any. */
  allowedSources?: readonly string[];
  onSolicitedPull(pull: { keyDomainId: string | null; keyGroup: number; info: MbmsInfo; from: LtkmSource }): void;
  onKeyStored?(stored: StoredMsk, from: LtkmSource): void;
  /** Called once per dropped message (after it is counted and logged), e.g. to publish a rejection event. */
  onRejected?(reason: LtkmDropReason, detail: string, from: LtkmSource): void;
  logger: Logger;
}

export type LtkmDropReason = 'source' | 'malformed' | 'unexpected' | 'mac' | 'replay' | 'no-muk' | 'error';

export interface LtkmListenerStats {
  received: number;
  keysStored: number;
  solicitedPulls: number;
  verificationsSent: number;
  dropped: Record<LtkmDropReason, number>;
}

export class LtkmListener {
  #socket: Socket | null = null;
  readonly #log: Logger;
  readonly #stats: LtkmListenerStats = {
    received: 0,
    keysStored: 0,
    solicitedPulls: 0,
    verificationsSent: 0,
    dropped: { source: 0, malformed: 0, unexpected: 0, mac: 0, replay: 0, 'no-muk': 0, error: 0 },
  };
  /** Datagrams are processed one at a time, in arrival order (the counter check depends on it). */
  #queue: Promise<void> = Promise.resolve();

  constructor(private readonly o: LtkmListenerOptions) {
    this.#log = o.logger.child({ component: 'bsm', part: 'ltkm' });
  }

  stats(): LtkmListenerStats {
    return { ...this.#stats, dropped: { ...this.#stats.dropped } };
  }

  async start(): Promise<{ address: string; port: number }> {
    const family = this.o.bindAddress.includes(':') ? 'udp6' : 'udp4';
    const s = createSocket(family);
    s.on('message', (msg, rinfo) => {
      this.#queue = this.#queue.then(() => this.#onDatagram(msg, rinfo));
    });
    s.on('error', (e) => this.#log.error({ err: e }, 'LTKM socket error'));
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.bind(this.o.port, this.o.bindAddress, () => {
        s.off('error', reject);
        resolve();
      });
    });
    this.#socket = s;
    const a = s.address();
    this.#log.info({ address: a.address, port: a.port }, 'LTKM listener up');
    return { address: a.address, port: a.port };
  }

  async stop(): Promise<void> {
    const s = this.#socket;
    this.#socket = null;
    await this.#queue;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Entry point shared with the SMS path (WSP push body = MIKEY). */
  handle(raw: Uint8Array, from: LtkmSource): Promise<void> {
    const run = this.#queue.then(() => this.#process(raw, from));
    this.#queue = run;
    return run;
  }

  async #onDatagram(msg: Buffer, rinfo: RemoteInfo): Promise<void> {
    const from: LtkmSource = { address: rinfo.address, port: rinfo.port, via: 'udp' };
    const allowed = this.o.allowedSources ?? [];
    this.#stats.received++;
    if (allowed.length > 0 && !allowed.includes(rinfo.address)) return this.#drop('source', from, `from ${rinfo.address}, not a BSM address`);
    await this.#process(msg, from, true);
  }

  #drop(reason: LtkmDropReason, from: LtkmSource, why: string): void {
    this.#stats.dropped[reason]++;
    this.#log.warn({ reason, from: `${from.via}:${from.address}:${from.port}` }, `LTKM dropped: ${why}`);
    this.o.onRejected?.(reason, why, from);
  }

  async #process(raw: Uint8Array, from: LtkmSource, counted = false): Promise<void> {
    if (!counted) this.#stats.received++;
    let info: MbmsInfo;
    try {
      info = describeMbms(decodeMikey(raw));
    } catch (e) {
      if (isDecodeError(e)) return this.#drop('malformed', from, `malformed MIKEY: ${e.message}`);
      throw e;
    }
    if (info.kind !== 'msk') return this.#drop('unexpected', from, `a ${info.kind} message, not an MSK message`);
    let result;
    try {
      result = await this.o.processor.processMskMessage(raw);
    } catch (e) {
      if (e instanceof LtkmRejected) {
        const reason: LtkmDropReason = e.reason === 'mac' || e.reason === 'wrong-muk' ? 'mac' : e.reason === 'replay' ? 'replay' : e.reason === 'no-muk' ? 'no-muk' : 'malformed';
        return this.#drop(reason, from, e.message);
      }
      return this.#drop('error', from, `processor failed: ${(e as Error).message}`);
    }
    if (result.verification && from.via === 'udp' && this.#socket) {
      const s = this.#socket;
      await new Promise<void>((resolve) =>
        s.send(result.verification!, from.port, from.address, (e) => {
          if (e) this.#log.warn({ err: e }, 'verification message not sent');
          else this.#stats.verificationsSent++;
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
