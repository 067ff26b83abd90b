// Helpers for the pty tests: open the slave with npm serialport (as the modem adapter will) and
// collect exact byte counts from either side.
import type { Readable } from 'node:stream';
import { SerialPort } from 'serialport';

/** serialport options for a pty slave: no HUPCL, no flow control, and never port.set() (DTR/RTS
 *  ioctls fail with ENOTTY on a pty); serialport v13 does not call set() when it opens. */
export const PTY_SERIAL_OPTIONS = { baudRate: 115200, hupcl: false, rtscts: false } as const;

export interface LineOptions {
  baudRate?: number;
  dataBits?: 5 | 6 | 7 | 8;
  parity?: 'none' | 'even' | 'odd';
  stopBits?: 1 | 2;
  rtscts?: boolean;
  hupcl?: boolean;
}

function openOnce(path: string, extra: LineOptions): Promise<SerialPort> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, ...PTY_SERIAL_OPTIONS, ...extra }, (err) => (err ? reject(err) : resolve(port)));
  });
}

/** Open like the modem adapter: serialport flock()s the tty, and a close that raced with one of its
 *  own in-flight reads can hold that lock a moment longer (seen once under heavy parallel load), so
 *  "Cannot lock port" is retried briefly; any other error fails at once. */
export async function openSerial(path: string, extra: LineOptions = {}): Promise<SerialPort> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openOnce(path, extra);
    } catch (err) {
      if (attempt >= 5 || !/Cannot lock port/.test((err as Error).message)) throw err;
      await delay(20);
    }
  }
}

export function closeSerial(port: SerialPort): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!port.isOpen) return resolve();
    port.close((err) => (err ? reject(err) : resolve()));
  });
}

export function writeSerial(port: SerialPort, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    port.write(data, (err) => (err ? reject(err) : resolve()));
  });
}

/** Resolve with the first `n` bytes `stream` emits (reject if more than n arrive within the wait). */
export function collect(stream: Readable, n: number, timeoutMs = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let got = 0;
    const timer = setTimeout(() => {
      stream.off('data', onData);
      reject(new Error(`timed out after ${timeoutMs} ms with ${got} of ${n} bytes`));
    }, timeoutMs);
    function onData(chunk: Buffer): void {
      parts.push(chunk);
      got += chunk.length;
      if (got >= n) {
        clearTimeout(timer);
        stream.off('data', onData);
        if (got > n) reject(new Error(`expected ${n} bytes, got ${got}`));
        else resolve(Buffer.concat(parts));
      }
    }
    stream.on('data', onData);
  });
}

/** Deterministic pseudo-random bytes (xorshift32), so a failure is reproducible. */
export function pattern(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export function allByteValues(): Buffer {
  return Buffer.from(Array.from({ length: 256 }, (_, i) => i));
}

export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
