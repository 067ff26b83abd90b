/**
 * A serialport binding whose reads survive the device vanishing.
 *
 * @serialport/bindings-cpp 13 retries a read that returns 0 bytes forever (serialport/bindings-cpp#162):
 * when the tty hangs up (USB modem unplugged or re-enumerated, pty master closed) while a read is in
 * flight, every further read returns 0 at once and the thread pool spins at 100% CPU, and the port never
 * reports the disconnect. This binding wraps the platform binding's open() and replaces the opened port's
 * read with a loop that treats 0 bytes as end of file - a disconnect (`disconnect = true`, which makes
 * serialport close the port with a DisconnectedError) - and otherwise waits on the port's own poller on
 * EAGAIN, as the stock read does. Everything else (open, write, close, locking) is the stock binding.
 */
import { read as fsRead } from 'node:fs';
import { autoDetect } from '@serialport/bindings-cpp';

/** What this file needs of a bindings-cpp unix port (LinuxPortBinding / DarwinPortBinding). */
interface UnixPortLike {
  fd: number | null;
  readonly isOpen: boolean;
  readonly poller: { once(event: 'readable', cb: (err: Error | null) => void): unknown };
  read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }>;
}

type BaseBinding = ReturnType<typeof autoDetect>;

/** Errno codes meaning the device is gone (the stock list plus EIO, what a hung-up tty returns). */
const DISCONNECT_CODES = new Set(['EBADF', 'ENXIO', 'ENODEV', 'EIO', 'UNKNOWN']);
const RETRY_CODES = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);

function canceled(message: string): Error {
  return Object.assign(new Error(message), { canceled: true });
}

function readOnce(fd: number, buffer: Buffer, offset: number, length: number): Promise<number> {
  return new Promise((resolve, reject) => fsRead(fd, buffer, offset, length, null, (err, n) => (err ? reject(err) : resolve(n))));
}

function readable(port: UnixPortLike): Promise<void> {
  return new Promise((resolve, reject) => {
    port.poller.once('readable', (err) => (err ? reject(err) : resolve()));
  });
}

/** The replacement read: at least one byte, a disconnect error on end of file, never a busy loop. */
export function disconnectAwareRead(port: UnixPortLike): UnixPortLike['read'] {
  return async (buffer, offset, length) => {
    for (;;) {
      if (!port.isOpen || port.fd === null) throw canceled('Port is not open');
      let n: number;
      try {
        n = await readOnce(port.fd, buffer, offset, length);
      } catch (err) {
        const e = err as NodeJS.ErrnoException & { disconnect?: boolean };
        if (!port.isOpen) throw canceled('Port is not open');
        if (e.code !== undefined && RETRY_CODES.has(e.code)) {
          await readable(port);
          continue;
        }
        if ((e.code !== undefined && DISCONNECT_CODES.has(e.code)) || e.errno === -1) e.disconnect = true;
        throw e;
      }
      if (!port.isOpen) throw canceled('Port is not open');
      if (n === 0) {
        // End of file on a tty: the other side hung up. Retrying would spin (bindings-cpp#162).
        throw Object.assign(new Error('device disconnected (read returned end of file)'), { code: 'EOF', disconnect: true });
      }
      return { buffer, bytesRead: n };
    }
  };
}

function isUnixPort(port: unknown): port is UnixPortLike {
  const p = port as Partial<UnixPortLike> | null;
  return typeof p === 'object' && p !== null && typeof p.fd === 'number' && typeof p.poller?.once === 'function';
}

/** The platform binding with the read fix applied to every port it opens. */
export function disconnectSafeBinding(base: BaseBinding = autoDetect()): BaseBinding {
  const open = async (options: Parameters<BaseBinding['open']>[0]) => {
    const port = await (base.open as (o: typeof options) => Promise<unknown>)(options);
    if (isUnixPort(port)) port.read = disconnectAwareRead(port);
    return port;
  };
  return { list: () => base.list(), open } as unknown as BaseBinding;
}
