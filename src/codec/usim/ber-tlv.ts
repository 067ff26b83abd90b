/**
 * BER-TLV as smart cards use it (ISO/IEC 7816-4 §5.2, ETSI TS 102 221 Annex D): tags of 1..3 bytes,
 * definite lengths of 1..3 bytes (`81 xx`, `82 xx xx`). 00 and FF between or after data objects are
 * padding (records of linear fixed EFs are FF-filled).
 */
import { DecodeError, EncodeError } from '../errors.js';
import { ByteReader } from '../reader.js';
import { USIM_CODEC } from './codec-name.js';

export interface Tlv {
  /** Tag bytes as one number (e.g. 0x62, 0x5f2d). */
  tag: number;
  value: Uint8Array;
  /** Offset of the tag in the outermost input. */
  offset: number;
  /** Offset of the value in the outermost input (for nested decoding and error offsets). */
  valueOffset: number;
}

function readTag(r: ByteReader): number {
  let tag = r.u8('tag');
  if ((tag & 0x1f) !== 0x1f) return tag;
  for (let i = 0; i < 2; i++) {
    const b = r.u8('tag');
    tag = (tag << 8) | b;
    if ((b & 0x80) === 0) return tag;
  }
  return r.fail('unsupported', 'tag longer than 3 bytes', r.offset - 3);
}

function readLength(r: ByteReader): number {
  const first = r.u8('length');
  if (first < 0x80) return first;
  if (first === 0x81) return r.u8('length');
  if (first === 0x82) return r.u16('length');
  if (first === 0x83) return (r.u8('length') << 16) | r.u16('length');
  return r.fail('bad-value', `unsupported length byte 0x${first.toString(16)}`, r.offset - 1);
}

/** Decodes consecutive data objects; stops at padding (00/FF where a tag would start) when allowed. */
export function decodeTlvs(bytes: Uint8Array, base = 0, opts: { padding?: boolean } = { padding: true }): Tlv[] {
  const r = new ByteReader(bytes, USIM_CODEC, base);
  const out: Tlv[] = [];
  while (!r.atEnd) {
    const b = r.peekU8();
    if (opts.padding !== false && (b === 0xff || b === 0x00)) {
      r.skip(1);
      continue;
    }
    const offset = r.absoluteOffset;
    const tag = readTag(r);
    const len = readLength(r);
    const valueOffset = r.absoluteOffset;
    out.push({ tag, value: r.take(len, `value of tag ${hexTag(tag)}`), offset, valueOffset });
  }
  return out;
}

/** Decodes exactly one data object with the expected tag and returns its value's inner objects. */
export function decodeConstructed(bytes: Uint8Array, tag: number, what: string, base = 0): { outer: Tlv; inner: Tlv[] } {
  const list = decodeTlvs(bytes, base);
  const outer = list[0];
  if (!outer || outer.tag !== tag) {
    throw new DecodeError(USIM_CODEC, 'bad-tag', `${what}: expected tag ${hexTag(tag)}, got ${outer ? hexTag(outer.tag) : 'nothing'}`, base);
  }
  return { outer, inner: decodeTlvs(outer.value, outer.valueOffset) };
}

export const hexTag = (tag: number): string => tag.toString(16).padStart(2, '0').toUpperCase();

export function findTlv(list: readonly Tlv[], tag: number): Tlv | undefined {
  return list.find((t) => t.tag === tag);
}

export function requireTlv(list: readonly Tlv[], tag: number, what: string, at = 0): Tlv {
  const t = findTlv(list, tag);
  if (!t) throw new DecodeError(USIM_CODEC, 'missing', `${what} (tag ${hexTag(tag)}) missing`, at);
  return t;
}

function tagBytes(tag: number): number[] {
  if (!Number.isInteger(tag) || tag <= 0 || tag > 0xffffff) throw new EncodeError(USIM_CODEC, `bad tag ${tag}`);
  if (tag > 0xffff) return [tag >> 16, (tag >> 8) & 0xff, tag & 0xff];
  if (tag > 0xff) return [tag >> 8, tag & 0xff];
  return [tag];
}

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  if (n <= 0xff) return [0x81, n];
  if (n <= 0xffff) return [0x82, n >> 8, n & 0xff];
  throw new EncodeError(USIM_CODEC, `TLV value of ${n} bytes is too long`);
}

export function encodeTlv(tag: number, value: Uint8Array): Uint8Array {
  const head = [...tagBytes(tag), ...lengthBytes(value.length)];
  const out = new Uint8Array(head.length + value.length);
  out.set(head);
  out.set(value, head.length);
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
