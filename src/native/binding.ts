// The one loader of bcastd's N-API addon (native/, built by node-gyp into
// native/build/Release/bcastd_native.node). Every other file under src/native/ gets its native functions
// from here, so "not built" and "not on this platform" are reported the same way everywhere.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Result of the addon's openpty(): both ends of a fresh pseudo-terminal. */
export interface RawPty {
  masterFd: number;
  slaveFd: number;
  slavePath: string;
  ptyNumber: number;
}

/** Result of ptyInfo(masterFd): the pty and the line settings its slave was given (by serialport).
 *  No data bits / parity: the pty driver always runs CS8 without parity. */
export interface PtyInfo {
  ptyNumber: number;
  slavePath: string;
  /** bytes written on the slave side and not yet read from the master */
  inputBytes: number;
  /** -1 when the speed is not a standard Bxxx constant */
  baudRate: number;
  stopBits: 1 | 2;
  rtscts: boolean;
  hupcl: boolean;
}

/** Readiness watcher on Node's event loop (libuv uv_poll); the fd stays owned by the caller. */
export interface FdPoller {
  start(events: number): void;
  stop(): void;
  close(): void;
}

export type FdPollerConstructor = new (fd: number, onEvent: (err: Error | null, events: number) => void) => FdPoller;

export interface PollEvents {
  readonly readable: number;
  readonly writable: number;
  readonly disconnect: number;
}

/** Everything the addon may export; a build for another platform may lack some of it. */
export interface NativeExports {
  openpty: () => RawPty;
  ptyInfo: (masterFd: number) => PtyInfo;
  closeFd: (fd: number) => void;
  FdPoller: FdPollerConstructor;
  pollEvents: PollEvents;
  sdNotify: (message: string, socketPath?: string) => boolean;
  gpioRequestOutput: (chipPath: string, offset: number, activeLow: boolean, consumer: string, value: boolean) => RawGpioLine;
  gpioSetValue: (fd: number, abi: 1 | 2, value: boolean) => void;
  secureAlloc: (size: number) => Buffer;
  secureWipe: (buf: Uint8Array) => void;
  secureIsLocked: (buf: Uint8Array) => boolean;
  secureMemoryStats: () => SecureMemoryStats;
  tcpQuickAck: (fd: number) => void;
  /** prctl(PR_GET_DUMPABLE); loading the addon has set it to 0 (native/src/process.c). */
  isDumpable: () => boolean;
  tcpQuickAckGet: (fd: number) => boolean;
}

/** The process-wide pool of locked pages behind secureAlloc() (secure_memory.c). */
export interface SecureMemoryStats {
  pageSize: number;
  /** pages mapped for the pool, locked or not */
  pages: number;
  /** of those, pages mlock() accepted */
  lockedPages: number;
  chunksInUse: number;
  /** bytes of the chunks in use (a chunk is the request rounded up to its size class) */
  bytesInUse: number;
  /** pages that mlock() refused (RLIMIT_MEMLOCK without CAP_IPC_LOCK); they are used unlocked */
  lockFailures: number;
  /** errno name of the last refusal ('EPERM', 'ENOMEM', 'EAGAIN'), null if none */
  lastLockError: string | null;
}

/** A requested GPIO output line (gpio.c): the line-request fd and the uAPI version it was requested with. */
export interface RawGpioLine {
  fd: number;
  abi: 1 | 2;
}

export type NativeErrorCode = 'ERR_BCASTD_NATIVE_MISSING' | 'ERR_BCASTD_NATIVE_LOAD' | 'ERR_BCASTD_NATIVE_UNSUPPORTED';

export class NativeAddonError extends Error {
  constructor(
    readonly code: NativeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NativeAddonError';
  }
}

/** A loaded addon: hands out its exports by name, or says clearly that one is missing. */
export class NativeAddon {
  constructor(
    private readonly exports: Partial<NativeExports>,
    readonly file: string,
  ) {}

  has(name: keyof NativeExports): boolean {
    return this.exports[name] !== undefined;
  }

  get<K extends keyof NativeExports>(name: K): NativeExports[K] {
    const value = this.exports[name];
    if (value === undefined) {
      throw new NativeAddonError(
        'ERR_BCASTD_NATIVE_UNSUPPORTED',
        `bcastd native addon: ${name} is not available on this platform (${process.platform}/${process.arch}, ${this.file})`,
      );
    }
    return value;
  }
}

const ADDON_RELATIVE = join('native', 'build', 'Release', 'bcastd_native.node');

/** BCASTD_NATIVE_ADDON (a cross-built .node) wins; else native/build/Release under the package root. */
export function defaultAddonPath(): string {
  const override = process.env['BCASTD_NATIVE_ADDON'];
  if (override !== undefined && override !== '') return override;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, ADDON_RELATIVE);
    const parent = dirname(dir);
    if (parent === dir) return join(process.cwd(), ADDON_RELATIVE);
    dir = parent;
  }
}

const requireNative = createRequire(import.meta.url);

export function loadNativeAddon(file: string = defaultAddonPath()): NativeAddon {
  if (!existsSync(file)) {
    throw new NativeAddonError('ERR_BCASTD_NATIVE_MISSING', `bcastd native addon not built: run npm rebuild (no ${file})`);
  }
  let exports: Partial<NativeExports>;
  try {
    exports = requireNative(file) as Partial<NativeExports>;
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new NativeAddonError('ERR_BCASTD_NATIVE_LOAD', `bcastd native addon failed to load (${why}): run npm rebuild`, {
      cause,
    });
  }
  return new NativeAddon(exports, file);
}

let cached: NativeAddon | undefined;

/** The export `name` of the default addon, loaded once on first use. */
export function native<K extends keyof NativeExports>(name: K): NativeExports[K] {
  cached ??= loadNativeAddon();
  return cached.get(name);
}

/** Whether native(name) would succeed: the addon is built, loads, and has `name` on this platform. */
export function hasNative(name: keyof NativeExports): boolean {
  try {
    cached ??= loadNativeAddon();
  } catch (err) {
    if (err instanceof NativeAddonError) return false;
    throw err;
  }
  return cached.has(name);
}
