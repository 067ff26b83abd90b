import { DecodeError } from './errors.js';

const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) NIBBLE[65 + i] = NIBBLE[97 + i] = 10 + i;

/** The common case (plain even-length hex, as modems print PDUs) without regexes or copies; null otherwise. */
function fromPlainHex(text: string): Uint8Array | null {
  if (text.length % 2 !== 0) return null;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = NIBBLE[text.charCodeAt(2 * i)] ?? -1;
    const lo = NIBBLE[text.charCodeAt(2 * i + 1)] ?? -1;
    if (hi < 0 || lo < 0) return null;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** Parses hex as testers paste it: any case, optional spaces, colons or a 0x prefix. */
export function fromHex(text: string): Uint8Array {
  const plain = fromPlainHex(text);
  if (plain) return plain;
  const clean = text.trim().replace(/^0x/i, '').replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0) {
    throw new DecodeError('hex', 'odd-length', `odd number of hex digits (${clean.length})`);
  }
  const bad = clean.search(/[^0-9a-fA-F]/);
  if (bad >= 0) {
    throw new DecodeError('hex', 'bad-digit', `not a hex digit '${clean[bad]}'`, Math.floor(bad / 2));
  }
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

const HEX_PAIRS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** Below this many bytes a table walk beats making a Buffer view (key IDs, RANDs, MACs on the LTKM path). */
const SHORT_HEX = 48;

export function toHex(bytes: Uint8Array): string {
  if (bytes.length > SHORT_HEX) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX_PAIRS[bytes[i]!]!;
  return out;
}
