/** An in-memory AtTransport for engine tests: records writes, feeds bytes, closes on demand. */
import type { AtTransport, LinkClosed } from '../../../src/modem/index.js';

export class FakeTransport implements AtTransport {
  readonly path = '/dev/fake';
  readonly written: string[] = [];
  /** Called on every write, after it is recorded: a scripted modem answers from here. */
  onWrite: ((data: string) => void) | null = null;
  closed = false;
  private data: ((chunk: Uint8Array) => void) | null = null;
  private closeHandler: ((info: LinkClosed) => void) | null = null;

  write(data: string | Uint8Array): Promise<void> {
    const text = typeof data === 'string' ? data : Buffer.from(data).toString('latin1');
    this.written.push(text);
    this.onWrite?.(text);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  onData(handler: (chunk: Uint8Array) => void): void {
    this.data = handler;
  }

  onClose(handler: (info: LinkClosed) => void): void {
    this.closeHandler = handler;
  }

  /** Bytes from the modem (a string is taken as latin1). */
  feed(text: string | Uint8Array): void {
    this.data?.(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
  }

  hangUp(): void {
    this.closeHandler?.({ disconnected: true, error: new Error('gone') });
  }

  /** Command lines written so far, without CR. */
  get commands(): string[] {
    return this.written.filter((w) => w.endsWith('\r')).map((w) => w.slice(0, -1));
  }
}
