/**
 * The simulated modem's transmitter: chunks go out in order, one write at a time, to whichever pty is
 * the device now. With split writes on, every chunk is cut at random byte boundaries (seeded, so a
 * failure is reproducible) and the pieces are written a millisecond apart, so the reader sees them in
 * separate reads - mid-line, mid-`\r\n`, between the two lines of +CMT.
 */
import type { Duplex } from 'node:stream';

export interface SplitOptions {
  /** Longest piece (default 7 bytes). */
  readonly maxPiece?: number;
  readonly seed?: number;
}

export class OutputQueue {
  private readonly queue: Buffer[] = [];
  private writing = false;
  private split: { maxPiece: number; state: number } | null = null;
  private sink: Duplex | null = null;

  /** The device side to write to; null while the device is absent (output is then lost, like a real unplug). */
  setSink(sink: Duplex | null): void {
    this.sink = sink;
    if (sink === null) this.queue.length = 0;
    else this.kick();
  }

  setSplit(options: SplitOptions | null): void {
    this.split = options === null ? null : { maxPiece: Math.max(1, options.maxPiece ?? 7), state: (options.seed ?? 0x2f6b3c1d) >>> 0 || 1 };
  }

  write(data: string | Uint8Array): void {
    if (this.sink === null) return;
    this.queue.push(typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data));
    this.kick();
  }

  /** Resolves when everything queued so far has been written. */
  async drain(): Promise<void> {
    while (this.writing || this.queue.length > 0) await new Promise((r) => setTimeout(r, 2));
  }

  /** xorshift32 step of `split`'s generator. */
  private static next(split: { state: number }): number {
    let x = split.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    split.state = x >>> 0;
    return split.state;
  }

  private kick(): void {
    if (this.writing || this.queue.length === 0 || this.sink === null) return;
    this.writing = true;
    void this.run()
      .catch(() => {
        // A sink that failed mid-write is a device that went away; what was queued is lost with it.
        this.queue.length = 0;
      })
      .finally(() => {
        this.writing = false;
        this.kick();
      });
  }

  private async run(): Promise<void> {
    while (this.queue.length > 0) {
      const sink = this.sink;
      const chunk = this.queue.shift()!;
      if (sink === null) return;
      // The setting as it was when the chunk started: turning splitting off mid-chunk is fine.
      const split = this.split;
      if (split === null) {
        await writeTo(sink, chunk);
        continue;
      }
      for (let at = 0; at < chunk.length; ) {
        const n = 1 + (OutputQueue.next(split) % split.maxPiece);
        await writeTo(sink, chunk.subarray(at, at + n));
        at += n;
        await new Promise((r) => setTimeout(r, 1));
        if (this.sink !== sink) return;
      }
    }
  }
}

function writeTo(sink: Duplex, data: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (sink.destroyed) return resolve();
    sink.write(data, () => resolve());
  });
}
