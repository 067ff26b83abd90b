/**
 * The simulated BSM's LTKM side: builds MSK messages and solicited pulls (SPEC §3.3) protected with
 * the MUK-derived MIKEY keys, sends them over UDP (or hands solicited pulls to an SMS sink as a WSP
 * push), and checks the verification messages terminals send back.
 */
import { createSocket, type Socket } from 'node:dgram';
import { randomBytes, randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { aesCmEncrypt, deriveMikeyKeys, hmacSha1_160, verificationMac, verifyMac, type Secret } from '../../crypto/index.js';
import {
  buildMskMessage,
  buildSolicitedPull,
  decodeMikey,
  describeMbms,
  encodeKeyData,
  encodeMikey,
  encodeWspPush,
  macInput,
  MIKEY_ENCR_ALG,
  MIKEY_KEY_TYPE,
  withMac,
  type MikeyMessage,
} from '../../codec/index.js';
import { maskId } from '../../util/mask.js';
import type { EventLog } from './event-log.js';
import type { Faults } from './faults.js';
import { BCAST_APPLICATION_CODE, MIKEY_CONTENT_TYPE } from '../../codec/wsp/bcast.js';

/** Where the simulator's solicited pulls over SMS go (the lead wires it to the simulated SMSC). */
export interface SmsSink {
  deliverWapPush(pushBytes: Uint8Array): Promise<void>;
}

export interface LtkmTarget {
  btid: string;
  /** The terminal's IMSI when known: what the card stored outlives its B-TID (re-bootstrapping). */
  imsi?: string;
  muk: Secret;
  address: string;
  port: number;
}

export interface VerificationRecord {
  btid: string;
  counter: number;
  ok: boolean;
  from: string;
  at: number;
}

interface Pending {
  btid: string;
  authKey: Buffer;
  idi: Uint8Array;
  idr: Uint8Array;
  /** The MSK message's RAND and MSK, remembered once the terminal's verification proves the card stored it. */
  msk: { rand: Uint8Array; keyDomainId: Uint8Array; mskId: { keyGroup: number; keyNumber: number }; imsi?: string };
}

const randKey = (terminal: string, keyDomainId: Uint8Array, m: { keyGroup: number; keyNumber: number }) =>
  `${terminal}|${Buffer.from(keyDomainId).toString('hex')}|${m.keyGroup}:${m.keyNumber}`;
const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);

export class LtkmSender {
  #socket: Socket | null = null;
  /** Last counter used per B-TID (per MUK). */
  readonly #counters = new Map<string, number>();
  readonly #pending = new Map<string, Pending>();
  /** RAND of the last MSK message a terminal (B-TID and IMSI) verified, per MSK: STKMs derive with it. */
  readonly #mskRands = new Map<string, Buffer>();
  readonly verifications: VerificationRecord[] = [];
  #tid = 0;

  constructor(
    private readonly o: { fqdn: string; faults: Faults; events: EventLog; logger: Logger; smsSink?: SmsSink; now?: () => number },
  ) {}

  async start(): Promise<number> {
    const s = createSocket('udp4');
    s.on('message', (msg, rinfo) => this.#onVerification(msg, `${rinfo.address}:${rinfo.port}`));
    s.on('error', (e) => this.o.logger.error({ err: e }, 'LTKM socket error'));
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    this.#socket = s;
    return s.address().port;
  }
  close(): void {
    this.#socket?.close();
    this.#socket = null;
  }
  setSmsSink(sink: SmsSink | undefined): void {
    (this.o as { smsSink?: SmsSink }).smsSink = sink;
  }

  #nextCounter(btid: string): number {
    const last = this.#counters.get(btid) ?? 0;
    if (this.o.faults.take('replayCounter')) {
      this.o.events.push({ type: 'fault', fault: 'replayCounter' });
      return last;
    }
    this.#counters.set(btid, last + 1);
    return last + 1;
  }

  /** MAC the encoded message with the MUK-derived auth key (wrongMac fault flips a bit). */
  #protect(msg: MikeyMessage, authKey: Buffer): Uint8Array {
    const raw = encodeMikey(msg);
    const mac = hmacSha1_160(authKey, macInput(raw, msg));
    if (this.o.faults.take('wrongMac')) {
      mac[0]! ^= 0x01;
      this.o.events.push({ type: 'fault', fault: 'wrongMac' });
    }
    return withMac(raw, msg, mac);
  }

  /**
   * RAND of the last MSK message for this MSK that `terminal` (B-TID, or IMSI when the push knew it)
   * answered with a valid verification message, i.e. the RAND its card stored with the MSK [U SPEC §3.3];
   * undefined when none. Recorded on the verification, not at the push: a dropped, mis-MACed or replayed
   * push (faults) leaves the card with the previous RAND, or none.
   */
  mskRand(terminal: string, keyDomainId: Uint8Array, mskId: { keyGroup: number; keyNumber: number }): Buffer | undefined {
    const r = this.#mskRands.get(randKey(terminal, keyDomainId, mskId));
    return r ? Buffer.from(r) : undefined;
  }

  /** An MSK message with V set; the terminal's verification is recorded when it comes back. */
  async pushMsk(t: LtkmTarget, keyDomainId: Uint8Array, mskId: { keyGroup: number; keyNumber: number }, msk: Uint8Array): Promise<void> {
    const counter = this.#nextCounter(t.btid);
    const csbId = randomInt(1, 2 ** 32 - 1);
    const rand = randomBytes(16);
    const keys = deriveMikeyKeys(t.muk.reveal(), csbId, rand);
    // [U] SPEC §3.3: MSK key data with KV = interval over the MTK IDs (here the whole range).
    const keyData = encodeKeyData([{ keyType: MIKEY_KEY_TYPE.TGK, key: msk, kv: { kvType: 2, vf: Uint8Array.of(0, 0), vt: Uint8Array.of(0xff, 0xff) } }]);
    const encrypted = aesCmEncrypt(keys.encrKey, keys.saltKey, csbId, counter, keyData);
    keyData.fill(0);
    const idi = Buffer.from(this.o.fqdn, 'utf8');
    const idr = Buffer.from(t.btid, 'utf8');
    const msg = buildMskMessage({ csbId, counter, rand, idi, idr, keyDomainId, mskId, v: true, encrAlg: MIKEY_ENCR_ALG.AES_CM_128, encryptedKeyData: encrypted });
    const raw = this.#protect(msg, keys.authKey);
    const delivered = { rand, keyDomainId: Uint8Array.from(keyDomainId), mskId: { ...mskId }, ...(t.imsi ? { imsi: t.imsi } : {}) };
    this.#pending.set(`${csbId}/${counter}`, { btid: t.btid, authKey: keys.authKey, idi, idr, msk: delivered });
    keys.encrKey.fill(0);
    keys.saltKey.fill(0);
    await this.#send(raw, t, { keyGroup: mskId.keyGroup, keyNumber: mskId.keyNumber, counter, solicitedPull: false });
  }

  /** The [R] BSM solicited pull (Key Number 0, no key, V clear), MAC'd under the MUK. */
  buildSolicitedPull(t: Pick<LtkmTarget, 'btid' | 'muk'>, keyDomainId: Uint8Array, keyGroup: number): { raw: Uint8Array; counter: number } {
    const counter = this.#nextCounter(t.btid);
    const csbId = randomInt(1, 2 ** 32 - 1);
    const rand = randomBytes(16);
    const keys = deriveMikeyKeys(t.muk.reveal(), csbId, rand);
    const pull = buildSolicitedPull({ csbId, counter, rand, idi: this.o.fqdn, idr: t.btid, keyDomainId, keyGroup });
    // Fault: the same key-less message with V set, which a terminal must reject (SPEC §3.3 [R]).
    const msg = this.o.faults.take('vBitPull') ? { ...pull, hdr: { ...pull.hdr, v: true } } : pull;
    const raw = this.#protect(msg, keys.authKey);
    for (const k of Object.values(keys)) k.fill(0);
    return { raw, counter };
  }

  async pullOverUdp(t: LtkmTarget, keyDomainId: Uint8Array, keyGroup: number): Promise<void> {
    const { raw, counter } = this.buildSolicitedPull(t, keyDomainId, keyGroup);
    await this.#send(raw, t, { keyGroup, keyNumber: 0, counter, solicitedPull: true });
  }

  /** SPEC §2: `<TID> 06 03 D2 AF 93 <MIKEY>` handed to the SMS sink. */
  async pullOverSms(t: Pick<LtkmTarget, 'btid' | 'muk'>, keyDomainId: Uint8Array, keyGroup: number): Promise<Uint8Array> {
    const sink = this.o.smsSink;
    if (!sink) throw new Error('no SMS sink attached to the simulated BSM');
    const { raw, counter } = this.buildSolicitedPull(t, keyDomainId, keyGroup);
    this.#tid = (this.#tid + 1) & 0xff;
    const push = encodeWspPush({ tid: this.#tid, contentType: MIKEY_CONTENT_TYPE, applicationId: BCAST_APPLICATION_CODE, body: raw });
    this.o.events.push({ type: 'sms-pull', btid: maskId(t.btid), keyGroup, counter });
    await sink.deliverWapPush(push);
    return push;
  }

  async #send(raw: Uint8Array, t: LtkmTarget, what: { keyGroup: number; keyNumber: number; counter: number; solicitedPull: boolean }): Promise<void> {
    const dropped = this.o.faults.take('dropDatagram');
    this.o.events.push({ type: 'ltkm-push', btid: maskId(t.btid), to: `${t.address}:${t.port}`, ...what, dropped, ...(what.solicitedPull ? { wire: Buffer.from(raw).toString('hex') } : {}) });
    if (dropped || !this.#socket) return;
    const s = this.#socket;
    await new Promise<void>((resolve, reject) => s.send(raw, t.port, t.address, (e) => (e ? reject(e) : resolve())));
  }

  #onVerification(raw: Buffer, from: string): void {
    let msg: MikeyMessage;
    try {
      msg = decodeMikey(raw);
    } catch {
      this.o.events.push({ type: 'auth-fail', server: 'bsm', why: `malformed datagram from ${from}` });
      return;
    }
    const info = describeMbms(msg);
    const v = msg.payloads.find((p) => p.type === 'V');
    const key = `${msg.hdr.csbId}/${info.tsCounter}`;
    const pending = this.#pending.get(key);
    if (info.kind !== 'verification' || !v || v.type !== 'V' || info.tsCounter === null || !pending) {
      this.o.events.push({ type: 'auth-fail', server: 'bsm', why: `unexpected datagram from ${from}` });
      return;
    }
    this.#pending.delete(key);
    const expected = verificationMac(pending.authKey, macInput(raw, msg), pending.idi, pending.idr, u32(info.tsCounter));
    const ok = verifyMac(expected, v.mac);
    pending.authKey.fill(0);
    if (ok) for (const who of [pending.btid, pending.msk.imsi]) if (who) this.#mskRands.set(randKey(who, pending.msk.keyDomainId, pending.msk.mskId), Buffer.from(pending.msk.rand));
    const rec = { btid: pending.btid, counter: info.tsCounter, ok, from, at: (this.o.now ?? Date.now)() };
    this.verifications.push(rec);
    this.o.events.push({ type: 'verification', btid: maskId(pending.btid), counter: info.tsCounter, ok, from });
  }
}
