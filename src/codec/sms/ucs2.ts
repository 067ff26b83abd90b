/**
 * UCS2 user data as UTF-16 big-endian code units (TS 23.038 §6.2.3; phones send surrogate pairs
 * for characters outside the BMP). Decoding keeps code units as they are, so a pair split across
 * two segments joins up again when the reassembled bytes are decoded.
 */
export function decodeUcs2(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) out += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
  return out;
}

export function encodeUcs2(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    out[2 * i] = u >> 8;
    out[2 * i + 1] = u & 0xff;
  }
  return out;
}
