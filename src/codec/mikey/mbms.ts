/**
 * MBMS use of MIKEY (SPEC §3.3). This is the ONE module holding the [U] project choices for MBMS
 * MIKEY messages: which Key ID sub-payloads each message carries and their sizes, the ID types the
 * builders send and the payload order of MSK / MTK / verification messages. The extension layouts
 * themselves are RFC facts and live in `extensions.ts`.
 *
 * Decoding here is length-driven and tolerant: `describeMbms` never throws; what it cannot make
 * sense of is left null and explained in `warnings`.
 */
import { DecodeError, EncodeError } from '../errors.js';
import { toHex } from '../hex.js';
import {
  MIKEY_CS_ID_MAP,
  MIKEY_DATA_TYPE,
  MIKEY_ENCR_ALG,
  MIKEY_ENCR_ALG_NAMES,
  MIKEY_EXT_TYPE,
  MIKEY_ID_TYPE,
  MIKEY_KEY_ID_TYPE,
  MIKEY_MAC,
  MIKEY_MAC_ALG,
  MIKEY_PRF_MIKEY_1,
  MIKEY_VERSION,
  nameOr,
} from './constants.js';
import { forEachKeyId, keyIdExt, type KeyIdSubPayload } from './extensions.js';
import type { ExtPayload, HdrPayload, IdPayload, KemacPayload, MikeyMessage, MikeyPayload } from './types.js';

/** [R] Key Domain ID = MCC||MNC (3), MSK ID = Key Group(2)||Key Number(2), MTK ID = 2. */
const KEY_DOMAIN_ID_LENGTH = 3;
const MSK_ID_LENGTH = 4;
const MTK_ID_LENGTH = 2;
/** [U] SPEC §3.3 "IDi (BSM NAF ID, type URI/NAI)": the builders send IDi as URI and IDr (B-TID) as NAI. */
const IDI_TYPE = MIKEY_ID_TYPE.URI;
const IDR_TYPE = MIKEY_ID_TYPE.NAI;
/** [C] HMAC-SHA-1-160 is the MAC every MBMS message carries. */
const MBMS_MAC_ALG = MIKEY_MAC_ALG.HMAC_SHA_1_160;

/** The one MSK ID value: Key Group || Key Number, 2 bytes each. */
export interface MskId {
  keyGroup: number;
  keyNumber: number;
}

/** MSK ID as the 8 hex digits of its 4 bytes (topic names, events, logs). */
export const mskIdHex = (id: MskId): string => ((id.keyGroup & 0xffff) * 0x10000 + (id.keyNumber & 0xffff)).toString(16).padStart(8, '0');

/** [R] A solicited pull for Key Group 0 asks the terminal to register for urn:allServices, not for a key group's MSKs. */
export const ALL_SERVICES_KEY_GROUP = 0;

export interface MbmsKeyIds {
  keyDomainId: Uint8Array | null;
  mskId: MskId | null;
  mtkId: number | null;
}

const u16 = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const EXPECTED_LENGTH: Readonly<Record<number, number>> = {
  [MIKEY_KEY_ID_TYPE.KEY_DOMAIN_ID]: KEY_DOMAIN_ID_LENGTH,
  [MIKEY_KEY_ID_TYPE.MSK_ID]: MSK_ID_LENGTH,
  [MIKEY_KEY_ID_TYPE.MTK_ID]: MTK_ID_LENGTH,
};
const KEY_ID_LABEL: Readonly<Record<number, string>> = { 0: 'Key Domain ID', 1: 'MSK ID', 2: 'MTK ID' };

type ReadKeyIds = MbmsKeyIds & { present: number };

/** One Key ID sub-payload (its Key ID at data[at, at + length)) into `ids`; see readMbmsKeyIds. */
function noteKeyId(ids: ReadKeyIds, warnings: string[], keyIdType: number, data: Uint8Array, at: number, length: number): void {
  const want = EXPECTED_LENGTH[keyIdType];
  const label = KEY_ID_LABEL[keyIdType];
  if (want === undefined || label === undefined) {
    warnings.push(`Key ID sub-payload of unknown type ${keyIdType} ignored`);
    return;
  }
  if (ids.present & (1 << keyIdType)) {
    warnings.push(`${label} given twice: the first is used`);
    return;
  }
  ids.present |= 1 << keyIdType;
  if (length !== want) {
    warnings.push(`${label} of length ${length} (expected ${want})`);
    return;
  }
  if (keyIdType === MIKEY_KEY_ID_TYPE.KEY_DOMAIN_ID) ids.keyDomainId = data.subarray(at, at + length);
  else if (keyIdType === MIKEY_KEY_ID_TYPE.MSK_ID) ids.mskId = { keyGroup: u16(data, at), keyNumber: u16(data, at + 2) };
  else ids.mtkId = u16(data, at);
}

const noKeyIds = (): ReadKeyIds => ({ keyDomainId: null, mskId: null, mtkId: null, present: 0 });

/**
 * [U] The MBMS reading of Key ID sub-payloads, in any order: Key Domain ID (3 bytes), MSK ID (4), MTK ID
 * (2). A sub-payload of another length, a repeated or an unknown type is explained in `warnings` (the
 * first of a type wins). `present` has bit (1 << type) set for each type that appeared, whatever its length.
 */
export function readMbmsKeyIds(subs: readonly KeyIdSubPayload[], warnings: string[]): ReadKeyIds {
  const ids = noKeyIds();
  for (const { keyIdType, keyId } of subs) noteKeyId(ids, warnings, keyIdType, keyId, 0, keyId.length);
  return ids;
}

/** readMbmsKeyIds straight from Key ID information (EXT type 3 data), without making sub-payloads. */
function readMbmsKeyIdInfo(data: Uint8Array, warnings: string[]): ReadKeyIds {
  const ids = noKeyIds();
  forEachKeyId(data, (keyIdType, at, length) => noteKeyId(ids, warnings, keyIdType, data, at, length));
  return ids;
}

function mskIdBytes(mskId: MskId): Uint8Array {
  for (const [n, v] of Object.entries(mskId)) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new EncodeError('mikey', `${n} out of range: ${v}`);
  }
  return Uint8Array.from([mskId.keyGroup >> 8, mskId.keyGroup & 0xff, mskId.keyNumber >> 8, mskId.keyNumber & 0xff]);
}

function keyDomainSub(keyDomainId: Uint8Array): KeyIdSubPayload {
  if (keyDomainId.length !== KEY_DOMAIN_ID_LENGTH) throw new EncodeError('mikey', 'Key Domain ID must be 3 bytes');
  return { keyIdType: MIKEY_KEY_ID_TYPE.KEY_DOMAIN_ID, keyId: keyDomainId };
}

/** [U] Key ID EXT of an MSK message: Key Domain ID, then MSK ID. */
export function mskKeyIdExt(keyDomainId: Uint8Array, mskId: MskId): ExtPayload {
  return keyIdExt([keyDomainSub(keyDomainId), { keyIdType: MIKEY_KEY_ID_TYPE.MSK_ID, keyId: mskIdBytes(mskId) }]);
}

/** [U] Key ID EXT of an MTK message: Key Domain ID, MSK ID, then MTK ID. */
export function mtkKeyIdExt(keyDomainId: Uint8Array, mskId: MskId, mtkId: number): ExtPayload {
  if (!Number.isInteger(mtkId) || mtkId < 0 || mtkId > 0xffff) throw new EncodeError('mikey', `MTK ID out of range: ${mtkId}`);
  return keyIdExt([
    keyDomainSub(keyDomainId),
    { keyIdType: MIKEY_KEY_ID_TYPE.MSK_ID, keyId: mskIdBytes(mskId) },
    { keyIdType: MIKEY_KEY_ID_TYPE.MTK_ID, keyId: Uint8Array.from([mtkId >> 8, mtkId & 0xff]) },
  ]);
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

/**
 * IDs are NAIs/URIs, ASCII in practice. Node's TextDecoder decodes short ASCII fastest (~90 ns for a B-TID,
 * against ~350 ns for String.fromCharCode.apply over the bytes); other bytes decode as UTF-8 with U+FFFD.
 */
const idText = (b: Uint8Array): string => utf8.decode(b);

/** One pass over the payloads: this runs on every LTKM and STKM (issue 16: as cheap as the decode). */
export function describeMbms(msg: MikeyMessage, opts: { homeKeyDomainId?: Uint8Array } = {}): MbmsInfo {
  const warnings: string[] = [];
  let t: MikeyPayload | undefined;
  let rand: Uint8Array | undefined;
  // IDi then IDr, in the order RFC 3830 sends them in an initiator's message.
  let idi: IdPayload | undefined;
  let idr: IdPayload | undefined;
  let kemac: KemacPayload | undefined;
  let keyIdExtPayload: ExtPayload | undefined;
  for (const x of msg.payloads) {
    if (x.type === 'T') t ??= x;
    else if (x.type === 'RAND') rand ??= x.rand;
    else if (x.type === 'ID') {
      if (!idi) idi = x;
      else idr ??= x;
    } else if (x.type === 'KEMAC') kemac ??= x;
    else if (x.type === 'EXT' && x.extType === MIKEY_EXT_TYPE.KEY_ID) keyIdExtPayload ??= x;
  }
  let keyIds: ReadKeyIds | null = null;
  if (keyIdExtPayload) {
    // Notes on the sub-payloads count only once the whole Key ID EXT reads: a truncated one is read as none.
    const keyIdNotes: string[] = [];
    try {
      keyIds = readMbmsKeyIdInfo(keyIdExtPayload.data, keyIdNotes);
      for (const note of keyIdNotes) warnings.push(note);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      warnings.push(`Key ID EXT: ${e.message}`);
    }
  }
  let kind: MbmsKind = 'unknown';
  if (msg.hdr.dataType === MIKEY_DATA_TYPE.PSK_VERIFICATION) kind = 'verification';
  else if (msg.hdr.dataType === MIKEY_DATA_TYPE.ERROR) kind = 'error';
  else if (msg.hdr.dataType === MIKEY_DATA_TYPE.PSK_INIT && keyIds && keyIds.present & (1 << MIKEY_KEY_ID_TYPE.MTK_ID)) kind = 'mtk';
  else if (msg.hdr.dataType === MIKEY_DATA_TYPE.PSK_INIT && keyIds && keyIds.present & (1 << MIKEY_KEY_ID_TYPE.MSK_ID)) kind = 'msk';
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
    tsCounter: t?.type === 'T' && t.tsType === 2 ? t.counter : null,
    rand: rand ? toHex(rand) : null,
    idi: idi ? idText(idi.id) : null,
    idr: idr ? idText(idr.id) : null,
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
