/**
 * The MBMS security context of the virtual USIM (TS 33.246 §6.4, GBA_U): MUKs (= Ks_int_NAF) named in
 * EF_MUK, MSKs named in EF_MSK (one record per Key Domain / Key Group, two MSKs each, the older
 * replaced), each with its Time Stamp Counter; MSK update (MAC check, replay check, decrypt, store,
 * verification message when V is set; a key-less solicited pull is MAC-checked and stores nothing),
 * MTK generation, MSK deletion (every MSK of a Key Domain / Key Group, SPEC §8 [C]) and MUK deletion.
 * The APDU framing (53 object, chaining, response forms, retrieval) is `mbms-apdu.ts`'s. Keys stay in
 * this object and only MTKs ever leave it.
 */
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
  type MikeyMessage,
} from '../../codec/mikey/index.js';
import {
  SW,
  decodeMskRecord,
  decodeMukRecord,
  encodeMskRecord,
  encodeMukRecord,
  msksPerRecord,
  mukIdMatches,
  MSKS_PER_KEY_GROUP,
} from '../../codec/usim/index.js';
import { DecodeError } from '../../codec/errors.js';
import { aesCmDecrypt, deriveMikeyKeys, hmacSha1_160, verificationMac, verifyMac, type MikeyKeys } from '../../crypto/index.js';
import { CardStatus } from './card-status.js';
import type { UsimFaults } from './faults.js';
import type { RecordEf } from './file-system.js';
import type { CardMbmsCommand, CardMbmsOutput } from './mbms-apdu.js';

interface MskKey {
  key: Buffer;
  /** RAND of the MSK message: MTK messages carry none and derive with this one [U SPEC §3.3]. */
  rand: Uint8Array;
  /** MTK ID validity interval from the key data (KV interval), if any. */
  range: { from: number; to: number } | null;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const mskKey = (kdid: Uint8Array, mskId: number) => `${hex(kdid)}:${mskId}`;
const num = (b: Uint8Array) => b.reduce((n, x) => n * 256 + x, 0);

function parse(raw: Uint8Array): MikeyMessage {
  try {
    return decodeMikey(raw);
  } catch (e) {
    if (e instanceof DecodeError) throw new CardStatus(SW.WRONG_DATA, e.message);
    throw e;
  }
}

function kemacOf(msg: MikeyMessage): KemacPayload {
  const k = msg.payloads.find((p): p is KemacPayload => p.type === 'KEMAC');
  if (!k || k.macAlg !== MIKEY_MAC_ALG.HMAC_SHA_1_160) throw new CardStatus(SW.WRONG_DATA, 'no KEMAC with HMAC-SHA-1-160');
  return k;
}

function counterOf(msg: MikeyMessage): number {
  const t = msg.payloads.find((p) => p.type === 'T');
  if (!t || t.tsType !== 2) throw new CardStatus(SW.WRONG_DATA, 'no COUNTER timestamp');
  return t.counter;
}

/** Key data decoded from a buffer that is wiped afterwards: copy what is kept. */
function copyKeyData(kd: KeyData): KeyData {
  const c = (b: Uint8Array) => Uint8Array.from(b);
  const kv: KeyData['kv'] = kd.kv.kvType === 2 ? { kvType: 2, vf: c(kd.kv.vf), vt: c(kd.kv.vt) } : kd.kv.kvType === 1 ? { kvType: 1, spi: c(kd.kv.spi) } : { kvType: 0 };
  return { keyType: kd.keyType, key: c(kd.key), ...(kd.salt ? { salt: c(kd.salt) } : {}), kv };
}


const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);

export class MbmsContext {
  /** MUK by EF_MUK record index. */
  readonly #muks = new Map<number, Buffer>();
  readonly #msks = new Map<string, MskKey>();

  constructor(
    private readonly efMsk: RecordEf,
    private readonly efMuk: RecordEf,
    private readonly homeKeyDomainId: Uint8Array,
    private readonly faults: UsimFaults,
  ) {}

  /** GBA_U NAF derivation stores Ks_int_NAF as the MUK of (NAF_ID, B-TID); a new one for the NAF replaces the old. */
  storeMuk(nafId: Uint8Array, btid: Uint8Array, key: Buffer): void {
    const recs = this.efMuk.records;
    let i = recs.findIndex((r) => {
      const m = decodeMukRecord(r);
      return m !== null && Buffer.compare(Buffer.from(m.idi), Buffer.from(nafId)) === 0;
    });
    if (i < 0) i = recs.findIndex((r) => decodeMukRecord(r) === null);
    if (i < 0) throw new CardStatus(SW.NO_MEMORY_MUK, 'EF_MUK full');
    recs[i] = encodeMukRecord({ idi: nafId, idr: btid, tsCounter: 0 }, this.efMuk.recordLength);
    this.#muks.get(i)?.fill(0);
    this.#muks.set(i, Buffer.from(key));
  }

  handle(cmd: CardMbmsCommand): CardMbmsOutput {
    switch (cmd.mode) {
      case 'msk-update':
        return this.#mskUpdate(cmd.mikey);
      case 'mtk-generation':
        return this.#mtkGeneration(cmd.mikey);
      case 'msk-deletion':
        this.#deleteKeyGroup(cmd.keyDomainId, cmd.keyGroup);
        return {};
      case 'muk-deletion':
        this.#deleteMuk(cmd.idi, cmd.idr);
        return {};
    }
  }

  #checkMac(raw: Uint8Array, msg: MikeyMessage, keys: MikeyKeys): void {
    const kemac = kemacOf(msg);
    const ok = verifyMac(hmacSha1_160(keys.authKey, macInput(raw, msg)), kemac.mac);
    if (!ok || this.faults.take('wrongMac')) throw new CardStatus(SW.AUTH_MAC, 'MIKEY MAC');
  }

  #findMuk(idi: Uint8Array, idr: Uint8Array): number {
    const i = this.efMuk.records.findIndex((r) => {
      const m = decodeMukRecord(r);
      return m !== null && mukIdMatches(idi, idr, { nafId: m.idi, btid: m.idr });
    });
    if (i < 0 || !this.#muks.has(i)) throw new CardStatus(SW.REFERENCE_NOT_FOUND, 'no MUK for IDi/IDr');
    return i;
  }

  #mskUpdate(raw: Uint8Array): CardMbmsOutput {
    const msg = parse(raw);
    const info = describeMbms(msg, { homeKeyDomainId: this.homeKeyDomainId });
    const ids = msg.payloads.filter((p): p is IdPayload => p.type === 'ID');
    const rand = msg.payloads.find((p) => p.type === 'RAND');
    if (info.kind !== 'msk' || !info.mskId || !info.keyDomainId || ids.length < 2 || !rand) {
      throw new CardStatus(SW.WRONG_DATA, 'not an MSK message');
    }
    const counter = counterOf(msg);
    const slot = this.#findMuk(ids[0]!.id, ids[1]!.id);
    const keys = deriveMikeyKeys(this.#muks.get(slot)!, msg.hdr.csbId, rand.rand);
    try {
      this.#checkMac(raw, msg, keys);
      const muk = decodeMukRecord(this.efMuk.records[slot]!)!;
      if (counter <= muk.tsCounter) throw new CardStatus(SW.KEY_FRESHNESS, 'MUK counter');
      const kemac = kemacOf(msg);
      const kdid = Buffer.from(info.keyDomainId, 'hex');
      const mskId = ((info.mskId.keyGroup << 16) | info.mskId.keyNumber) >>> 0;
      if (kemac.encrData.length > 0) this.#storeMsk(kdid, mskId, rand.rand, this.#openKeyData(kemac, keys, msg.hdr.csbId, counter));
      this.efMuk.records[slot] = encodeMukRecord({ ...muk, tsCounter: counter }, this.efMuk.recordLength);
      if (!msg.hdr.v) return {};
      const vmsg = buildVerificationMessage({ csbId: msg.hdr.csbId, counter });
      const vraw = encodeMikey(vmsg);
      const mac = verificationMac(keys.authKey, macInput(vraw, vmsg), ids[0]!.id, ids[1]!.id, u32(counter));
      return { verification: withMac(vraw, vmsg, mac) };
    } finally {
      for (const k of Object.values(keys)) k.fill(0);
    }
  }

  #openKeyData(kemac: KemacPayload, keys: MikeyKeys, csbId: number, counter: number): KeyData {
    if (kemac.encrAlg !== MIKEY_ENCR_ALG.AES_CM_128) throw new CardStatus(SW.WRONG_DATA, 'KEMAC not AES-CM-128');
    const plain = aesCmDecrypt(keys.encrKey, keys.saltKey, csbId, counter, kemac.encrData);
    try {
      const kd = decodeKeyData(plain)[0];
      if (!kd) throw new CardStatus(SW.WRONG_DATA, 'no key data');
      return copyKeyData(kd);
    } catch (e) {
      if (e instanceof DecodeError) throw new CardStatus(SW.WRONG_DATA, e.message);
      throw e;
    } finally {
      plain.fill(0);
    }
  }

  /**
   * TS 31.102 §4.2.80: one EF_MSK record per (Key Domain ID, Key Group) holding at most two MSKs. A new
   * MSK ID of a full group replaces the least recently stored one (the record keeps storage order, so
   * that is its first entry), whose key is zeroed; the same MSK ID delivered again is updated in place.
   * Only when every record belongs to another (KDID, Key Group) pair is there no memory (98 66).
   */
  #storeMsk(kdid: Uint8Array, mskId: number, rand: Uint8Array, kd: KeyData): void {
    const recs = this.efMsk.records;
    const group = mskId >>> 16;
    const decoded = recs.map((r) => decodeMskRecord(r));
    let i = decoded.findIndex((r) => r !== null && r.msks.length > 0 && hex(r.keyDomainId) === hex(kdid) && r.msks[0]!.mskId >>> 16 === group);
    if (i < 0) i = decoded.findIndex((r) => r === null || r.msks.length === 0);
    if (i < 0) throw new CardStatus(SW.NO_MEMORY, 'EF_MSK: every record holds another Key Domain / Key Group');
    const msks = [...(decoded[i]?.msks ?? [])];
    const at = msks.findIndex((m) => m.mskId === mskId);
    // The same MSK delivered again keeps its MTK counter: resetting it would let old MTK messages replay.
    if (at >= 0) msks[at] = { mskId, tsCounter: msks[at]!.tsCounter };
    else {
      const max = Math.min(MSKS_PER_KEY_GROUP, msksPerRecord(this.efMsk.recordLength));
      while (msks.length >= max) this.#forgetMsk(kdid, msks.shift()!.mskId);
      msks.push({ mskId, tsCounter: 0 });
    }
    recs[i] = encodeMskRecord({ keyDomainId: kdid, msks }, this.efMsk.recordLength);
    this.#forgetMsk(kdid, mskId);
    const range = kd.kv.kvType === 2 ? { from: num(kd.kv.vf), to: num(kd.kv.vt) } : null;
    this.#msks.set(mskKey(kdid, mskId), { key: Buffer.from(kd.key), rand: Uint8Array.from(rand), range });
  }

  /** Zero and drop an MSK's key (its EF_MSK entry is the caller's business). */
  #forgetMsk(kdid: Uint8Array, mskId: number): void {
    const key = mskKey(kdid, mskId);
    this.#msks.get(key)?.key.fill(0);
    this.#msks.delete(key);
  }

  #mskEntry(kdid: Uint8Array, mskId: number): { rec: number; tsCounter: number } | null {
    for (const [i, r] of this.efMsk.records.entries()) {
      const d = decodeMskRecord(r);
      if (!d || hex(d.keyDomainId) !== hex(kdid)) continue;
      const m = d.msks.find((x) => x.mskId === mskId);
      if (m) return { rec: i, tsCounter: m.tsCounter };
    }
    return null;
  }

  #setMskCounter(rec: number, mskId: number, tsCounter: number): void {
    const d = decodeMskRecord(this.efMsk.records[rec]!)!;
    const msks = d.msks.map((m) => (m.mskId === mskId ? { mskId, tsCounter } : m));
    this.efMsk.records[rec] = encodeMskRecord({ ...d, msks }, this.efMsk.recordLength);
  }

  #mtkGeneration(raw: Uint8Array): CardMbmsOutput {
    const msg = parse(raw);
    const info = describeMbms(msg, { homeKeyDomainId: this.homeKeyDomainId });
    if (info.kind !== 'mtk' || !info.mskId || !info.keyDomainId || info.mtkId === null) throw new CardStatus(SW.WRONG_DATA, 'not an MTK message');
    const kdid = Buffer.from(info.keyDomainId, 'hex');
    const mskId = ((info.mskId.keyGroup << 16) | info.mskId.keyNumber) >>> 0;
    const msk = this.#msks.get(mskKey(kdid, mskId));
    const entry = this.#mskEntry(kdid, mskId);
    if (!msk || !entry) throw new CardStatus(SW.REFERENCE_NOT_FOUND, 'no such MSK');
    const counter = counterOf(msg);
    const keys = deriveMikeyKeys(msk.key, msg.hdr.csbId, msk.rand);
    try {
      this.#checkMac(raw, msg, keys);
      if (counter <= entry.tsCounter) throw new CardStatus(SW.KEY_FRESHNESS, 'MSK counter');
      if (msk.range && (info.mtkId < msk.range.from || info.mtkId > msk.range.to)) throw new CardStatus(SW.KEY_FRESHNESS, 'MTK ID outside the MSK validity');
      const kd = this.#openKeyData(kemacOf(msg), keys, msg.hdr.csbId, counter);
      this.#setMskCounter(entry.rec, mskId, counter);
      const mtk = Uint8Array.from(kd.key);
      if (this.faults.take('wrongMtk')) mtk[0] = mtk[0]! ^ 0xff; // fault injection: a TEK that decrypts nothing
      return { mtk, ...(kd.salt ? { salt: Uint8Array.from(kd.salt) } : {}) };
    } finally {
      for (const k of Object.values(keys)) k.fill(0);
    }
  }

  /** MSK deletion names a Key Domain and a Key Group (SPEC §8): its EF_MSK record and every MSK in it go. */
  #deleteKeyGroup(kdid: Uint8Array, keyGroup: number): void {
    const i = this.efMsk.records.findIndex((r) => {
      const d = decodeMskRecord(r);
      return d !== null && hex(d.keyDomainId) === hex(kdid) && d.msks.some((m) => m.mskId >>> 16 === keyGroup);
    });
    if (i < 0) throw new CardStatus(SW.REFERENCE_NOT_FOUND, 'no MSK of that Key Domain / Key Group');
    for (const m of decodeMskRecord(this.efMsk.records[i]!)!.msks) this.#forgetMsk(kdid, m.mskId);
    this.efMsk.records[i] = new Uint8Array(this.efMsk.recordLength).fill(0xff);
  }

  #deleteMuk(idi: Uint8Array, idr: Uint8Array): void {
    const i = this.#findMuk(idi, idr);
    this.efMuk.records[i] = new Uint8Array(this.efMuk.recordLength).fill(0xff);
    this.#muks.get(i)?.fill(0);
    this.#muks.delete(i);
  }
}
