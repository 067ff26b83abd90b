/** Swapped-nibble BCD digit strings (TS 102 221 / TS 31.102): low nibble first, F = filler. */
import { DecodeError, EncodeError } from '../errors.js';
import { USIM_CODEC } from './codec-name.js';

/** Digits from nibbles in transmission order; F ends the string, any other non-digit is an error. */
export function nibblesToDigits(nibbles: number[], base: number, what: string): string {
  let out = '';
  for (const [i, n] of nibbles.entries()) {
    if (n === 0xf) {
      if (nibbles.slice(i).some((x) => x !== 0xf)) throw new DecodeError(USIM_CODEC, 'bad-value', `${what}: digit after filler`, base + (i >> 1));
      break;
    }
    if (n > 9) throw new DecodeError(USIM_CODEC, 'bad-value', `${what}: nibble 0x${n.toString(16)} is not a digit`, base + (i >> 1));
    out += String(n);
  }
  return out;
}

export function swappedNibbles(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (const b of bytes) out.push(b & 0x0f, b >> 4);
  return out;
}

export function decodeSwappedBcd(bytes: Uint8Array, what: string, base = 0): string {
  return nibblesToDigits(swappedNibbles(bytes), base, what);
}

/** Digits packed low nibble first, padded with F to `length` bytes. */
export function encodeSwappedBcd(digits: string, length: number, what: string): Uint8Array {
  if (!/^\d*$/.test(digits)) throw new EncodeError(USIM_CODEC, `${what}: not a digit string`);
  if (digits.length > length * 2) throw new EncodeError(USIM_CODEC, `${what}: ${digits.length} digits do not fit ${length} bytes`);
  const out = new Uint8Array(length).fill(0xff);
  for (let i = 0; i < digits.length; i++) {
    const d = Number(digits[i]);
    const b = out[i >> 1]!;
    out[i >> 1] = i % 2 === 0 ? (b & 0xf0) | d : (b & 0x0f) | (d << 4);
  }
  return out;
}
