/**
 * Key material in a box that never prints: JSON, String(), template literals and util.inspect (and so
 * pino and console.log) all show '[secret]'. Holders call reveal() only at the point of use and
 * wipe() when the key is retired.
 */
import { inspect } from 'node:util';

const MASK = '[secret]';

export class Secret {
  readonly #bytes: Buffer;
  #wiped = false;

  /** Copies `bytes`, so the caller may wipe its own buffer. */
  constructor(bytes: Uint8Array) {
    this.#bytes = Buffer.from(bytes);
  }

  get length(): number {
    return this.#bytes.length;
  }

  get isWiped(): boolean {
    return this.#wiped;
  }

  /** The live bytes (not a copy). Throws after wipe() so a retired key cannot be used by mistake. */
  reveal(): Buffer {
    if (this.#wiped) throw new Error('secret was wiped');
    return this.#bytes;
  }

  /** Zero-fills the held bytes. */
  wipe(): void {
    this.#bytes.fill(0);
    this.#wiped = true;
  }

  toJSON(): string {
    return MASK;
  }

  toString(): string {
    return MASK;
  }

  [Symbol.toPrimitive](): string {
    return MASK;
  }

  [inspect.custom](): string {
    return MASK;
  }
}
