/**
 * Key material in a box that never prints: JSON, String(), template literals and util.inspect (and so
 * pino and console.log) all show '[secret]'. Holders call reveal() only at the point of use and
 * wipe() when the key is retired.
 *
 * Where the bytes live is the allocator's choice: plain Buffer.alloc (never the shared allocUnsafe pool)
 * unless the daemon installs locked memory with Secret.setAllocator (src/native/secure-memory.ts); crypto
 * stays pure and never imports the native layer itself.
 */
import { inspect } from 'node:util';

const MASK = '[secret]';

/** Returns `size` writable bytes, exactly `size` long, that only the new Secret will reference. */
export type SecretAllocator = (size: number) => Buffer;

const plainAlloc: SecretAllocator = (size) => Buffer.alloc(size);
let allocate: SecretAllocator = plainAlloc;

export class Secret {
  /** null once wiped: the Secret then no longer keeps the memory alive (views from reveal() still may). */
  #bytes: Buffer | null;
  readonly #length: number;

  /** Where later Secrets keep their bytes; null restores Buffer.alloc. Existing Secrets keep theirs. */
  static setAllocator(alloc: SecretAllocator | null): void {
    allocate = alloc ?? plainAlloc;
  }

  /** Copies `bytes` into memory from the allocator, so the caller may wipe its own buffer. */
  constructor(bytes: Uint8Array) {
    const held = allocate(bytes.length);
    if (!Buffer.isBuffer(held) || held.length !== bytes.length) {
      throw new TypeError(`Secret allocator returned ${Buffer.isBuffer(held) ? `${held.length} bytes` : typeof held} for ${bytes.length}`);
    }
    held.set(bytes);
    this.#bytes = held;
    this.#length = held.length;
  }

  get length(): number {
    return this.#length;
  }

  get isWiped(): boolean {
    return this.#bytes === null;
  }

  /** The live bytes (not a copy). Throws after wipe() so a retired key cannot be used by mistake. */
  reveal(): Buffer {
    if (this.#bytes === null) throw new Error('secret was wiped');
    return this.#bytes;
  }

  /** Zero-fills the held bytes and lets go of them (idempotent). */
  wipe(): void {
    this.#bytes?.fill(0);
    this.#bytes = null;
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
