/**
 * MIKEY decoder (RFC 3830 §6). MIKEY payloads carry no length of their own, so each type must be
 * understood to find the next one: an unknown payload type, map type, TS type or MAC algorithm is a
 * DecodeError('unsupported'). The chain must end with next payload 0 exactly at the end of input.
 */
import { ByteReader } from '../reader.js';
import {
  MIKEY_CS_ID_MAP,
  MIKEY_KEY_TYPES,
  MIKEY_KV,
  MIKEY_MAC,
  MIKEY_PAYLOAD,
  MIKEY_ENCR_ALG,
  MIKEY_VERSION,
  SRTP_ID_ENTRY_LENGTH,
} from './constants.js';
import type {
  CsIdMap,
  GenericCs,
  HdrPayload,
  KeyData,
  KeyValidity,
  MikeyMessage,
  MikeyPayload,
  SrtpCs,
  TPayload,
} from './types.js';

const copy = (r: ByteReader, n: number, what: string) => r.take(n, what).slice();

function readCsIdMap(r: ByteReader, count: number): CsIdMap {
  const at = r.offset;
  const mapType = r.u8('CS ID map type');
  switch (mapType) {
    case MIKEY_CS_ID_MAP.SRTP_ID: {
      r.need(count * SRTP_ID_ENTRY_LENGTH, 'SRTP-ID map');
      const srtp: SrtpCs[] = [];
      for (let i = 0; i < count; i++) srtp.push({ policyNo: r.u8(), ssrc: r.u32(), roc: r.u32() });
      return { mapType, srtp };
    }
    case MIKEY_CS_ID_MAP.EMPTY:
      return { mapType, csCount: count };
    case MIKEY_CS_ID_MAP.GENERIC_ID: {
      const generic: GenericCs[] = [];
      for (let i = 0; i < count; i++) {
        const csId = r.u8('CS ID');
        const protType = r.u8('Prot type');
        const sp = r.u8('S/#P');
        const policies = copy(r, sp & 0x7f, 'policies');
        const sessionData = copy(r, r.u16('session data length'), 'session data');
        const spi = copy(r, r.u8('SPI length'), 'SPI');
        generic.push({ csId, protType, s: (sp & 0x80) !== 0, policies, sessionData, spi });
      }
      return { mapType, generic };
    }
    default:
      return r.fail('unsupported', `CS ID map type ${mapType}`, at);
  }
}

function readHdr(r: ByteReader): { hdr: HdrPayload; next: number } {
  const version = r.u8('HDR version');
  if (version !== MIKEY_VERSION) return r.fail('unsupported', `MIKEY version ${version}`, 0);
  const dataType = r.u8('data type');
  const next = r.u8('next payload');
  const vPrf = r.u8('V/PRF');
  const csbId = r.u32('CSB ID');
  const count = r.u8('#CS');
  const csIdMap = readCsIdMap(r, count);
  return { hdr: { type: 'HDR', version, dataType, v: (vPrf & 0x80) !== 0, prf: vPrf & 0x7f, csbId, csIdMap }, next };
}

function readMac(r: ByteReader): { macAlg: number; mac: Uint8Array; macOffset: number } {
  const at = r.offset;
  const macAlg = r.u8('MAC alg');
  const spec = MIKEY_MAC.get(macAlg);
  if (!spec) return r.fail('unsupported', `MAC algorithm ${macAlg}`, at);
  const macOffset = r.absoluteOffset;
  return { macAlg, mac: copy(r, spec.length, 'MAC'), macOffset };
}

function readKeyValidity(r: ByteReader, kvType: number, at: number): KeyValidity {
  switch (kvType) {
    case MIKEY_KV.NULL:
      return { kvType };
    case MIKEY_KV.SPI:
      return { kvType, spi: copy(r, r.u8('SPI length'), 'SPI') };
    case MIKEY_KV.INTERVAL: {
      const vf = copy(r, r.u8('VF length'), 'VF');
      return { kvType, vf, vt: copy(r, r.u8('VT length'), 'VT') };
    }
    default:
      return r.fail('unsupported', `key validity type ${kvType}`, at);
  }
}

/**
 * Decodes plain key data sub-payloads (KEMAC encr data with NULL encryption, or after the caller
 * decrypted it). Empty input holds no key. `base` is the offset of `plain` in a larger input, for errors.
 */
export function decodeKeyData(plain: Uint8Array, base = 0): KeyData[] {
  const r = new ByteReader(plain, 'mikey', base);
  const out: KeyData[] = [];
  while (!r.atEnd) {
    const at = r.offset;
    const next = r.u8('key data next payload');
    const typeKv = r.u8('key data type/KV');
    const keyType = typeKv >> 4;
    const spec = MIKEY_KEY_TYPES.get(keyType);
    if (!spec) return r.fail('unsupported', `key data type ${keyType}`, at + 1);
    const key = copy(r, r.u16('key length'), 'key');
    const salt = spec.salt ? copy(r, r.u16('salt length'), 'salt') : undefined;
    const kv = readKeyValidity(r, typeKv & 0x0f, at + 1);
    out.push(salt ? { keyType, key, salt, kv } : { keyType, key, kv });
    if (next === MIKEY_PAYLOAD.LAST) {
      if (!r.atEnd) return r.fail('trailing', `${r.remaining} byte(s) after the last key data sub-payload`);
      break;
    }
    if (next !== MIKEY_PAYLOAD.KEY_DATA) return r.fail('bad-value', `key data followed by payload type ${next}`, at);
  }
  return out;
}

function readPayload(r: ByteReader, type: number): { payload: MikeyPayload; next: number } {
  const at = r.offset;
  switch (type) {
    case MIKEY_PAYLOAD.T: {
      const next = r.u8('next payload');
      const tsAt = r.offset;
      const tsType = r.u8('TS type');
      let payload: TPayload;
      // TS types (constants.ts MIKEY_TS): 2 COUNTER is 32 bits, 0 NTP-UTC and 1 NTP are 64 bits.
      if (tsType === 2) payload = { type: 'T', tsType, counter: r.u32('TS value') };
      else if (tsType === 0 || tsType === 1) {
        const hi = r.u32('TS value');
        payload = { type: 'T', tsType, ntp: (BigInt(hi) << 32n) | BigInt(r.u32('TS value')) };
      } else return r.fail('unsupported', `TS type ${tsType}`, tsAt);
      return { payload, next };
    }
    case MIKEY_PAYLOAD.RAND: {
      const next = r.u8('next payload');
      return { payload: { type: 'RAND', rand: copy(r, r.u8('RAND length'), 'RAND') }, next };
    }
    case MIKEY_PAYLOAD.ID: {
      const next = r.u8('next payload');
      const idType = r.u8('ID type');
      return { payload: { type: 'ID', idType, id: copy(r, r.u16('ID length'), 'ID') }, next };
    }
    case MIKEY_PAYLOAD.KEMAC: {
      const next = r.u8('next payload');
      const encrAlg = r.u8('encr alg');
      const len = r.u16('encr data length');
      const encrAt = r.absoluteOffset;
      const encrData = copy(r, len, 'encr data');
      const mac = readMac(r);
      const payload =
        encrAlg === MIKEY_ENCR_ALG.NULL
          ? { type: 'KEMAC' as const, encrAlg, encrData, keyData: decodeKeyData(encrData, encrAt), ...mac }
          : { type: 'KEMAC' as const, encrAlg, encrData, ...mac };
      return { payload, next };
    }
    case MIKEY_PAYLOAD.V: {
      const next = r.u8('next payload');
      return { payload: { type: 'V', ...readMac(r) }, next };
    }
    case MIKEY_PAYLOAD.SP: {
      const next = r.u8('next payload');
      const policyNo = r.u8('policy no');
      const protType = r.u8('prot type');
      return { payload: { type: 'SP', policyNo, protType, params: copy(r, r.u16('policy param length'), 'policy param') }, next };
    }
    case MIKEY_PAYLOAD.ERR: {
      const next = r.u8('next payload');
      return { payload: { type: 'ERR', errNo: r.u8('error no'), reserved: r.u16('reserved') }, next };
    }
    case MIKEY_PAYLOAD.EXT: {
      const next = r.u8('next payload');
      const extType = r.u8('EXT type');
      return { payload: { type: 'EXT', extType, data: copy(r, r.u16('EXT length'), 'EXT data') }, next };
    }
    default: {
      const name = Object.entries(MIKEY_PAYLOAD).find(([, v]) => v === type)?.[0];
      return r.fail('unsupported', `payload type ${type}${name ? ` (${name})` : ''}`, at);
    }
  }
}

/**
 * How many times decodeMikey has run in this process: a statistic only (the daemon's health shows it), so that a
 * test can hold the LTKM path to one decode per message. Never read by the codec itself.
 */
let decodes = 0;

export function mikeyDecodeCount(): number {
  return decodes;
}

export function decodeMikey(bytes: Uint8Array): MikeyMessage {
  decodes++;
  const r = new ByteReader(bytes, 'mikey');
  const { hdr, next: first } = readHdr(r);
  const payloads: MikeyPayload[] = [];
  for (let next = first; next !== MIKEY_PAYLOAD.LAST; ) {
    const step = readPayload(r, next);
    payloads.push(step.payload);
    next = step.next;
  }
  if (!r.atEnd) r.fail('trailing', `${r.remaining} byte(s) after the last payload`);
  return { hdr, payloads };
}
