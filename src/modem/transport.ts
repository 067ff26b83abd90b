/**
 * The byte link under the AT engine: one open serial port. The engine and the recovery ladder only see
 * this interface, so tests can put any duplex behind it; production opens the tty with npm serialport's
 * stream through the disconnect-safe binding. The stream and the native binding come from their own packages
 * (serialport's, at serialport's versions): the `serialport` entry point also loads its ten parsers and its mock
 * binding, ~15 ms of start-up CPU and their heap for code the daemon never runs.
 */
import { SerialPortStream } from '@serialport/stream';
import { disconnectSafeBinding } from './serial-binding.js';

export interface LinkClosed {
  /** True when the device went away (hang-up, unplug, failed write); false after close() was called. */
  readonly disconnected: boolean;
  readonly error: Error | null;
}

export interface AtTransport {
  readonly path: string;
  write(data: string | Uint8Array): Promise<void>;
  /** Closes the port; resolves when it is closed (never rejects). */
  close(): Promise<void>;
  /** One handler each; set once, right after open. */
  onData(handler: (chunk: Uint8Array) => void): void;
  onClose(handler: (info: LinkClosed) => void): void;
}

export type TransportOpener = (path: string, options: { readonly baudRate: number }) => Promise<AtTransport>;

/**
 * serialport options for a modem tty: no HUPCL (closing must not drop DTR, which resets some modules),
 * no hardware flow control (USB CDC ports ignore it, a pty rejects it), and never port.set(): the
 * DTR/RTS ioctls fail with ENOTTY on a pty.
 */
const SERIAL_OPTIONS = { hupcl: false, rtscts: false, autoOpen: false } as const;

const binding = disconnectSafeBinding();

class SerialTransport implements AtTransport {
  private dataHandler: ((chunk: Uint8Array) => void) | null = null;
  private closeHandler: ((info: LinkClosed) => void) | null = null;
  private closed = false;
  private closing = false;
  /** What arrived before the engine took the port (normally nothing: it attaches in the same tick). */
  private early: Uint8Array[] = [];
  private earlyClose: LinkClosed | null = null;

  constructor(
    readonly path: string,
    private readonly port: SerialPortStream,
  ) {
    port.on('data', (chunk: Buffer) => (this.dataHandler ? this.dataHandler(chunk) : this.early.push(chunk)));
    // serialport emits 'error' only for failures without a callback; every call here has one, but an
    // unhandled 'error' event would kill the process, so it is noted and the close path decides.
    port.on('error', () => {});
    // Any close we did not ask for is the device going away: serialport reports a read-side hang-up
    // with a DisconnectedError, but a failed write destroys the stream first, closing it without one.
    port.on('close', (err: Error | null | undefined) => {
      if (this.closed) return;
      this.closed = true;
      const info = { disconnected: !this.closing, error: err ?? null };
      if (this.closeHandler) this.closeHandler(info);
      else this.earlyClose = info;
    });
  }

  onData(handler: (chunk: Uint8Array) => void): void {
    this.dataHandler = handler;
    const early = this.early;
    this.early = [];
    for (const chunk of early) handler(chunk);
  }

  onClose(handler: (info: LinkClosed) => void): void {
    this.closeHandler = handler;
    if (this.earlyClose) handler(this.earlyClose);
  }

  write(data: string | Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.port.isOpen) return reject(new Error('port is not open'));
      this.port.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data), (err) => (err ? reject(err) : resolve()));
    });
  }

  close(): Promise<void> {
    this.closing = true;
    return new Promise((resolve) => {
      if (!this.port.isOpen) return resolve();
      this.port.close(() => resolve());
    });
  }
}

/** Opens `path` with serialport (disconnect-safe binding, modem tty options). */
export const openSerialTransport: TransportOpener = (path, options) =>
  new Promise((resolve, reject) => {
    const port = new SerialPortStream({ path, baudRate: options.baudRate, ...SERIAL_OPTIONS, binding });
    port.open((err) => {
      if (err) return reject(err);
      resolve(new SerialTransport(path, port));
    });
  });
