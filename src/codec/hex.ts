import { DecodeError } from './errors.js';

/** Parses hex as testers paste it: any case, optional spaces, colons or a 0x prefix. */
export function fromHex(text: string): Uint8Array {
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

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
