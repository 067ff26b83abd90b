/**
 * WSP basic data types (WAP-230 §8.1.2, §8.4.2.1-3): uintvar, Short-/Long-integer, text strings,
 * Value-length. Readers work on a ByteReader (so every overrun is a DecodeError with its offset);
 * writers return bytes and throw EncodeError for values the wire format cannot carry.
 */
import { EncodeError } from '../errors.js';
import type { ByteReader } from '../reader.js';

/** A uintvar carries at most 32 bits in at most 5 octets. */
const MAX_UINTVAR_OCTETS = 5;
const MAX_UINTVAR = 0xffffffff;
/** Value-length 0..30 fits the first octet; 31 (Length-quote) announces a uintvar. */
export const SHORT_LENGTH_MAX = 30;
export const LENGTH_QUOTE = 31;
/** Text-string Quote: precedes text whose first octet is >= 0x80. */
export const TEXT_QUOTE = 0x7f;
/** Quoted-string marker. */
export const QUOTE_CHAR = 0x22;
const MAX_LONG_INTEGER_OCTETS = 30;

const utf8 = new TextDecoder('utf-8');
const utf8enc = new TextEncoder();

export function readUintvar(r: ByteReader, what: string): number {
  const start = r.offset;
  let v = 0;
  for (let i = 0; i < MAX_UINTVAR_OCTETS; i++) {
    const b = r.u8(what);
    v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (v > MAX_UINTVAR) return r.fail('overlong', `${what}: uintvar exceeds 32 bits`, start);
      return v;
    }
  }
  return r.fail('overlong', `${what}: uintvar longer than ${MAX_UINTVAR_OCTETS} octets`, start);
}

export function writeUintvar(v: number): Uint8Array {
  if (!Number.isInteger(v) || v < 0 || v > MAX_UINTVAR) throw new EncodeError('wsp', `uintvar out of range: ${v}`);
  const out = [v & 0x7f];
  for (let rest = Math.floor(v / 128); rest > 0; rest = Math.floor(rest / 128)) out.unshift(0x80 | (rest & 0x7f));
  return Uint8Array.from(out);
}

/** Value-length (§8.4.2.2): returns the number of data octets that follow. */
export function readValueLength(r: ByteReader, what: string): number {
  const at = r.offset;
  const b = r.u8(what);
  if (b <= SHORT_LENGTH_MAX) return b;
  if (b === LENGTH_QUOTE) return readUintvar(r, what);
  return r.fail('bad-value', `${what}: 0x${b.toString(16)} is not a value-length`, at);
}

export function writeValueLength(n: number): Uint8Array {
  return n <= SHORT_LENGTH_MAX ? Uint8Array.of(n) : concatBytes([Uint8Array.of(LENGTH_QUOTE), writeUintvar(n)]);
}

/** Long-integer (§8.4.2.1): Short-length (1..30) then that many big-endian octets. */
export function readLongInteger(r: ByteReader, what: string): bigint {
  const at = r.offset;
  const len = r.u8(what);
  if (len < 1 || len > MAX_LONG_INTEGER_OCTETS) {
    return r.fail('bad-value', `${what}: long-integer length ${len} not in 1..30`, at);
  }
  let v = 0n;
  for (const b of r.take(len, what)) v = (v << 8n) | BigInt(b);
  return v;
}

/** Integer-value: Short-integer (0x80|v) or Long-integer. */
export function readIntegerValue(r: ByteReader, what: string): bigint {
  const b = r.peekU8(what);
  if (b & 0x80) {
    r.u8(what);
    return BigInt(b & 0x7f);
  }
  return readLongInteger(r, what);
}

/** True when the octet starts an Integer-value (short or long). */
export function startsInteger(b: number): boolean {
  return b >= 0x80 || (b >= 1 && b <= SHORT_LENGTH_MAX);
}

export function writeLongInteger(v: bigint | number): Uint8Array {
  let n = BigInt(v);
  if (n < 0n) throw new EncodeError('wsp', `negative integer ${n}`);
  const octets: number[] = [];
  do {
    octets.unshift(Number(n & 0xffn));
    n >>= 8n;
  } while (n > 0n);
  if (octets.length > MAX_LONG_INTEGER_OCTETS) throw new EncodeError('wsp', `integer too large for a long-integer`);
  return Uint8Array.from([octets.length, ...octets]);
}

/** Integer-value in its shortest form. */
export function writeIntegerValue(v: bigint | number): Uint8Array {
  const n = BigInt(v);
  return n >= 0n && n < 128n ? Uint8Array.of(0x80 | Number(n)) : writeLongInteger(n);
}

/** Reads octets up to (and consuming) the NUL terminator. */
function readUntilNul(r: ByteReader, what: string): Uint8Array {
  const rest = r.bytes.subarray(r.offset);
  const end = rest.indexOf(0);
  if (end < 0) return r.fail('truncated', `${what}: text not terminated by NUL`);
  const text = r.take(end, what);
  r.skip(1, what);
  return text;
}

/** Text-string: optional 0x7F quote, TEXT, NUL. */
export function readTextString(r: ByteReader, what: string): string {
  if (r.peekU8(what) === TEXT_QUOTE) r.u8(what);
  return utf8.decode(readUntilNul(r, what));
}

/** Token-text (header / parameter names): TEXT, NUL, no quote. */
export function readTokenText(r: ByteReader, what: string): string {
  return utf8.decode(readUntilNul(r, what));
}

/** Text-value: No-value (NUL) | Quoted-string (0x22 TEXT NUL) | Token-text. A 0x7F quote is tolerated. */
export function readTextValue(r: ByteReader, what: string): string {
  const b = r.peekU8(what);
  if (b === 0) {
    r.u8(what);
    return '';
  }
  if (b === QUOTE_CHAR || b === TEXT_QUOTE) r.u8(what);
  return utf8.decode(readUntilNul(r, what));
}

/** Reads a Quoted-string, tolerating a missing leading quote. */
export function readQuotedString(r: ByteReader, what: string): string {
  if (r.peekU8(what) === QUOTE_CHAR) r.u8(what);
  return utf8.decode(readUntilNul(r, what));
}

function textBytes(s: string, what: string): Uint8Array {
  const b = utf8enc.encode(s);
  if (b.includes(0)) throw new EncodeError('wsp', `${what}: text contains a NUL character`);
  return b;
}

/** Text-string: quoted with 0x7F when the first octet is >= 0x7F; control first octets cannot be sent. */
export function writeTextString(s: string, what: string): Uint8Array {
  const b = textBytes(s, what);
  if (b.length > 0 && b[0]! < 0x20) throw new EncodeError('wsp', `${what}: text may not start with a control character`);
  const quote = b.length > 0 && b[0]! >= TEXT_QUOTE ? [TEXT_QUOTE] : [];
  return Uint8Array.from([...quote, ...b, 0]);
}

/** Token-text: must start with a printable ASCII octet (anything else means something else on the wire). */
export function writeTokenText(s: string, what: string): Uint8Array {
  const b = textBytes(s, what);
  if (b.length === 0 || b[0]! < 0x20 || b[0]! >= TEXT_QUOTE) {
    throw new EncodeError('wsp', `${what}: token must start with printable ASCII: ${JSON.stringify(s)}`);
  }
  return Uint8Array.from([...b, 0]);
}

/** Text-value: '' is No-value; text the decoder would misread as a token is sent as a Quoted-string. */
export function writeTextValue(s: string, what: string): Uint8Array {
  const b = textBytes(s, what);
  if (b.length === 0) return Uint8Array.of(0);
  const first = b[0]!;
  const quoted = first === QUOTE_CHAR || first < 0x20 || first >= TEXT_QUOTE;
  return Uint8Array.from([...(quoted ? [QUOTE_CHAR] : []), ...b, 0]);
}

export function writeQuotedString(s: string, what: string): Uint8Array {
  return Uint8Array.from([QUOTE_CHAR, ...textBytes(s, what), 0]);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Decimal digits without leading zeros: the strings an Integer-value round-trips through. */
export function isDecimal(s: string): boolean {
  return /^(0|[1-9][0-9]*)$/.test(s);
}
