/**
 * MBMS use of MIKEY (SPEC §3.3). This is the ONE module holding the [U] project choices for MBMS
 * MIKEY messages: the EXT types, the Key ID types and layouts, the ID types the builders send and
 * the payload order of MSK / MTK / verification messages. Correct them here once the governing
 * clauses (TS 33.246 Annex, RFC 4563, RFC 4909 registrations) are read.
 *
 * Decoding here is length-driven and tolerant: `describeMbms` never throws; what it cannot make
 * sense of is left null and explained in `warnings`.
 */
import { DecodeError, EncodeError } from '../errors.js';
import { toHex } from '../hex.js';
import { ByteReader } from '../reader.js';
import {
  MIKEY_CS_ID_MAP,
  MIKEY_DATA_TYPE,
  MIKEY_ENCR_ALG,
  MIKEY_ENCR_ALG_NAMES,
  MIKEY_ID_TYPE,
  MIKEY_MAC,
  MIKEY_MAC_ALG,
  MIKEY_PRF_MIKEY_1,
  MIKEY_VERSION,
  nameOr,
} from './constants.js';
import type { ExtPayload, HdrPayload, IdPayload, KemacPayload, MikeyMessage, MikeyPayload } from './types.js';

/** [U] SPEC §3.3: EXT type carrying Key ID information (RFC 4563 layout). */
export const MBMS_EXT_KEY_ID = 4;
/** [U] SPEC §3.3: EXT type carrying the OMA BCAST extension (RFC 4909); carried opaque. */
export const MBMS_EXT_OMA_BCAST = 5;
/** [U] SPEC §3.3: Key ID Type values inside the Key ID EXT. */
export const MBMS_KEY_ID_TYPE = { MUK: 0, MSK: 1, MTK: 2 } as const;
const KEY_ID_TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'MUK'],
  [1, 'MSK'],
  [2, 'MTK'],
]);
/** [R] Key Domain ID = MCC||MNC (3), MSK ID = Key Group(2)||Key Number(2), MTK ID = 2. */
const KEY_DOMAIN_ID_LENGTH = 3;
const MSK_ID_LENGTH = 4;
const MTK_ID_LENGTH = 2;
/** [U] SPEC §3.3 "IDi (BSM NAF ID, type URI/NAI)": the builders send IDi as URI and IDr (B-TID) as NAI. */
const IDI_TYPE = MIKEY_ID_TYPE.URI;
const IDR_TYPE = MIKEY_ID_TYPE.NAI;
/** [C] HMAC-SHA-1-160 is the MAC every MBMS message carries. */
const MBMS_MAC_ALG = MIKEY_MAC_ALG.HMAC_SHA_1_160;

export interface MskId {
  keyGroup: number;
  keyNumber: number;
}

export interface KeyIdInfo {
  keyIdType: number;
  keyId: Uint8Array;
}

/** Key ID information EXT data: Key ID Type(1) | Key ID len(2) | Key ID. Bytes after the Key ID are ignored. */
export function decodeKeyIdInfo(data: Uint8Array, base = 0): KeyIdInfo {
  const r = new ByteReader(data, 'mikey', base);
  const keyIdType = r.u8('Key ID type');
  return { keyIdType, keyId: r.take(r.u16('Key ID length'), 'Key ID').slice() };
}

export function encodeKeyIdInfo(info: KeyIdInfo): Uint8Array {
  if (info.keyIdType < 0 || info.keyIdType > 0xff || info.keyId.length > 0xffff) {
    throw new EncodeError('mikey', 'Key ID information out of range');
  }
  return Uint8Array.from([info.keyIdType, info.keyId.length >> 8, info.keyId.length & 0xff, ...info.keyId]);
}

export interface MbmsKeyIds {
  keyDomainId: Uint8Array | null;
  mskId: MskId | null;
  mtkId: number | null;
}

const u16 = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const mskIdAt = (b: Uint8Array, at: number): MskId => ({ keyGroup: u16(b, at), keyNumber: u16(b, at + 2) });

/**
 * [U] Splits a Key ID by its length: MSK = KDID(3)||MSK ID(4) or MSK ID(4) alone; MTK =
 * KDID(3)||MSK ID(4)||MTK ID(2) or, by the same allowance, MSK ID(4)||MTK ID(2). Null if neither fits.
 */
export function splitKeyId(info: KeyIdInfo): MbmsKeyIds | null {
  const k = info.keyId;
  const kdid = (n: number) => (k.length === n + KEY_DOMAIN_ID_LENGTH ? k.slice(0, KEY_DOMAIN_ID_LENGTH) : null);
  if (info.keyIdType === MBMS_KEY_ID_TYPE.MSK) {
    if (k.length !== MSK_ID_LENGTH && k.length !== KEY_DOMAIN_ID_LENGTH + MSK_ID_LENGTH) return null;
    const d = kdid(MSK_ID_LENGTH);
    return { keyDomainId: d, mskId: mskIdAt(k, d ? KEY_DOMAIN_ID_LENGTH : 0), mtkId: null };
  }
  if (info.keyIdType === MBMS_KEY_ID_TYPE.MTK) {
    const n = MSK_ID_LENGTH + MTK_ID_LENGTH;
    if (k.length !== n && k.length !== KEY_DOMAIN_ID_LENGTH + n) return null;
    const d = kdid(n);
    const at = d ? KEY_DOMAIN_ID_LENGTH : 0;
    return { keyDomainId: d, mskId: mskIdAt(k, at), mtkId: u16(k, at + MSK_ID_LENGTH) };
  }
  return null;
}

function mskIdBytes(keyDomainId: Uint8Array, mskId: MskId): number[] {
  if (keyDomainId.length !== KEY_DOMAIN_ID_LENGTH) throw new EncodeError('mikey', 'Key Domain ID must be 3 bytes');
  for (const [n, v] of Object.entries(mskId)) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new EncodeError('mikey', `${n} out of range: ${v}`);
  }
  return [...keyDomainId, mskId.keyGroup >> 8, mskId.keyGroup & 0xff, mskId.keyNumber >> 8, mskId.keyNumber & 0xff];
}

/** EXT payload with the Key ID of an MSK message: KDID || MSK ID. */
export function mskKeyIdExt(keyDomainId: Uint8Array, mskId: MskId): ExtPayload {
  const keyId = Uint8Array.from(mskIdBytes(keyDomainId, mskId));
  return { type: 'EXT', extType: MBMS_EXT_KEY_ID, data: encodeKeyIdInfo({ keyIdType: MBMS_KEY_ID_TYPE.MSK, keyId }) };
}

/** EXT payload with the Key ID of an MTK message: KDID || MSK ID || MTK ID. */
export function mtkKeyIdExt(keyDomainId: Uint8Array, mskId: MskId, mtkId: number): ExtPayload {
  if (!Number.isInteger(mtkId) || mtkId < 0 || mtkId > 0xffff) throw new EncodeError('mikey', `MTK ID out of range: ${mtkId}`);
  const keyId = Uint8Array.from([...mskIdBytes(keyDomainId, mskId), mtkId >> 8, mtkId & 0xff]);
  return { type: 'EXT', extType: MBMS_EXT_KEY_ID, data: encodeKeyIdInfo({ keyIdType: MBMS_KEY_ID_TYPE.MTK, keyId }) };
}

/** EXT payload carrying OMA BCAST extension data, opaque. */
export function omaBcastExt(data: Uint8Array): ExtPayload {
  return { type: 'EXT', extType: MBMS_EXT_OMA_BCAST, data };
}

/** What the JSON view shows for an EXT payload whose type is one of the MBMS ones. */
export function describeMbmsExt(ext: ExtPayload): Record<string, unknown> | null {
  if (ext.extType === MBMS_EXT_OMA_BCAST) return { name: 'oma-bcast' };
  if (ext.extType !== MBMS_EXT_KEY_ID) return null;
  try {
    const info = decodeKeyIdInfo(ext.data);
    const ids = splitKeyId(info);
    return {
      name: 'key-id',
      keyIdType: nameOr(KEY_ID_TYPE_NAMES, info.keyIdType),
      keyId: toHex(info.keyId),
      keyDomainId: ids?.keyDomainId ? toHex(ids.keyDomainId) : null,
      mskId: ids?.mskId ?? null,
      mtkId: ids?.mtkId ?? null,
    };
  } catch (e) {
    if (e instanceof DecodeError) return { name: 'key-id', error: e.message };
    throw e;
  }
}

export type MbmsKind = 'msk' | 'mtk' | 'verification' | 'error' | 'unknown';

export interface MbmsInfo {
  kind: MbmsKind;
  /** Hex. From the Key ID, else the home network's (opts.homeKeyDomainId), else null. */
  keyDomainId: string | null;
  mskId: MskId | null;
  mtkId: number | null;
  tsCounter: number | null;
  /** Hex. */
  rand: string | null;
  idi: string | null;
  idr: string | null;
  kemac: { encrAlg: string | number; encrDataLength: number; macAlg: string | number } | null;
  /** [R] data type 0, MSK Key Number 0, KEMAC encr data length 0, V clear. */
  solicitedPull: boolean;
  /** Why a field is null when the message had something there. */
  warnings: string[];
}

const utf8 = new TextDecoder('utf-8');

export function describeMbms(msg: MikeyMessage, opts: { homeKeyDomainId?: Uint8Array } = {}): MbmsInfo {
  const warnings: string[] = [];
  const p = msg.payloads;
  const t = p.find((x) => x.type === 'T');
  const rand = p.find((x) => x.type === 'RAND');
  // IDi then IDr, in the order RFC 3830 sends them in an initiator's message.
  const ids = p.filter((x): x is IdPayload => x.type === 'ID');
  const kemac = p.find((x): x is KemacPayload => x.type === 'KEMAC');
  let keyIds: MbmsKeyIds | null = null;
  let keyIdType: number | null = null;
  const keyIdExt = p.find((x): x is ExtPayload => x.type === 'EXT' && x.extType === MBMS_EXT_KEY_ID);
  if (keyIdExt) {
    try {
      const info = decodeKeyIdInfo(keyIdExt.data);
      keyIdType = info.keyIdType;
      keyIds = splitKeyId(info);
      if (!keyIds && keyIdType !== MBMS_KEY_ID_TYPE.MUK) {
        warnings.push(`Key ID of type ${keyIdType} and length ${info.keyId.length} matches no known layout`);
      }
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      warnings.push(`Key ID EXT: ${e.message}`);
    }
  }
  let kind: MbmsKind = 'unknown';
  if (msg.hdr.dataType === MIKEY_DATA_TYPE.PSK_VERIFICATION) kind = 'verification';
  else if (msg.hdr.dataType === MIKEY_DATA_TYPE.ERROR) kind = 'error';
  else if (msg.hdr.dataType === MIKEY_DATA_TYPE.PSK_INIT && keyIdType === MBMS_KEY_ID_TYPE.MSK) kind = 'msk';
  else if (msg.hdr.dataType === MIKEY_DATA_TYPE.PSK_INIT && keyIdType === MBMS_KEY_ID_TYPE.MTK) kind = 'mtk';
  const keyDomainId = keyIds?.keyDomainId ?? (keyIds && opts.homeKeyDomainId ? opts.homeKeyDomainId : null);
  const mskId = keyIds?.mskId ?? null;
  const kemacInfo = kemac
    ? {
        encrAlg: nameOr(MIKEY_ENCR_ALG_NAMES, kemac.encrAlg),
        encrDataLength: kemac.encrData.length,
        macAlg: MIKEY_MAC.get(kemac.macAlg)?.name ?? kemac.macAlg,
      }
    : null;
  return {
    kind,
    keyDomainId: keyDomainId ? toHex(keyDomainId) : null,
    mskId,
    mtkId: keyIds?.mtkId ?? null,
    tsCounter: t && t.tsType === 2 ? t.counter : null,
    rand: rand ? toHex(rand.rand) : null,
    idi: ids[0] ? utf8.decode(ids[0].id) : null,
    idr: ids[1] ? utf8.decode(ids[1].id) : null,
    kemac: kemacInfo,
    solicitedPull:
      kind === 'msk' && mskId?.keyNumber === 0 && kemacInfo?.encrDataLength === 0 && !msg.hdr.v,
    warnings,
  };
}

// ---- Builders used by the simulated BSM. MACs are zeroed: encode, then fill in with withMac(). ----

const textBytes = (v: string | Uint8Array) => (typeof v === 'string' ? new TextEncoder().encode(v) : v);
const zeroMac = () => new Uint8Array(MIKEY_MAC.get(MBMS_MAC_ALG)!.length);

/** [U] HDR of every MBMS message: empty CS ID map with #CS 0 (RFC 4563), PRF MIKEY-1. */
function hdr(dataType: number, csbId: number, v: boolean): HdrPayload {
  return {
    type: 'HDR',
    version: MIKEY_VERSION,
    dataType,
    v,
    prf: MIKEY_PRF_MIKEY_1,
    csbId,
    csIdMap: { mapType: MIKEY_CS_ID_MAP.EMPTY, csCount: 0 },
  };
}

function kemac(encrAlg: number, encrData: Uint8Array): KemacPayload {
  return { type: 'KEMAC', encrAlg, encrData, macAlg: MBMS_MAC_ALG, mac: zeroMac() };
}

export interface MskMessageParams {
  csbId: number;
  counter: number;
  rand: Uint8Array;
  /** BSM NAF ID. */
  idi: string | Uint8Array;
  /** B-TID. */
  idr: string | Uint8Array;
  keyDomainId: Uint8Array;
  mskId: MskId;
  /** Ask for a verification message. */
  v: boolean;
  encrAlg: number;
  encryptedKeyData: Uint8Array;
  /** Further EXT payloads (e.g. omaBcastExt) placed after the Key ID EXT. */
  extensions?: ExtPayload[];
}

/** [U] MSK message order: HDR, T(COUNTER), RAND, IDi, IDr, EXT(Key ID), [EXT...], KEMAC. */
export function buildMskMessage(p: MskMessageParams): MikeyMessage {
  const payloads: MikeyPayload[] = [
    { type: 'T', tsType: 2, counter: p.counter },
    { type: 'RAND', rand: p.rand },
    { type: 'ID', idType: IDI_TYPE, id: textBytes(p.idi) },
    { type: 'ID', idType: IDR_TYPE, id: textBytes(p.idr) },
    mskKeyIdExt(p.keyDomainId, p.mskId),
    ...(p.extensions ?? []),
    kemac(p.encrAlg, p.encryptedKeyData),
  ];
  return { hdr: hdr(MIKEY_DATA_TYPE.PSK_INIT, p.csbId, p.v), payloads };
}

export interface SolicitedPullParams {
  csbId: number;
  counter: number;
  rand: Uint8Array;
  idi: string | Uint8Array;
  idr: string | Uint8Array;
  keyDomainId: Uint8Array;
  /** 0 = re-register for all services; otherwise the key group to request. */
  keyGroup: number;
  /** Defaults to AES-CM-128 (nothing is encrypted: the encr data is empty). */
  encrAlg?: number;
}

/** [R] BSM solicited pull: an MSK message with Key Number 0, empty encr data and V clear. */
export function buildSolicitedPull(p: SolicitedPullParams): MikeyMessage {
  return buildMskMessage({
    csbId: p.csbId,
    counter: p.counter,
    rand: p.rand,
    idi: p.idi,
    idr: p.idr,
    keyDomainId: p.keyDomainId,
    mskId: { keyGroup: p.keyGroup, keyNumber: 0 },
    v: false,
    encrAlg: p.encrAlg ?? MIKEY_ENCR_ALG.AES_CM_128,
    encryptedKeyData: new Uint8Array(0),
  });
}

export interface MtkMessageParams {
  csbId: number;
  counter: number;
  keyDomainId: Uint8Array;
  mskId: MskId;
  mtkId: number;
  encrAlg: number;
  encryptedKeyData: Uint8Array;
  extensions?: ExtPayload[];
}

/** [U] MTK message order: HDR, T(COUNTER), EXT(Key ID), [EXT...], KEMAC; no RAND. */
export function buildMtkMessage(p: MtkMessageParams): MikeyMessage {
  const payloads: MikeyPayload[] = [
    { type: 'T', tsType: 2, counter: p.counter },
    mtkKeyIdExt(p.keyDomainId, p.mskId, p.mtkId),
    ...(p.extensions ?? []),
    kemac(p.encrAlg, p.encryptedKeyData),
  ];
  return { hdr: hdr(MIKEY_DATA_TYPE.PSK_INIT, p.csbId, false), payloads };
}

/** [U] Verification message: HDR(data type 1, same CSB ID, V clear), T(the received counter), V. */
export function buildVerificationMessage(p: { csbId: number; counter: number }): MikeyMessage {
  return {
    hdr: hdr(MIKEY_DATA_TYPE.PSK_VERIFICATION, p.csbId, false),
    payloads: [
      { type: 'T', tsType: 2, counter: p.counter },
      { type: 'V', macAlg: MBMS_MAC_ALG, mac: zeroMac() },
    ],
  };
}
