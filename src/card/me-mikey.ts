/**
 * ME-side MIKEY processing for GBA_ME cards (TS 33.246 §6.4 done in the terminal): MUKs = Ks_NAF
 * (SPEC §6 [U]: MUK = Ks_NAF) per (NAF_ID, B-TID); for an MSK message derive the MIKEY keys from the
 * MUK, verify the KEMAC MAC, check the replay counter, decrypt and keep the MSK (a key-less solicited
 * pull is MAC-checked and stores nothing; two MSKs per Key Domain / Key Group, as on the card); for an
 * MTK message do the same with the MSK and hand out the MTK. Keys live only in memory, in Secret
 * boxes, and are wiped on removal or deletion. Failures throw the same typed errors as the card would
 * answer.
 */
import { DecodeError } from '../codec/errors.js';
import { toHex } from '../codec/hex.js';
import {
  MIKEY_ENCR_ALG,
  MIKEY_MAC_ALG,
  buildVerificationMessage,
  decodeKeyData,
  decodeMikey,
  describeMbms,
  encodeMikey,
  macInput,
  withMac,
  type IdPayload,
  type KemacPayload,
  type KeyData,
  type DecodedMikey,
  type MikeyMessage,
  type MskId,
} from '../codec/mikey/index.js';
import { MSKS_PER_KEY_GROUP, mukIdMatches } from '../codec/usim/index.js';
import { Secret, aesCmDecrypt, deriveMikeyKeys, hmacSha1_160, verificationMac, verifyMac, type MikeyKeys } from '../crypto/index.js';
import { CardAuthError, CardStatusError, KeyFreshnessError, KeyNotFoundError } from './errors.js';

export interface MskUpdateResult {
  /** Hex. */
  keyDomainId: string;
  mskId: MskId;
  /** An MSK was stored (false for a key-less solicited pull). */
  stored: boolean;
  solicitedPull: boolean;
  /** Encoded MIKEY verification message when the MSK message had V set. */
  verification: Uint8Array | null;
}

export interface MtkResult {
  keyDomainId: string;
  mskId: MskId;
  mtkId: number;
  mtk: Secret;
  salt: Secret | null;
}

interface Muk {
  nafId: Uint8Array;
  btid: Uint8Array;
  key: Secret;
  counter: number;
}

interface Msk {
  key: Secret;
  rand: Uint8Array;
  counter: number;
  range: { from: number; to: number } | null;
}

const MSK_OP = 'MSK update (ME)';
const MTK_OP = 'MTK generation (ME)';
const num = (b: Uint8Array) => b.reduce((n, x) => n * 256 + x, 0);
const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
const groupKey = (kdid: string, keyGroup: number) => `${kdid}:${keyGroup}:`;
const mskKey = (kdid: string, id: MskId) => `${groupKey(kdid, id.keyGroup)}${id.keyNumber}`;
const wrongData = (op: string, text: string) => new CardStatusError('wrong-data', op, undefined, text);
const wipeKeys = (k: MikeyKeys) => Object.values(k).forEach((b: Buffer) => b.fill(0));

/** Key data decoded from a buffer that is wiped afterwards: copy what is kept. */
function copyKeyData(kd: KeyData): KeyData {
  const c = (b: Uint8Array) => Uint8Array.from(b);
  const kv: KeyData['kv'] = kd.kv.kvType === 2 ? { kvType: 2, vf: c(kd.kv.vf), vt: c(kd.kv.vt) } : kd.kv.kvType === 1 ? { kvType: 1, spi: c(kd.kv.spi) } : { kvType: 0 };
  return { keyType: kd.keyType, key: c(kd.key), ...(kd.salt ? { salt: c(kd.salt) } : {}), kv };
}

/** The message decoded: as the caller decoded it already, or here from bytes (a caller that has only those). */
export function decodedMikey(input: Uint8Array | DecodedMikey, op: string): DecodedMikey {
  if (!(input instanceof Uint8Array)) return input;
  try {
    return { raw: input, message: decodeMikey(input) };
  } catch (e) {
    if (e instanceof DecodeError) throw wrongData(op, e.message);
    throw e;
  }
}

function kemacOf(msg: MikeyMessage, op: string): KemacPayload {
  const k = msg.payloads.find((p): p is KemacPayload => p.type === 'KEMAC');
  if (!k || k.macAlg !== MIKEY_MAC_ALG.HMAC_SHA_1_160) throw wrongData(op, 'no KEMAC with HMAC-SHA-1-160');
  return k;
}

function counterOf(msg: MikeyMessage, op: string): number {
  const t = msg.payloads.find((p) => p.type === 'T');
  if (!t || t.tsType !== 2) throw wrongData(op, 'no COUNTER timestamp');
  return t.counter;
}

function checkMac(raw: Uint8Array, msg: MikeyMessage, keys: MikeyKeys, op: string): void {
  const mac = hmacSha1_160(keys.authKey, macInput(raw, msg));
  if (!verifyMac(mac, kemacOf(msg, op).mac)) throw new CardAuthError(op, undefined, 'MIKEY MAC does not verify');
}

function openKeyData(kemac: KemacPayload, keys: MikeyKeys, csbId: number, counter: number, op: string): KeyData {
  if (kemac.encrAlg !== MIKEY_ENCR_ALG.AES_CM_128) throw wrongData(op, 'KEMAC is not AES-CM-128');
  const plain = aesCmDecrypt(keys.encrKey, keys.saltKey, csbId, counter, kemac.encrData);
  try {
    const kd = decodeKeyData(plain)[0];
    if (!kd) throw wrongData(op, 'KEMAC holds no key data');
    return copyKeyData(kd);
  } catch (e) {
    if (e instanceof DecodeError) throw wrongData(op, e.message);
    throw e;
  } finally {
    plain.fill(0);
  }
}

export class MeMikey {
  readonly #home: Uint8Array;
  #muks: Muk[] = [];
  readonly #msks = new Map<string, Msk>();

  /** `homeKeyDomainId`: MCC||MNC of the home network, for Key IDs that carry only the MSK ID. */
  constructor(homeKeyDomainId: Uint8Array) {
    this.#home = Uint8Array.from(homeKeyDomainId);
  }

  /** A MUK from a NAF key derivation; replaces the previous MUK for the same NAF. */
  addMuk(nafId: Uint8Array, btid: Uint8Array, muk: Secret): void {
    const same = this.#muks.filter((m) => toHex(m.nafId) === toHex(nafId));
    for (const m of same) m.key.wipe();
    this.#muks = this.#muks.filter((m) => !same.includes(m));
    this.#muks.push({ nafId: Uint8Array.from(nafId), btid: Uint8Array.from(btid), key: new Secret(muk.reveal()), counter: 0 });
  }

  get mukCount(): number {
    return this.#muks.length;
  }

  hasMsk(keyDomainId: Uint8Array, mskId: MskId): boolean {
    return this.#msks.has(mskKey(toHex(keyDomainId), mskId));
  }

  #muk(idi: Uint8Array, idr: Uint8Array, op: string): Muk {
    const m = this.#muks.find((x) => mukIdMatches(idi, idr, { nafId: x.nafId, btid: x.btid }));
    if (!m) throw new KeyNotFoundError(op, undefined, 'no MUK for the message IDi/IDr');
    return m;
  }

  /** An MSK message, decoded once by the caller (the raw bytes are the MAC input). */
  mskUpdate(input: Uint8Array | DecodedMikey): MskUpdateResult {
    const { raw, message: msg } = decodedMikey(input, MSK_OP);
    const info = describeMbms(msg, { homeKeyDomainId: this.#home });
    const ids = msg.payloads.filter((p): p is IdPayload => p.type === 'ID');
    const rand = msg.payloads.find((p) => p.type === 'RAND');
    if (info.kind !== 'msk' || !info.mskId || !info.keyDomainId || ids.length < 2 || !rand) throw wrongData(MSK_OP, 'not an MSK message');
    const counter = counterOf(msg, MSK_OP);
    const muk = this.#muk(ids[0]!.id, ids[1]!.id, MSK_OP);
    const keys = deriveMikeyKeys(muk.key.reveal(), msg.hdr.csbId, rand.rand);
    try {
      checkMac(raw, msg, keys, MSK_OP);
      if (counter <= muk.counter) throw new KeyFreshnessError(MSK_OP, undefined, `counter ${counter} not above ${muk.counter}`);
      const kemac = kemacOf(msg, MSK_OP);
      const stored = kemac.encrData.length > 0;
      if (stored) {
        const kd = openKeyData(kemac, keys, msg.hdr.csbId, counter, MSK_OP);
        const range = kd.kv.kvType === 2 ? { from: num(kd.kv.vf), to: num(kd.kv.vt) } : null;
        this.#storeMsk(info.keyDomainId, info.mskId, { key: new Secret(kd.key), rand: Uint8Array.from(rand.rand), counter: 0, range });
        kd.key.fill(0);
      }
      muk.counter = counter;
      let verification: Uint8Array | null = null;
      if (msg.hdr.v) {
        const vmsg = buildVerificationMessage({ csbId: msg.hdr.csbId, counter });
        const vraw = encodeMikey(vmsg);
        verification = withMac(vraw, vmsg, verificationMac(keys.authKey, macInput(vraw, vmsg), ids[0]!.id, ids[1]!.id, u32(counter)));
      }
      return { keyDomainId: info.keyDomainId, mskId: info.mskId, stored, solicitedPull: info.solicitedPull, verification };
    } finally {
      wipeKeys(keys);
    }
  }

  /**
   * As the USIM keeps them (TS 31.102 §4.2.80): at most two MSKs per Key Domain / Key Group. A new MSK
   * ID of a full group replaces the least recently stored one (Map order is storage order), wiping its
   * key; the same MSK ID delivered again is replaced in place.
   */
  #storeMsk(kdid: string, id: MskId, msk: Msk): void {
    const k = mskKey(kdid, id);
    const old = this.#msks.get(k);
    if (old) {
      old.key.wipe();
      // The same MSK delivered again keeps its MTK counter: resetting it would let old MTK messages replay.
      msk.counter = Math.max(msk.counter, old.counter);
    } else {
      const group = [...this.#msks.keys()].filter((x) => x.startsWith(groupKey(kdid, id.keyGroup)));
      for (const x of group.slice(0, Math.max(0, group.length - MSKS_PER_KEY_GROUP + 1))) {
        this.#msks.get(x)!.key.wipe();
        this.#msks.delete(x);
      }
    }
    this.#msks.set(k, msk);
  }

  mtkGenerate(input: Uint8Array | DecodedMikey): MtkResult {
    const { raw, message: msg } = decodedMikey(input, MTK_OP);
    const info = describeMbms(msg, { homeKeyDomainId: this.#home });
    if (info.kind !== 'mtk' || !info.mskId || !info.keyDomainId || info.mtkId === null) throw wrongData(MTK_OP, 'not an MTK message');
    const msk = this.#msks.get(mskKey(info.keyDomainId, info.mskId));
    if (!msk) throw new KeyNotFoundError(MTK_OP, undefined, 'no such MSK');
    const counter = counterOf(msg, MTK_OP);
    const keys = deriveMikeyKeys(msk.key.reveal(), msg.hdr.csbId, msk.rand);
    try {
      checkMac(raw, msg, keys, MTK_OP);
      if (counter <= msk.counter) throw new KeyFreshnessError(MTK_OP, undefined, `counter ${counter} not above ${msk.counter}`);
      if (msk.range && (info.mtkId < msk.range.from || info.mtkId > msk.range.to)) {
        throw new KeyFreshnessError(MTK_OP, undefined, `MTK ID ${info.mtkId} outside the MSK validity`);
      }
      const kd = openKeyData(kemacOf(msg, MTK_OP), keys, msg.hdr.csbId, counter, MTK_OP);
      msk.counter = counter;
      const out: MtkResult = {
        keyDomainId: info.keyDomainId,
        mskId: info.mskId,
        mtkId: info.mtkId,
        mtk: new Secret(kd.key),
        salt: kd.salt ? new Secret(kd.salt) : null,
      };
      kd.key.fill(0);
      kd.salt?.fill(0);
      return out;
    } finally {
      wipeKeys(keys);
    }
  }

  /** As the card's MSK deletion mode (SPEC §8: Key Domain ID || Key Group): every MSK of the group goes. */
  deleteMsks(keyDomainId: Uint8Array, keyGroup: number): void {
    const prefix = groupKey(toHex(keyDomainId), keyGroup);
    const keys = [...this.#msks.keys()].filter((x) => x.startsWith(prefix));
    if (keys.length === 0) throw new KeyNotFoundError('MSK deletion (ME)', undefined, 'no MSK of that key group');
    for (const k of keys) {
      this.#msks.get(k)!.key.wipe();
      this.#msks.delete(k);
    }
  }

  deleteMuk(idi: Uint8Array, idr: Uint8Array): void {
    const m = this.#muk(idi, idr, 'MUK deletion (ME)');
    m.key.wipe();
    this.#muks = this.#muks.filter((x) => x !== m);
  }

  /** Forget every key (card removed: TS 33.220 has the ME delete GBA keys with the UICC). */
  wipe(): void {
    for (const m of this.#muks) m.key.wipe();
    for (const m of this.#msks.values()) m.key.wipe();
    this.#muks = [];
    this.#msks.clear();
  }
}
