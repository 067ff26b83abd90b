/**
 * Typed errors of the card adapter. Status words map to one class each (what the daemon acts on);
 * the ME-side MIKEY processing of GBA_ME throws the same classes, so callers never care which side
 * checked a MAC or a counter.
 */
import { describeSw, swHex, type SwMeaning } from '../codec/usim/index.js';

export class CardError extends Error {
  override readonly name: string = 'CardError';
  constructor(
    /** Machine-readable: 'pcsc-unavailable', 'removed', 'auth-mac', … */
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type PcscUnavailableReason = 'module-missing' | 'library-missing' | 'service-unavailable';

const PCSC_HINT: Record<PcscUnavailableReason, string> = {
  'module-missing': 'the optional npm module "pcsclite" is not installed (npm install pcsclite, needs libpcsclite-dev to build)',
  'library-missing': 'the PC/SC client library libpcsclite.so.1 is missing (apt-get install libpcsclite1) or the pcsclite binding failed to load',
  'service-unavailable': 'the PC/SC daemon pcscd is not running (systemctl start pcscd.socket)',
};

export class PcscUnavailableError extends CardError {
  override readonly name = 'PcscUnavailableError';
  constructor(
    readonly reason: PcscUnavailableReason,
    cause?: unknown,
  ) {
    super('pcsc-unavailable', `PC/SC is unavailable: ${PCSC_HINT[reason]}`, { cause });
  }
}

/** No card (never inserted, removed mid-operation, or the reader / pcscd went away). */
export class CardRemovedError extends CardError {
  override readonly name = 'CardRemovedError';
  constructor(detail = 'no card in the reader', cause?: unknown) {
    super('removed', `card removed: ${detail}`, { cause });
  }
}

export class CardTransportError extends CardError {
  override readonly name = 'CardTransportError';
  constructor(detail: string, cause?: unknown) {
    super('transport', `card transport failed: ${detail}`, { cause });
  }
}

/** The adapter cannot serve the call in its current state (e.g. not ready, or GBA_U on an AKA-only card). */
export class CardStateError extends CardError {
  override readonly name = 'CardStateError';
  constructor(message: string) {
    super('state', message);
  }
}

/** The card answered, but not with what the command promises (a malformed response). */
export class CardProtocolError extends CardError {
  override readonly name = 'CardProtocolError';
  constructor(detail: string, cause?: unknown) {
    super('protocol', `unexpected card response: ${detail}`, { cause });
  }
}

/** A status word other than success. `sw` is absent when the ME (GBA_ME) made the check. */
export class CardStatusError extends CardError {
  override readonly name: string = 'CardStatusError';
  readonly sw: number | undefined;
  readonly meaning: SwMeaning | undefined;
  constructor(code: string, operation: string, sw: number | undefined, text?: string) {
    const m = sw === undefined ? undefined : describeSw(sw);
    super(code, `${operation}: ${text ?? m?.text ?? code}${sw === undefined ? '' : ` (SW ${swHex(sw)})`}`);
    this.sw = sw;
    this.meaning = m;
  }
}

/** A status-word family the daemon acts on: its own class (for instanceof), alike but for its code and name. */
type StatusErrorClass = new (operation: string, sw?: number, text?: string) => CardStatusError;

function statusErrorClass(code: string, className: string): StatusErrorClass {
  return class extends CardStatusError {
    override readonly name = className;
    constructor(operation: string, sw?: number, text?: string) {
      super(code, operation, sw, text);
    }
  };
}

/** 98 62: MAC-A of AUTN, or a MIKEY MAC, did not verify. */
export const CardAuthError = statusErrorClass('auth-mac', 'CardAuthError');
export type CardAuthError = CardStatusError;
/** 98 64. */
export const ContextNotSupportedError = statusErrorClass('context-not-supported', 'ContextNotSupportedError');
export type ContextNotSupportedError = CardStatusError;
/** 98 65: replayed or old MIKEY timestamp counter. */
export const KeyFreshnessError = statusErrorClass('key-freshness', 'KeyFreshnessError');
export type KeyFreshnessError = CardStatusError;
/** 98 66 / 98 67: no room for another MSK / MUK. */
export const NoMemoryError = statusErrorClass('no-memory', 'NoMemoryError');
export type NoMemoryError = CardStatusError;
/** 6A 82. */
export const FileNotFoundError = statusErrorClass('file-not-found', 'FileNotFoundError');
export type FileNotFoundError = CardStatusError;
/** 69 82: access condition (usually PIN1) not satisfied. */
export const SecurityStatusError = statusErrorClass('security-status', 'SecurityStatusError');
export type SecurityStatusError = CardStatusError;
/** 6A 88: the key named by the command (MUK, MSK) is not on the card. */
export const KeyNotFoundError = statusErrorClass('key-not-found', 'KeyNotFoundError');
export type KeyNotFoundError = CardStatusError;
/** 63 Cx wrong PIN (x tries left) or 69 83 blocked. */
export class PinError extends CardStatusError {
  override readonly name = 'PinError';
  readonly triesLeft: number;
  constructor(operation: string, sw: number) {
    const blocked = sw === 0x6983;
    super(blocked ? 'pin-blocked' : 'pin-rejected', operation, sw);
    this.triesLeft = blocked ? 0 : sw & 0x0f;
  }
}

/** Which class each status-word meaning (codec/usim describeSw) is thrown as; the rest as CardStatusError. */
const STATUS_ERRORS: Partial<Record<SwMeaning['kind'], StatusErrorClass>> = {
  'auth-mac': CardAuthError,
  'context-not-supported': ContextNotSupportedError,
  'key-freshness': KeyFreshnessError,
  'no-memory': NoMemoryError,
  'file-not-found': FileNotFoundError,
  'security-status': SecurityStatusError,
  'reference-not-found': KeyNotFoundError,
};

/** The typed error for a status word that is not success. */
export function errorForStatus(sw: number, operation: string): CardStatusError {
  const m = describeSw(sw);
  if (m.kind === 'verify-failed' || m.kind === 'pin-blocked') return new PinError(operation, sw);
  const Class = STATUS_ERRORS[m.kind];
  return Class ? new Class(operation, sw) : new CardStatusError(m.kind, operation, sw);
}
