/**
 * Byte helpers shared by the crypto modules. Everything returns a fresh Buffer so callers may keep
 * or wipe results without aliasing their inputs.
 */

/** A Buffer view over any Uint8Array (no copy). */
export function buf(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function xor(a: Uint8Array, b: Uint8Array): Buffer {
  if (a.length !== b.length) throw new RangeError(`xor of unequal lengths (${a.length} vs ${b.length})`);
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

export function concat(...parts: Uint8Array[]): Buffer {
  return Buffer.concat(parts.map(buf));
}

export function u32be(n: number): Buffer {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`not a 32-bit unsigned integer: ${n}`);
  const out = Buffer.alloc(4);
  out.writeUInt32BE(n);
  return out;
}

/** Throws a RangeError naming the parameter when a key or field has the wrong size (a caller bug). */
export function expectLength(name: string, bytes: Uint8Array, length: number): void {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (bytes.length !== length) throw new RangeError(`${name} must be ${length} bytes, got ${bytes.length}`);
}

const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');

/** Lower-case hex ASCII of `bytes` written into `dst` at `offset` (no JS string of the bytes is ever made). */
export function hexInto(bytes: Uint8Array, dst: Buffer, offset: number): number {
  for (let i = 0; i < bytes.length; i++) {
    dst[offset + 2 * i] = HEX_DIGITS[bytes[i]! >> 4]!;
    dst[offset + 2 * i + 1] = HEX_DIGITS[bytes[i]! & 15]!;
  }
  return offset + 2 * bytes.length;
}

const B64_DIGITS = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 'latin1');
const PAD = 0x3d; // '='

/** Length of the standard (padded) base64 form of `n` bytes. */
export function base64Length(n: number): number {
  return 4 * Math.ceil(n / 3);
}

/**
 * Standard padded base64 ASCII of `bytes` written into `dst` at `offset` (RFC 4648 §4), so a key's
 * base64 form can be hashed and zeroed without a JS string of it ever existing. Returns the end offset.
 */
export function base64Into(bytes: Uint8Array, dst: Buffer, offset: number): number {
  const end = offset + base64Length(bytes.length);
  if (end > dst.length) throw new RangeError(`base64 of ${bytes.length} bytes needs ${end - offset} bytes at ${offset}, buffer has ${dst.length}`);
  let o = offset;
  for (let i = 0; i < bytes.length; i += 3) {
    const rest = bytes.length - i;
    const a = bytes[i]!;
    const b = rest > 1 ? bytes[i + 1]! : 0;
    const c = rest > 2 ? bytes[i + 2]! : 0;
    dst[o++] = B64_DIGITS[a >> 2]!;
    dst[o++] = B64_DIGITS[((a & 3) << 4) | (b >> 4)]!;
    dst[o++] = rest > 1 ? B64_DIGITS[((b & 15) << 2) | (c >> 6)]! : PAD;
    dst[o++] = rest > 2 ? B64_DIGITS[c & 63]! : PAD;
  }
  return end;
}
