import { EncodeError } from '../errors.js';
import type { Alphabet, DataCoding } from './types.js';

/**
 * TP-DCS (TS 23.038 §4). Reserved alphabet codings and reserved coding groups are read as the
 * GSM 7-bit default alphabet, as §4 tells a receiving entity to.
 */
const ALPHABET_BITS: readonly Alphabet[] = ['gsm7', '8bit', 'ucs2', 'gsm7'];

export function decodeDcs(value: number): DataCoding {
  const group = value >> 4;
  if (group <= 0x7) {
    // General data coding (00xx) and automatic-deletion (01xx) groups share one layout.
    return {
      value,
      alphabet: ALPHABET_BITS[(value >> 2) & 0x03]!,
      messageClass: value & 0x10 ? ((value & 0x03) as 0 | 1 | 2 | 3) : null,
      compressed: (value & 0x20) !== 0,
    };
  }
  if (group === 0xf) {
    return { value, alphabet: value & 0x04 ? '8bit' : 'gsm7', messageClass: (value & 0x03) as 0 | 1 | 2 | 3, compressed: false };
  }
  // 0xC/0xD message waiting (GSM 7-bit), 0xE message waiting (UCS2), 0x8-0xB reserved.
  return { value, alphabet: group === 0xe ? 'ucs2' : 'gsm7', messageClass: null, compressed: false };
}

/** A general-group DCS for an alphabet and optional class (uncompressed). */
export function encodeDcs(alphabet: Alphabet, messageClass: 0 | 1 | 2 | 3 | null = null): number {
  const a = ALPHABET_BITS.indexOf(alphabet);
  if (a < 0) throw new EncodeError('sms', `unknown alphabet ${String(alphabet)}`);
  if (messageClass === null) return a << 2;
  if (![0, 1, 2, 3].includes(messageClass)) throw new EncodeError('sms', `message class must be 0-3, got ${String(messageClass)}`);
  return 0x10 | (a << 2) | messageClass;
}
