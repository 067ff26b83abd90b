/**
 * Why a Digest header (or an AKA nonce inside one) was refused. The HTTP layers (Ub client, simulated
 * BSF/BSM) catch exactly this type to turn a malformed peer message into a clean protocol failure.
 */
export type DigestParseReason =
  | 'empty'
  | 'expected-token'
  | 'expected-equals'
  | 'expected-value'
  | 'expected-comma'
  | 'unterminated-quote'
  | 'control-char'
  | 'duplicate-param'
  | 'no-digest-challenge'
  | 'missing-param'
  | 'bad-nonce';

export class DigestParseError extends Error {
  override readonly name = 'DigestParseError';
  constructor(
    readonly reason: DigestParseReason,
    message: string,
    /** Character offset in the header value, when meaningful. */
    readonly offset?: number,
  ) {
    super(offset === undefined ? `digest: ${message}` : `digest: ${message} at offset ${offset}`);
  }
}
