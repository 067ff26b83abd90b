/**
 * The errors the modem layer hands its callers. Every failure of an AT exchange is one of these, so a
 * caller can tell "the modem said no" (AtCommandError) from "the modem said nothing" (AtTimeoutError)
 * from "there is no modem right now" (AtLinkError) without reading messages.
 */
import type { FinalResult } from '../codec/at/index.js';

export class AtCommandError extends Error {
  override readonly name = 'AtCommandError';
  constructor(
    /** The command line as sent (without CR). */
    readonly command: string,
    /** The final result code: ERROR, CME ERROR, CMS ERROR, NO CARRIER, … */
    readonly result: FinalResult,
    /** `+CME ERROR` / `+CMS ERROR` number, when printed or known from the verbose text. */
    readonly code: number | undefined,
    /** The error text, printed (verbose mode) or looked up from the number. */
    readonly text: string | undefined,
    /** Information lines received before the final result. */
    readonly lines: readonly string[],
  ) {
    const detail = code === undefined ? (text ?? '') : text === undefined ? String(code) : `${code} (${text})`;
    super(`${command}: ${result}${detail === '' ? '' : ` ${detail}`}`);
  }
}

export class AtTimeoutError extends Error {
  override readonly name = 'AtTimeoutError';
  constructor(
    readonly command: string,
    readonly timeoutMs: number,
  ) {
    super(`${command}: no final result within ${timeoutMs} ms`);
  }
}

/** Why a command could not be exchanged: no port open, the port went away, the engine was stopped. */
export type LinkErrorReason = 'not-connected' | 'disconnected' | 'reopening' | 'stopped' | 'queue-full' | 'write-failed' | 'modem-restarted';

export class AtLinkError extends Error {
  override readonly name = 'AtLinkError';
  constructor(
    readonly command: string,
    readonly reason: LinkErrorReason,
    detail?: string,
  ) {
    super(`${command}: ${reason}${detail ? ` (${detail})` : ''}`);
  }
}

export type AtError = AtCommandError | AtTimeoutError | AtLinkError;

export function isAtError(e: unknown): e is AtError {
  return e instanceof AtCommandError || e instanceof AtTimeoutError || e instanceof AtLinkError;
}

/** True when the error says the modem itself is not answering (time to climb the recovery ladder). */
export function isLinkTrouble(e: unknown): boolean {
  return e instanceof AtTimeoutError || e instanceof AtLinkError;
}

/** A received SMS that cannot be used: the PDU line, the TPDU or the WSP push inside it is malformed. */
export class BadSmsError extends Error {
  override readonly name = 'BadSmsError';
  constructor(
    /** Where it failed: the AT header/PDU line, the SMS-DELIVER TPDU, or the WSP push. */
    readonly stage: 'pdu-line' | 'tpdu' | 'wsp',
    /** The raw input, hex (PDU line or datagram). */
    readonly raw: string,
    cause: unknown,
  ) {
    super(`undecodable SMS (${stage}): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
