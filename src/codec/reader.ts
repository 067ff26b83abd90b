import { DecodeError, type CodecName } from './errors.js';

/**
 * Bounds-checked cursor over a byte array. Every read that would run past the end throws a
 * `DecodeError('truncated')` naming the offset, so decoders never guess at missing bytes.
 * `base` lets a nested decoder report offsets relative to the outermost input.
 */
export class ByteReader {
  private pos = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly codec: CodecName,
    readonly base = 0,
  ) {}

  get offset(): number {
    return this.pos;
  }
  /** Offset in the outermost input, for error messages. */
  get absoluteOffset(): number {
    return this.base + this.pos;
  }
  get remaining(): number {
    return this.bytes.length - this.pos;
  }
  get atEnd(): boolean {
    return this.pos >= this.bytes.length;
  }

  fail(reason: string, message: string, at: number = this.pos): never {
    throw new DecodeError(this.codec, reason, message, this.base + at);
  }

  need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.bytes.length) {
      this.fail('truncated', `${what}: needs ${n} byte(s), ${this.remaining} left`);
    }
  }

  u8(what = 'byte'): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }
  peekU8(what = 'byte'): number {
    this.need(1, what);
    return this.bytes[this.pos]!;
  }
  u16(what = 'uint16'): number {
    this.need(2, what);
    const v = (this.bytes[this.pos]! << 8) | this.bytes[this.pos + 1]!;
    this.pos += 2;
    return v;
  }
  u32(what = 'uint32'): number {
    this.need(4, what);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }
  /** A view (not a copy) of the next `n` bytes. */
  take(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  rest(): Uint8Array {
    const out = this.bytes.subarray(this.pos);
    this.pos = this.bytes.length;
    return out;
  }
  skip(n: number, what = 'bytes'): void {
    this.need(n, what);
    this.pos += n;
  }
}
