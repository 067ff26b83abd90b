/**
 * The USIM application over an APDU channel (TS 31.102): find and select the USIM from EF_DIR, read
 * the identity and service files, PIN1, and AUTHENTICATE in the 3G, GBA and MBMS contexts. What the
 * card cannot change while inserted (AID, file sizes, IMSI, AD, UST) is read once and cached, so each
 * later operation costs the minimal number of APDUs. Key material returned is wrapped in Secret.
 */
import { DecodeError } from '../codec/errors.js';
import {
  FID,
  UST_SERVICE,
  auth3gCommand,
  decodeAd,
  decodeAuth3gResponse,
  decodeDirRecord,
  decodeFcp,
  decodeGbaBootstrapResponse,
  decodeGbaBp,
  decodeGbaNafResponse,
  decodeGbaNlRecord,
  decodeIccid,
  decodeImsi,
  decodeMbmsResponse,
  describeSw,
  encodeGbaBp,
  fidHex,
  gbaCommand,
  isUsimAid,
  mbmsCommandBlocks,
  mbmsRetrieveCommand,
  readBinary,
  readRecord,
  selectAid,
  selectFid,
  updateBinary,
  ustHas,
  verifyPin,
  type Fcp,
  type GbaBootstrapParams,
  type GbaNafEntry,
  type MbmsCommand,
  type MbmsResponse,
  type ResponseApdu,
} from '../codec/usim/index.js';
import { Secret } from '../crypto/index.js';
import type { ApduChannel, ChannelExchange, CommandOptions } from './apdu-channel.js';
import { CardProtocolError, FileNotFoundError, errorForStatus } from './errors.js';

export interface UsimApplicationInfo {
  aid: Uint8Array;
  label: string | null;
  iccid: string;
}

export interface UsimIdentity {
  imsi: string;
  mncLength: 2 | 3;
  ust: Uint8Array;
  gbaService: boolean;
  mbmsService: boolean;
  bcastScpService: boolean;
}

export type PinStatus = { state: 'verified-or-disabled' } | { state: 'required'; triesLeft: number } | { state: 'blocked' };

export type AkaResult =
  | { kind: 'success'; res: Secret; ck: Secret; ik: Secret }
  | { kind: 'sync-failure'; auts: Uint8Array };

export type GbaBootstrapOutcome = { kind: 'success'; res: Secret } | { kind: 'sync-failure'; auts: Uint8Array };

/** An MBMS response is a few dozen bytes; a card that keeps answering 62 F1 is broken. */
const MAX_RETRIEVAL_ROUNDS = 16;

/** Without EF_AD byte 4 the MNC length is taken as 2 (the common case). */
const DEFAULT_MNC_LENGTH = 2;

function decoded<T>(op: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof DecodeError) throw new CardProtocolError(`${op}: ${e.message}`, e);
    throw e;
  }
}

export class UsimApplication {
  readonly #ch: ApduChannel;
  readonly #fcp = new Map<number, Fcp>();
  #app: UsimApplicationInfo | null = null;
  #identity: UsimIdentity | null = null;

  constructor(channel: ApduChannel) {
    this.#ch = channel;
  }

  get application(): UsimApplicationInfo | null {
    return this.#app;
  }
  get identity(): UsimIdentity | null {
    return this.#identity;
  }

  /** SELECT by FID; asks for the FCP only the first time (its sizes are then cached). */
  async #select(fid: number): Promise<Fcp> {
    const known = this.#fcp.get(fid);
    const op = `SELECT ${fidHex(fid)}`;
    if (known) {
      await this.#ch.command(selectFid(fid, false), { op });
      return known;
    }
    const data = await this.#ch.command(selectFid(fid, true), { op });
    const parsed = decoded(op, () => decodeFcp(data));
    this.#fcp.set(fid, parsed);
    return parsed;
  }

  async #readTransparent(fid: number, secret = false): Promise<Uint8Array> {
    const fcp = await this.#select(fid);
    const size = Math.min(fcp.size ?? 256, 256);
    return this.#ch.command(readBinary(0, size), { op: `READ BINARY ${fidHex(fid)}`, mask: { response: secret } });
  }

  async #readRecords(fid: number, until?: (rec: Uint8Array) => boolean): Promise<Uint8Array[]> {
    const fcp = await this.#select(fid);
    const out: Uint8Array[] = [];
    for (let i = 1; i <= (fcp.recordCount ?? 0); i++) {
      const rec = await this.#ch.command(readRecord(i, fcp.recordLength ?? 256), { op: `READ RECORD ${fidHex(fid)} #${i}` });
      out.push(rec);
      if (until?.(rec)) break;
    }
    return out;
  }

  /** MF → EF_DIR → the USIM AID → SELECT it. Run once per insertion. */
  async selectApplication(): Promise<UsimApplicationInfo> {
    // Start from the MF whatever was selected before (a reset card is there already; a card that
    // saw a stray command from an interrupted bring-up may not be).
    await this.#ch.command(selectFid(FID.MF, false), { op: 'SELECT MF' });
    const records = await this.#readRecords(FID.EF_DIR, (rec) => {
      const e = decoded('EF_DIR', () => decodeDirRecord(rec));
      return e !== null && isUsimAid(e.aid);
    });
    const entry = decoded('EF_DIR', () => records.map((r) => decodeDirRecord(r)).find((e) => e !== null && isUsimAid(e.aid)));
    if (!entry) throw new FileNotFoundError('EF_DIR', undefined, 'no USIM application on the card');
    const iccidBytes = await this.#readTransparent(FID.EF_ICCID, true);
    await this.#ch.command(selectAid(entry.aid, true), { op: 'SELECT USIM' });
    this.#app = { aid: entry.aid, label: entry.label, iccid: decoded('EF_ICCID', () => decodeIccid(iccidBytes)) };
    return this.#app;
  }

  async pinStatus(): Promise<PinStatus> {
    const r = await this.#ch.exchange(verifyPin(), { op: 'PIN status' });
    const m = describeSw(r.sw);
    if (m.kind === 'ok') return { state: 'verified-or-disabled' };
    if (m.kind === 'verify-failed') return { state: 'required', triesLeft: m.count! };
    if (m.kind === 'pin-blocked') return { state: 'blocked' };
    throw errorForStatus(r.sw, 'PIN status');
  }

  /** VERIFY PIN1. A wrong PIN throws PinError with the tries left. */
  async verifyPin(pin: Secret): Promise<void> {
    await this.#ch.command(verifyPin(pin.reveal()), { op: 'VERIFY PIN', mask: { command: true } });
  }

  /** EF_IMSI, EF_AD, EF_UST (after the PIN: IMSI and UST are PIN-protected). */
  async readIdentity(): Promise<UsimIdentity> {
    const imsiBytes = await this.#readTransparent(FID.EF_IMSI, true);
    const adBytes = await this.#readTransparent(FID.EF_AD);
    const ad = decoded('EF_AD', () => decodeAd(adBytes));
    const ust = await this.#readTransparent(FID.EF_UST);
    this.#identity = {
      imsi: decoded('EF_IMSI', () => decodeImsi(imsiBytes)),
      mncLength: ad.mncLength ?? DEFAULT_MNC_LENGTH,
      ust,
      gbaService: ustHas(ust, UST_SERVICE.GBA),
      mbmsService: ustHas(ust, UST_SERVICE.MBMS_SECURITY),
      bcastScpService: ustHas(ust, UST_SERVICE.BCAST_SCP),
    };
    imsiBytes.fill(0);
    return this.#identity;
  }

  async readGbaBootstrap(): Promise<GbaBootstrapParams> {
    const bytes = await this.#readTransparent(FID.EF_GBABP, true);
    return decoded('EF_GBABP', () => decodeGbaBp(bytes));
  }

  /** Terminal side of GBA_U bootstrapping: store B-TID and lifetime next to the card's RAND. */
  async writeGbaBootstrap(p: GbaBootstrapParams): Promise<void> {
    const fcp = await this.#select(FID.EF_GBABP);
    const body = encodeGbaBp(p, Math.min(fcp.size ?? 0, 255));
    await this.#ch.command(updateBinary(0, body), { op: 'UPDATE BINARY EF_GBABP', mask: { command: true } });
  }

  async readGbaNafList(): Promise<GbaNafEntry[]> {
    const recs = await this.#readRecords(FID.EF_GBANL);
    return decoded('EF_GBANL', () => recs.map((r) => decodeGbaNlRecord(r)).filter((e): e is GbaNafEntry => e !== null));
  }

  async authenticate3g(rand: Uint8Array, autn: Uint8Array): Promise<AkaResult> {
    const op = 'AUTHENTICATE 3G';
    const data = await this.#ch.command(auth3gCommand(rand, autn), { op, mask: { response: true } });
    const r = decoded(op, () => decodeAuth3gResponse(data));
    data.fill(0);
    if (r.kind === 'sync-failure') return r;
    const out: AkaResult = { kind: 'success', res: new Secret(r.res), ck: new Secret(r.ck), ik: new Secret(r.ik) };
    for (const b of [r.res, r.ck, r.ik, r.kc]) b?.fill(0);
    return out;
  }

  async gbaBootstrap(rand: Uint8Array, autn: Uint8Array): Promise<GbaBootstrapOutcome> {
    const op = 'AUTHENTICATE GBA bootstrapping';
    const data = await this.#ch.command(gbaCommand({ mode: 'bootstrap', rand, autn }), { op, mask: { response: true } });
    const r = decoded(op, () => decodeGbaBootstrapResponse(data));
    data.fill(0);
    if (r.kind === 'sync-failure') return r;
    const res = new Secret(r.res);
    r.res.fill(0);
    return { kind: 'success', res };
  }

  /** Ks_ext_NAF for (NAF_ID, IMPI); the card keeps Ks_int_NAF. */
  async gbaNafDerivation(nafId: Uint8Array, impi: string): Promise<Secret> {
    const op = 'AUTHENTICATE GBA NAF derivation';
    const cmd = gbaCommand({ mode: 'naf-derivation', nafId, impi: new TextEncoder().encode(impi) });
    const data = await this.#ch.command(cmd, { op, mask: { command: true, response: true } });
    const ks = decoded(op, () => decodeGbaNafResponse(data));
    data.fill(0);
    const out = new Secret(ks);
    ks.fill(0);
    return out;
  }

  /**
   * AUTHENTICATE in the MBMS context (SPEC §8 [C]): the command in chained blocks (63 F1 = send the next),
   * then the response directly (90 00, through GET RESPONSE on T=0) or, after 62 F3, retrieved block by
   * block (P1 A0, then P1 20 while 62 F1). Blocks and retrieval run back to back on the channel.
   */
  async mbms(cmd: MbmsCommand): Promise<MbmsResponse> {
    const op = `AUTHENTICATE MBMS ${cmd.mode}`;
    const o = { op, mask: { command: true, response: true } };
    const blocks = mbmsCommandBlocks(cmd);
    const data = await this.#ch.transaction(async (exchange) => {
      let r: ResponseApdu | null = null;
      for (const [i, block] of blocks.entries()) {
        r = await exchange(block, o);
        const kind = describeSw(r.sw).kind;
        if (i === blocks.length - 1) break;
        if (kind !== 'more-command-data') throw kind === 'ok' ? new CardProtocolError(`${op}: the card ended the chain after block ${i + 1} of ${blocks.length}`) : errorForStatus(r.sw, op);
      }
      return this.#mbmsResult(r!, exchange, o);
    });
    const out = decoded(op, () => decodeMbmsResponse(data, cmd.mode));
    data.fill(0);
    return out;
  }

  async #mbmsResult(last: ResponseApdu, exchange: ChannelExchange, o: CommandOptions): Promise<Uint8Array> {
    const kind = describeSw(last.sw).kind;
    if (kind === 'ok') return last.data;
    if (kind === 'more-command-data') throw new CardProtocolError(`${o.op}: the card asks for more command data than there is`);
    if (kind !== 'auth-response-available') throw errorForStatus(last.sw, o.op);
    const parts: Uint8Array[] = [];
    try {
      for (let round = 0; round < MAX_RETRIEVAL_ROUNDS; round++) {
        const r = await exchange(mbmsRetrieveCommand(round === 0), o);
        parts.push(r.data);
        const k = describeSw(r.sw).kind;
        if (k === 'ok') return Uint8Array.from(Buffer.concat(parts));
        if (k !== 'more-response-data') throw errorForStatus(r.sw, `${o.op} (response retrieval)`);
      }
      throw new CardProtocolError(`${o.op}: more than ${MAX_RETRIEVAL_ROUNDS} response blocks`);
    } finally {
      for (const p of parts) p.fill(0);
    }
  }
}
