/**
 * The most recent log lines, in memory, for `diagnostics` and support bundles: a pino destination (anything with
 * `write(string)`) that the root logger writes to beside stdout. Bounded by lines and bytes, whichever is reached
 * first; every line is masked before it is stored, so the ring never holds an identity or a key.
 */
import { maskLine } from './masker.js';

export interface LogRingOptions {
  /** Lines kept at most (default 2000). */
  maxLines?: number;
  /** UTF-8 bytes kept at most, over all lines (default 1 MiB). */
  maxBytes?: number;
  /** A longer line is cut to this many bytes (default 16 KiB), so one huge object cannot flush the ring. */
  maxLineBytes?: number;
  /** Applied to every line before it is stored (default: the diagnostics masker). */
  mask?: (line: string) => string;
}

export interface LogRingStats {
  /** Lines held now. */
  lines: number;
  /** Bytes held now. */
  bytes: number;
  /** Lines ever stored. */
  total: number;
  /** Lines evicted to stay within the bounds. */
  evicted: number;
  /** Lines cut to maxLineBytes. */
  truncated: number;
  maxLines: number;
  maxBytes: number;
}

export class LogRing {
  readonly maxLines: number;
  readonly maxBytes: number;
  readonly maxLineBytes: number;
  readonly #mask: (line: string) => string;
  /** Lines from #head on are live; the dead prefix is compacted away now and then. */
  #lines: string[] = [];
  #sizes: number[] = [];
  #head = 0;
  #bytes = 0;
  #total = 0;
  #evicted = 0;
  #truncated = 0;
  /** A line pino has not finished yet (a chunk without its newline). */
  #carry = '';

  constructor(opts: LogRingOptions = {}) {
    this.maxLines = positive('maxLines', opts.maxLines ?? 2000);
    this.maxBytes = positive('maxBytes', opts.maxBytes ?? 1024 * 1024);
    this.maxLineBytes = Math.min(positive('maxLineBytes', opts.maxLineBytes ?? 16 * 1024), this.maxBytes);
    this.#mask = opts.mask ?? maskLine;
  }

  /** The stream side: pino writes whole `\n`-terminated lines, but split chunks are put back together. */
  write(chunk: string | Uint8Array): boolean {
    const text = this.#carry + (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const parts = text.split('\n');
    this.#carry = parts.pop() ?? '';
    for (const p of parts) if (p !== '') this.push(p);
    if (Buffer.byteLength(this.#carry) > this.maxLineBytes) {
      this.push(this.#carry);
      this.#carry = '';
    }
    return true;
  }

  /**
   * Like write(), for whole lines `maskedBy` has already masked: when that is this ring's own mask (idempotent),
   * they are stored without being masked a second time. Anything else (another masker, a partial line to join
   * with the next chunk) is masked as write() masks it.
   */
  writeMasked(chunk: string, maskedBy: (line: string) => string): boolean {
    if (maskedBy !== this.#mask || this.#carry !== '' || !chunk.endsWith('\n')) return this.write(chunk);
    for (const p of chunk.split('\n')) if (p !== '') this.#store(p);
    return true;
  }

  /** Stores one line (masked, cut to maxLineBytes), evicting the oldest as needed. */
  push(line: string): void {
    this.#store(this.#mask(line.replace(/\r?\n$/, '')));
  }

  #store(masked: string): void {
    let stored = masked;
    let size = Buffer.byteLength(stored);
    if (size > this.maxLineBytes) {
      const marker = ` …[cut, ${size} bytes]`;
      const room = Math.max(0, this.maxLineBytes - Buffer.byteLength(marker));
      // Cutting may split a UTF-8 sequence; the decoder then ends the text with U+FFFD, which is fine in a log.
      stored = Buffer.from(stored).subarray(0, room).toString('utf8') + marker;
      size = Buffer.byteLength(stored);
      this.#truncated++;
    }
    this.#lines.push(stored);
    this.#sizes.push(size);
    this.#bytes += size;
    this.#total++;
    while (this.#count() > this.maxLines || this.#bytes > this.maxBytes) this.#evict();
  }

  /** The most recent `n` lines (all by default), oldest first. */
  lines(n?: number): string[] {
    const live = this.#lines.slice(this.#head);
    return n === undefined || n >= live.length ? live : live.slice(live.length - Math.max(0, Math.floor(n)));
  }

  stats(): LogRingStats {
    return { lines: this.#count(), bytes: this.#bytes, total: this.#total, evicted: this.#evicted, truncated: this.#truncated, maxLines: this.maxLines, maxBytes: this.maxBytes };
  }

  clear(): void {
    this.#lines = [];
    this.#sizes = [];
    this.#head = 0;
    this.#bytes = 0;
    this.#carry = '';
  }

  #count(): number {
    return this.#lines.length - this.#head;
  }

  #evict(): void {
    this.#bytes -= this.#sizes[this.#head]!;
    this.#head++;
    this.#evicted++;
    if (this.#head > 1024 && this.#head * 2 > this.#lines.length) {
      this.#lines = this.#lines.slice(this.#head);
      this.#sizes = this.#sizes.slice(this.#head);
      this.#head = 0;
    }
  }
}

function positive(what: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`LogRing ${what} must be a positive integer, got ${n}`);
  return n;
}
