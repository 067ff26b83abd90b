/**
 * Loads the optional npm module `pcsclite` (a native binding to libpcsclite) and classifies why it
 * cannot be used. The shapes below are the part of its API the transport relies on; they are declared
 * here so the project builds where the optional module is absent.
 */
import type { EventEmitter } from 'node:events';
import { PcscUnavailableError } from './errors.js';

export interface PcscReaderStatus {
  state: number;
  atr?: Buffer;
}

export interface PcscReader extends EventEmitter {
  readonly name: string;
  readonly connected: boolean;
  readonly SCARD_SHARE_EXCLUSIVE: number;
  readonly SCARD_PROTOCOL_T0: number;
  readonly SCARD_PROTOCOL_T1: number;
  readonly SCARD_STATE_EMPTY: number;
  readonly SCARD_STATE_PRESENT: number;
  readonly SCARD_STATE_MUTE: number;
  readonly SCARD_LEAVE_CARD: number;
  readonly SCARD_RESET_CARD: number;
  connect(options: { share_mode?: number; protocol?: number }, cb: (err: Error | null | undefined, protocol: number) => void): void;
  disconnect(disposition: number, cb: (err: Error | null | undefined) => void): void;
  transmit(data: Buffer, resLen: number, protocol: number, cb: (err: Error | null | undefined, response: Buffer) => void): void;
  close(): void;
}

export interface PcscContext extends EventEmitter {
  close(): void;
}

/** Calling it establishes a PC/SC context; throws when pcscd is not reachable. */
export type PcscFactory = () => PcscContext;

/** The module name in a variable: TypeScript must not require it at build time. */
const MODULE = 'pcsclite';

export async function defaultLoadPcsc(): Promise<unknown> {
  return import(MODULE);
}

function classifyLoadError(e: unknown): PcscUnavailableError {
  const msg = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: string } | null)?.code;
  if (/libpcsclite|cannot open shared object|ERR_DLOPEN_FAILED/i.test(msg) || code === 'ERR_DLOPEN_FAILED') {
    return new PcscUnavailableError('library-missing', e);
  }
  return new PcscUnavailableError('module-missing', e);
}

/** The pcsclite factory, or PcscUnavailableError naming why PC/SC cannot be used. */
export async function loadPcsc(load: () => Promise<unknown> = defaultLoadPcsc): Promise<PcscFactory> {
  let mod: unknown;
  try {
    mod = await load();
  } catch (e) {
    throw classifyLoadError(e);
  }
  const factory = (mod as { default?: unknown }).default ?? mod;
  if (typeof factory !== 'function') throw new PcscUnavailableError('module-missing', new Error('pcsclite does not export a function'));
  return factory as PcscFactory;
}

/** Establishes a context; a failure here means pcscd is not running (or not reachable). */
export function establish(factory: PcscFactory): PcscContext {
  try {
    return factory();
  } catch (e) {
    throw new PcscUnavailableError('service-unavailable', e);
  }
}

/** PC/SC return codes (pcsclite puts them in error messages as "(0x8010xxxx)"). */
const REMOVAL_CODES = new Set([
  0x8010000c, // SCARD_E_NO_SMARTCARD
  0x80100016, // SCARD_E_NOT_TRANSACTED
  0x80100017, // SCARD_E_READER_UNAVAILABLE
  0x8010001d, // SCARD_E_NO_SERVICE
  0x8010001e, // SCARD_E_SERVICE_STOPPED
  0x80100013, // SCARD_F_COMM_ERROR (RPC transport error: pcscd went away)
  0x80100003, // SCARD_E_INVALID_HANDLE
  0x80100067, // SCARD_W_UNPOWERED_CARD
  0x80100068, // SCARD_W_RESET_CARD
  0x80100069, // SCARD_W_REMOVED_CARD
]);

export function pcscCode(e: unknown): number | null {
  const m = /\(0x([0-9a-f]{8})\)/i.exec(e instanceof Error ? e.message : String(e));
  return m ? parseInt(m[1]!, 16) : null;
}

/** True when a PC/SC failure means the card (or the reader, or pcscd) is gone. */
export function meansRemoval(e: unknown): boolean {
  const code = pcscCode(e);
  return code !== null && REMOVAL_CODES.has(code);
}
