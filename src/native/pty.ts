// The master side of a pseudo-terminal as a Node Duplex stream; the slave (slavePath) is a real tty
// that npm serialport opens like any /dev/ttyUSB*. Used by the simulated modem.
//
// I/O: non-blocking read/write on the master fd, driven by the addon's FdPoller (libuv uv_poll on
// Node's loop). Not tty.ReadStream / net.Socket({ fd }): libuv marks a pty-master tty handle
// "blocking writes", so a write bigger than the pty buffer spins in the event loop until the reader
// drains it (a hang when that reader is serialport in the same process), and a read error such as EIO
// destroys the stream and closes the fd.
//
// Sessions: by default the slave fd from openpty() stays open for the pair's lifetime, so serialport can
// close and reopen slavePath any number of times while the master never sees a hangup. With
// holdSlave:false the master hangs up whenever no process has the slave open (reads fail with EIO,
// epoll reports HUP): I/O then pauses, `hungUp` turns true, and the master is probed every
// HANGUP_RETRY_MS until a process opens the slave again; nothing is emitted as an error. Either way,
// bytes written while nobody has the slave open wait in the slave's input queue (a few KiB), where
// serialport's open discards them (tcflush), as a real port loses what a modem sent while it was closed.
//
// close() hangs the slave up. A serialport reading it then sees a disconnect and closes - unless a
// read of its own was in flight at that instant: that read returns 0 (EOF), which @serialport/
// bindings-cpp 13 retries forever (serialport/bindings-cpp#162). Real USB unplugs hit the same race.
import { Duplex } from 'node:stream';
import { readSync, writeSync } from 'node:fs';
import { native, type FdPoller, type PtyInfo } from './binding.js';

export interface PtyPairOptions {
  /** keep the slave open inside this process (default true); see the file comment */
  holdSlave?: boolean;
}

const READ_CHUNK = 64 * 1024;
const HANGUP_RETRY_MS = 25;

function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

interface PendingWrite {
  chunk: Buffer;
  offset: number;
  done: (err?: Error | null) => void;
}

export class PtyPair extends Duplex {
  readonly slavePath: string;
  readonly ptyNumber: number;
  readonly masterFd: number;
  private slaveFd: number | null;
  private readonly poller: FdPoller;
  private readonly pollEvents = native('pollEvents');
  private readonly readBuf = Buffer.allocUnsafe(READ_CHUNK);
  private wantRead = false;
  private pending: PendingWrite | null = null;
  private hangupTimer: NodeJS.Timeout | null = null;
  private isHungUp = false;

  /** Allocate a new pseudo-terminal. */
  static open(options: PtyPairOptions = {}): PtyPair {
    return new PtyPair(options);
  }

  private constructor(options: PtyPairOptions) {
    super({ decodeStrings: true });
    const pty = native('openpty')();
    this.masterFd = pty.masterFd;
    this.slavePath = pty.slavePath;
    this.ptyNumber = pty.ptyNumber;
    this.slaveFd = pty.slaveFd;
    try {
      if (options.holdSlave === false) this.releaseSlave();
      const Poller = native('FdPoller');
      this.poller = new Poller(this.masterFd, (err, events) => this.onPoll(err, events));
    } catch (err) {
      this.releaseSlave();
      native('closeFd')(this.masterFd);
      throw err;
    }
  }

  /** True while no process has the slave open (as seen at most HANGUP_RETRY_MS ago). Only possible
   *  with holdSlave:false; the default pair holds the slave itself. */
  get hungUp(): boolean {
    return this.isHungUp;
  }

  /** The pty's number and the line settings the slave's user configured (baud rate, 8N1, ...). */
  info(): PtyInfo {
    return native('ptyInfo')(this.masterFd);
  }

  /** Destroy the pair: the slave's users see a hangup. Resolves once both fds are closed. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      this.once('close', () => resolve());
      this.destroy();
    });
  }

  override _read(): void {
    this.wantRead = true;
    this.arm();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.pending = { chunk, offset: 0, done };
    this.flushWrite();
    this.arm();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    if (this.hangupTimer !== null) clearTimeout(this.hangupTimer);
    this.hangupTimer = null;
    this.poller.close();
    const pending = this.pending;
    this.pending = null;
    let closeErr: Error | null = null;
    try {
      this.releaseSlave();
      native('closeFd')(this.masterFd);
    } catch (e) {
      closeErr = e as Error;
    }
    pending?.done(err ?? new Error('pty closed before the write completed'));
    done(err ?? closeErr);
  }

  private releaseSlave(): void {
    if (this.slaveFd === null) return;
    const fd = this.slaveFd;
    this.slaveFd = null;
    native('closeFd')(fd);
  }

  /** Watch exactly what is wanted now; nothing while waiting out a hangup. */
  private arm(): void {
    if (this.destroyed || this.hangupTimer !== null) return;
    const e = this.pollEvents;
    this.poller.start(e.disconnect | (this.wantRead ? e.readable : 0) | (this.pending !== null ? e.writable : 0));
  }

  private onPoll(err: Error | null, events: number): void {
    if (this.destroyed) return;
    if (err !== null) {
      this.destroy(err);
      return;
    }
    if (events & this.pollEvents.readable) this.drainRead();
    if (events & this.pollEvents.writable) this.flushWrite();
    // HUP: no process has the slave open. Data it wrote before closing was read just above (a master
    // reads the rest before EIO); stop polling, since HUP is level-triggered and would fire forever.
    if (events & this.pollEvents.disconnect) this.hangup();
    this.arm();
  }

  private drainRead(): void {
    while (this.wantRead && this.readOnce() === 'data');
  }

  /** One non-blocking read of the master; data is pushed, EIO means no process has the slave open. */
  private readOnce(): 'data' | 'empty' | 'hangup' | 'failed' {
    let n: number;
    try {
      n = readSync(this.masterFd, this.readBuf, 0, READ_CHUNK, null);
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'EAGAIN' || code === 'EINTR') return 'empty';
      if (code === 'EIO') {
        this.hangup();
        return 'hangup';
      }
      this.destroy(err as Error);
      return 'failed';
    }
    if (n === 0) return 'empty';
    this.wantRead = this.push(Buffer.from(this.readBuf.subarray(0, n)));
    return 'data';
  }

  private flushWrite(): void {
    const w = this.pending;
    if (w === null || this.destroyed) return;
    while (w.offset < w.chunk.length) {
      try {
        w.offset += writeSync(this.masterFd, w.chunk, w.offset, w.chunk.length - w.offset);
      } catch (err) {
        const code = errnoCode(err);
        if (code === 'EAGAIN' || code === 'EINTR') return; // the poller reports writable later
        if (code === 'EIO') return this.hangup();
        this.pending = null;
        w.done(err as Error);
        return;
      }
    }
    this.pending = null;
    w.done();
  }

  /** Stop polling (HUP would fire continuously) and probe until a process opens the slave again. */
  private hangup(): void {
    this.isHungUp = true;
    if (this.hangupTimer !== null || this.destroyed) return;
    this.poller.stop();
    this.hangupTimer = setTimeout(() => this.probe(), HANGUP_RETRY_MS);
  }

  private probe(): void {
    this.hangupTimer = null;
    if (this.destroyed) return;
    // data or EAGAIN: the slave is open again; EIO: readOnce() has scheduled the next probe
    if (this.readOnce() === 'hangup') return;
    this.isHungUp = false;
    this.flushWrite();
    this.arm();
  }
}
