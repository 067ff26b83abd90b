import { EncodeError } from '../errors.js';
import { SMS } from './constants.js';

/**
 * GSM 7-bit default alphabet and its extension table (TS 23.038 §6.2.1), plus septet packing.
 * Index = septet value. Position 0x1B is the escape, never a character.
 */
const DEFAULT_TABLE =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** Extension table entries reached by ESC + septet. */
const EXTENSION_TABLE: ReadonlyMap<number, string> = new Map([
  [0x0a, '\f'],
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'],
]);

const ENCODE_DEFAULT = new Map<string, number>();
for (let i = 0; i < 128; i++) if (i !== SMS.GSM7_ESCAPE) ENCODE_DEFAULT.set(DEFAULT_TABLE[i]!, i);
const ENCODE_EXTENSION = new Map<string, number>([...EXTENSION_TABLE].map(([k, v]) => [v, k]));

/**
 * Septets to text. TS 23.038: ESC + a septet with no extension entry shows the default-table
 * character; ESC ESC (escape to a further table) shows a space. A lone ESC at the very end (a
 * segment split mid-sequence) also shows a space; reassembled text decodes the joined septets.
 */
export function decodeGsm7(septets: Uint8Array): string {
  let out = '';
  for (let i = 0; i < septets.length; i++) {
    const s = septets[i]! & 0x7f;
    if (s !== SMS.GSM7_ESCAPE) {
      out += DEFAULT_TABLE[s]!;
      continue;
    }
    if (i + 1 >= septets.length) {
      out += ' ';
      continue;
    }
    const e = septets[++i]! & 0x7f;
    out += e === SMS.GSM7_ESCAPE ? ' ' : (EXTENSION_TABLE.get(e) ?? DEFAULT_TABLE[e]!);
  }
  return out;
}

/** Text to septets (extension characters take two). Throws EncodeError for unmappable text. */
export function encodeGsm7(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const d = ENCODE_DEFAULT.get(ch);
    if (d !== undefined) {
      out.push(d);
      continue;
    }
    const e = ENCODE_EXTENSION.get(ch);
    if (e === undefined) {
      throw new EncodeError('sms', `character U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} is not in the GSM 7-bit alphabet`);
    }
    out.push(SMS.GSM7_ESCAPE, e);
  }
  return Uint8Array.from(out);
}

export function isGsm7Encodable(text: string): boolean {
  for (const ch of text) if (!ENCODE_DEFAULT.has(ch) && !ENCODE_EXTENSION.has(ch)) return false;
  return true;
}

/** Octets needed for `septets` septets. */
export function septetOctets(septets: number): number {
  return Math.ceil((septets * 7) / 8);
}

/**
 * Packs septets LSB-first starting `skip` septets into the output (those leading bits stay zero,
 * so a UDH plus its fill bits can be written over them).
 */
export function packSeptets(septets: Uint8Array, skip = 0): Uint8Array {
  const out = new Uint8Array(septetOctets(skip + septets.length));
  let bit = skip * 7;
  for (const s of septets) {
    const byte = bit >> 3;
    const shift = bit & 7;
    out[byte]! |= (s << shift) & 0xff;
    if (shift > 1) out[byte + 1]! |= s >> (8 - shift);
    bit += 7;
  }
  return out;
}

/** Unpacks `count` septets from packed octets; the caller has checked the octets suffice. */
export function unpackSeptets(octets: Uint8Array, count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let i = 0, bit = 0; i < count; i++, bit += 7) {
    const byte = bit >> 3;
    const shift = bit & 7;
    let v = octets[byte]! >> shift;
    if (shift > 1) v |= octets[byte + 1]! << (8 - shift);
    out[i] = v & 0x7f;
  }
  return out;
}
