/** Views of a MIKEY message for `bcastctl decode mikey`: a JSON object and an indented text tree. */
import { toHex } from '../hex.js';
import {
  MIKEY_CS_ID_MAP_NAMES,
  MIKEY_DATA_TYPE_NAMES,
  MIKEY_ENCR_ALG_NAMES,
  MIKEY_ERROR_NAMES,
  MIKEY_EXT_NAMES,
  MIKEY_ID_TYPE_NAMES,
  MIKEY_KEY_TYPES,
  MIKEY_KV_NAMES,
  MIKEY_MAC,
  MIKEY_TS,
  nameOr,
} from './constants.js';
import { decodeMikey } from './decode.js';
import { describeExtension } from './extensions.js';
import { describeMbms, type MbmsInfo } from './mbms.js';
import type { CsIdMap, HdrPayload, KeyData, MikeyMessage, MikeyPayload } from './types.js';

type Json = Record<string, unknown>;

const utf8 = new TextDecoder('utf-8');
const macName = (alg: number) => MIKEY_MAC.get(alg)?.name ?? alg;
/** Printable ASCII shows as text; anything else as hex only. */
const printable = (b: Uint8Array) => b.every((c) => c >= 0x20 && c < 0x7f);

function csIdMapJson(map: CsIdMap): unknown[] {
  if (map.mapType === 0) return map.srtp.map((cs) => ({ ...cs }));
  if (map.mapType === 2) {
    return map.generic.map((cs) => ({
      csId: cs.csId,
      protType: cs.protType,
      s: cs.s,
      policies: [...cs.policies],
      sessionData: toHex(cs.sessionData),
      spi: toHex(cs.spi),
    }));
  }
  return [];
}

const csCount = (map: CsIdMap) => (map.mapType === 0 ? map.srtp.length : map.mapType === 2 ? map.generic.length : map.csCount);

function hdrJson(h: HdrPayload): Json {
  return {
    type: 'HDR',
    version: h.version,
    dataType: nameOr(MIKEY_DATA_TYPE_NAMES, h.dataType),
    v: h.v,
    prf: h.prf,
    csbId: h.csbId,
    csCount: csCount(h.csIdMap),
    csIdMapType: h.csIdMap.mapType,
    csIdMap: csIdMapJson(h.csIdMap),
  };
}

function keyDataJson(k: KeyData): Json {
  const kv: Json = { kvType: nameOr(MIKEY_KV_NAMES, k.kv.kvType) };
  if (k.kv.kvType === 1) kv['spi'] = toHex(k.kv.spi);
  if (k.kv.kvType === 2) Object.assign(kv, { vf: toHex(k.kv.vf), vt: toHex(k.kv.vt) });
  return {
    keyType: MIKEY_KEY_TYPES.get(k.keyType)?.name ?? k.keyType,
    key: toHex(k.key),
    ...(k.salt ? { salt: toHex(k.salt) } : {}),
    kv,
  };
}

function payloadJson(p: MikeyPayload): Json {
  switch (p.type) {
    case 'T':
      return p.tsType === 2
        ? { type: 'T', tsType: 'COUNTER', counter: p.counter }
        : { type: 'T', tsType: MIKEY_TS.get(p.tsType)!.name, ntp: p.ntp.toString(16).padStart(16, '0') };
    case 'RAND':
      return { type: 'RAND', rand: toHex(p.rand) };
    case 'ID':
      return {
        type: 'ID',
        idType: nameOr(MIKEY_ID_TYPE_NAMES, p.idType),
        id: printable(p.id) ? utf8.decode(p.id) : null,
        idHex: toHex(p.id),
      };
    case 'KEMAC':
      return {
        type: 'KEMAC',
        encrAlg: nameOr(MIKEY_ENCR_ALG_NAMES, p.encrAlg),
        encrDataLength: p.encrData.length,
        encrData: toHex(p.encrData),
        ...(p.keyData ? { keyData: p.keyData.map(keyDataJson) } : {}),
        macAlg: macName(p.macAlg),
        mac: toHex(p.mac),
        ...(p.macOffset !== undefined ? { macOffset: p.macOffset } : {}),
      };
    case 'V':
      return {
        type: 'V',
        macAlg: macName(p.macAlg),
        mac: toHex(p.mac),
        ...(p.macOffset !== undefined ? { macOffset: p.macOffset } : {}),
      };
    case 'SP':
      return { type: 'SP', policyNo: p.policyNo, protType: p.protType, params: toHex(p.params) };
    case 'ERR':
      return { type: 'ERR', errNo: p.errNo, error: MIKEY_ERROR_NAMES.get(p.errNo) ?? null, reserved: p.reserved };
    case 'EXT':
      return {
        type: 'EXT',
        extType: p.extType,
        ...(MIKEY_EXT_NAMES.has(p.extType) ? { name: MIKEY_EXT_NAMES.get(p.extType) } : {}),
        ...(describeExtension(p) ?? {}),
        data: toHex(p.data),
      };
  }
}

export interface MikeyJson extends Omit<MbmsInfo, 'warnings'> {
  version: number;
  dataType: string | number;
  v: boolean;
  prf: number;
  csbId: number;
  csIdMapType: number;
  csCount: number;
  payloads: Json[];
  warnings: string[];
}

/** Header fields, every payload in order (HDR first) and the MBMS reading of the message. */
export function mikeyToJson(input: Uint8Array | MikeyMessage, opts: { homeKeyDomainId?: Uint8Array } = {}): MikeyJson {
  const msg = input instanceof Uint8Array ? decodeMikey(input) : input;
  const h = msg.hdr;
  const mbms = describeMbms(msg, opts);
  return {
    version: h.version,
    dataType: nameOr(MIKEY_DATA_TYPE_NAMES, h.dataType),
    v: h.v,
    prf: h.prf,
    csbId: h.csbId,
    csIdMapType: h.csIdMap.mapType,
    csCount: csCount(h.csIdMap),
    payloads: [hdrJson(h), ...msg.payloads.map(payloadJson)],
    ...mbms,
  };
}

function fmt(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Human-readable: one line per payload with its fields, key data indented below KEMAC. */
export function renderMikeyTree(msg: MikeyMessage, opts: { homeKeyDomainId?: Uint8Array } = {}): string[] {
  const h = msg.hdr;
  const lines = [
    `MIKEY v${h.version} ${nameOr(MIKEY_DATA_TYPE_NAMES, h.dataType)} V=${h.v ? 1 : 0} PRF=${h.prf} ` +
      `CSB ID=0x${h.csbId.toString(16).padStart(8, '0')} #CS=${csCount(h.csIdMap)} ` +
      `map=${nameOr(MIKEY_CS_ID_MAP_NAMES, h.csIdMap.mapType)}`,
  ];
  for (const p of msg.payloads) {
    const { type, keyData, ...fields } = payloadJson(p);
    lines.push(`  ${String(type)}: ${Object.entries(fields).map(([k, v]) => `${k}=${fmt(v)}`).join(' ')}`);
    if (Array.isArray(keyData)) {
      for (const k of keyData as Json[]) lines.push(`    key data: ${Object.entries(k).map(([n, v]) => `${n}=${fmt(v)}`).join(' ')}`);
    }
  }
  const m = describeMbms(msg, opts);
  const mskId = m.mskId ? `${m.mskId.keyGroup}/${m.mskId.keyNumber}` : '-';
  lines.push(
    `  MBMS: ${m.kind} keyDomainId=${fmt(m.keyDomainId)} MSK ID (group/number)=${mskId} MTK ID=${fmt(m.mtkId)} ` +
      `counter=${fmt(m.tsCounter)}${m.solicitedPull ? ' SOLICITED PULL' : ''}`,
  );
  for (const w of m.warnings) lines.push(`  warning: ${w}`);
  return lines;
}
