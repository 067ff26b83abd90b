/**
 * MIKEY encoder: the exact inverse of `decode.ts` (encode(decode(x)) reproduces x). Each payload is
 * encoded with the type of the payload after it as its next-payload byte. `mikeyLayout` also reports
 * where the MAC field lands so callers can MAC the encoded bytes (see mac.ts).
 */
import { EncodeError } from '../errors.js';
import {
  MIKEY_KEY_TYPES,
  MIKEY_MAC,
  MIKEY_PAYLOAD,
  MIKEY_TS,
} from './constants.js';
import type { CsIdMap, HdrPayload, KeyData, KeyValidity, MikeyMessage, MikeyPayload } from './types.js';

/** Growable byte writer with range-checked fields. */
class Writer {
  private readonly out: number[] = [];
  private check(v: number, max: number, what: string): number {
    if (!Number.isInteger(v) || v < 0 || v > max) throw new EncodeError('mikey', `${what} out of range: ${v}`);
    return v;
  }
  u8(v: number, what: string): this {
    this.out.push(this.check(v, 0xff, what));
    return this;
  }
  u16(v: number, what: string): this {
    this.check(v, 0xffff, what);
    this.out.push(v >> 8, v & 0xff);
    return this;
  }
  u32(v: number, what: string): this {
    this.check(v, 0xffffffff, what);
    this.out.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
    return this;
  }
  bytes(b: Uint8Array): this {
    for (const x of b) this.out.push(x);
    return this;
  }
  /** Length field of `lenBytes` octets followed by the data. */
  lv(b: Uint8Array, lenBytes: 1 | 2, what: string): this {
    return (lenBytes === 1 ? this.u8(b.length, `${what} length`) : this.u16(b.length, `${what} length`)).bytes(b);
  }
  done(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

const PAYLOAD_CODE: Record<MikeyPayload['type'], number> = {
  T: MIKEY_PAYLOAD.T,
  RAND: MIKEY_PAYLOAD.RAND,
  ID: MIKEY_PAYLOAD.ID,
  KEMAC: MIKEY_PAYLOAD.KEMAC,
  V: MIKEY_PAYLOAD.V,
  SP: MIKEY_PAYLOAD.SP,
  ERR: MIKEY_PAYLOAD.ERR,
  EXT: MIKEY_PAYLOAD.EXT,
};

function csCount(map: CsIdMap): number {
  if (map.mapType === 0) return map.srtp.length;
  if (map.mapType === 2) return map.generic.length;
  return map.csCount;
}

function encodeHdr(h: HdrPayload, next: number): Uint8Array {
  const w = new Writer().u8(h.version, 'version').u8(h.dataType, 'data type').u8(next, 'next payload');
  if (!Number.isInteger(h.prf) || h.prf < 0 || h.prf > 0x7f) throw new EncodeError('mikey', `PRF out of range: ${h.prf}`);
  w.u8((h.v ? 0x80 : 0) | h.prf, 'V/PRF');
  w.u32(h.csbId, 'CSB ID').u8(csCount(h.csIdMap), '#CS').u8(h.csIdMap.mapType, 'CS ID map type');
  const map = h.csIdMap;
  if (map.mapType === 0) {
    for (const cs of map.srtp) w.u8(cs.policyNo, 'policy no').u32(cs.ssrc, 'SSRC').u32(cs.roc, 'ROC');
  } else if (map.mapType === 2) {
    for (const cs of map.generic) {
      if (cs.policies.length > 0x7f) throw new EncodeError('mikey', `#P out of range: ${cs.policies.length}`);
      w.u8(cs.csId, 'CS ID').u8(cs.protType, 'Prot type').u8((cs.s ? 0x80 : 0) | cs.policies.length, 'S/#P');
      w.bytes(cs.policies).lv(cs.sessionData, 2, 'session data').lv(cs.spi, 1, 'SPI');
    }
  }
  return w.done();
}

function encodeMac(w: Writer, macAlg: number, mac: Uint8Array): void {
  const spec = MIKEY_MAC.get(macAlg);
  if (!spec) throw new EncodeError('mikey', `unknown MAC algorithm ${macAlg}`);
  if (mac.length !== spec.length) {
    throw new EncodeError('mikey', `${spec.name} MAC must be ${spec.length} bytes, got ${mac.length}`);
  }
  w.u8(macAlg, 'MAC alg').bytes(mac);
}

function encodeKv(w: Writer, kv: KeyValidity): void {
  if (kv.kvType === 1) w.lv(kv.spi, 1, 'SPI');
  else if (kv.kvType === 2) w.lv(kv.vf, 1, 'VF').lv(kv.vt, 1, 'VT');
}

/** Encodes key data sub-payloads as one chain (what a KEMAC's encr data holds before encryption). */
export function encodeKeyData(list: readonly KeyData[]): Uint8Array {
  const w = new Writer();
  list.forEach((k, i) => {
    const spec = MIKEY_KEY_TYPES.get(k.keyType);
    if (!spec) throw new EncodeError('mikey', `unknown key data type ${k.keyType}`);
    if (spec.salt !== (k.salt !== undefined)) {
      throw new EncodeError('mikey', `key data type ${spec.name} ${spec.salt ? 'needs' : 'takes no'} salt`);
    }
    const next = i === list.length - 1 ? MIKEY_PAYLOAD.LAST : MIKEY_PAYLOAD.KEY_DATA;
    w.u8(next, 'next payload').u8((k.keyType << 4) | k.kv.kvType, 'type/KV');
    if (k.kv.kvType > 2) throw new EncodeError('mikey', `unknown key validity type ${k.kv.kvType}`);
    w.lv(k.key, 2, 'key');
    if (k.salt) w.lv(k.salt, 2, 'salt');
    encodeKv(w, k.kv);
  });
  return w.done();
}

function encodePayload(p: MikeyPayload, next: number): Uint8Array {
  const w = new Writer().u8(next, 'next payload');
  switch (p.type) {
    case 'T': {
      const spec = MIKEY_TS.get(p.tsType);
      if (!spec) throw new EncodeError('mikey', `unknown TS type ${String(p.tsType)}`);
      w.u8(p.tsType, 'TS type');
      if (p.tsType === 2) w.u32(p.counter, 'TS counter');
      else {
        if (p.ntp < 0n || p.ntp > 0xffffffffffffffffn) throw new EncodeError('mikey', `NTP timestamp out of range`);
        w.u32(Number(p.ntp >> 32n), 'NTP').u32(Number(p.ntp & 0xffffffffn), 'NTP');
      }
      break;
    }
    case 'RAND':
      w.lv(p.rand, 1, 'RAND');
      break;
    case 'ID':
      w.u8(p.idType, 'ID type').lv(p.id, 2, 'ID');
      break;
    case 'KEMAC':
      w.u8(p.encrAlg, 'encr alg').lv(p.encrData, 2, 'encr data');
      encodeMac(w, p.macAlg, p.mac);
      break;
    case 'V':
      encodeMac(w, p.macAlg, p.mac);
      break;
    case 'SP':
      w.u8(p.policyNo, 'policy no').u8(p.protType, 'prot type').lv(p.params, 2, 'policy param');
      break;
    case 'ERR':
      w.u8(p.errNo, 'error no').u16(p.reserved, 'reserved');
      break;
    case 'EXT':
      w.u8(p.extType, 'EXT type').lv(p.data, 2, 'EXT data');
      break;
  }
  return w.done();
}

export interface MikeyLayout {
  /** HDR then each payload, encoded. */
  parts: Uint8Array[];
  length: number;
  /** Where the MAC of the last KEMAC or V payload sits in the encoded message, or null. */
  mac: { offset: number; length: number } | null;
}

export function mikeyLayout(msg: MikeyMessage): MikeyLayout {
  const codes = msg.payloads.map((p) => {
    const code = PAYLOAD_CODE[p.type];
    if (code === undefined) throw new EncodeError('mikey', `unknown payload ${String((p as { type: unknown }).type)}`);
    return code;
  });
  const parts = [encodeHdr(msg.hdr, codes[0] ?? MIKEY_PAYLOAD.LAST)];
  let length = parts[0]!.length;
  let mac: MikeyLayout['mac'] = null;
  msg.payloads.forEach((p, i) => {
    const part = encodePayload(p, codes[i + 1] ?? MIKEY_PAYLOAD.LAST);
    // KEMAC and V both end with their MAC field.
    if (p.type === 'KEMAC' || p.type === 'V') mac = { offset: length + part.length - p.mac.length, length: p.mac.length };
    parts.push(part);
    length += part.length;
  });
  return { parts, length, mac };
}

export function encodeMikey(msg: MikeyMessage): Uint8Array {
  const { parts, length } = mikeyLayout(msg);
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
