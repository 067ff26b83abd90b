/**
 * The one error type every pure decoder throws. Callers (CLI, daemon) rely on it: anything else
 * escaping a decoder is a bug, and the property tests check exactly that.
 */
export type CodecName = 'sms' | 'udh' | 'reassembly' | 'wsp' | 'mikey' | 'at' | 'xml' | 'hex' | 'usim';

export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  constructor(
    /** Which codec refused the input. */
    readonly codec: CodecName,
    /** A short machine-readable reason, e.g. `truncated`, `bad-value`, `unsupported`. */
    readonly reason: string,
    message: string,
    /** Byte offset into the input the decoder was given, when it is meaningful. */
    readonly offset?: number,
  ) {
    super(offset === undefined ? `${codec}: ${message}` : `${codec}: ${message} at offset ${offset}`);
  }
}

export class EncodeError extends Error {
  override readonly name = 'EncodeError';
  constructor(
    readonly codec: CodecName,
    message: string,
  ) {
    super(`${codec}: ${message}`);
  }
}

export function isDecodeError(e: unknown): e is DecodeError {
  return e instanceof DecodeError;
}
