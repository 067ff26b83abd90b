/**
 * The one error type of the state store. `code` says what went wrong so callers (daemon, health topic)
 * can count and react without parsing messages; `path` is the JSON pointer of the offending field when
 * there is one. Messages never carry field values: they could be a B-TID or, if someone tried, a key.
 */
export type StoreErrorCode =
  /** The file is not JSON (truncated, garbage). */
  | 'corrupt'
  /** JSON, but not a valid state (schema or rule broken). */
  | 'invalid'
  /** Something that looks like key material was offered for persistence. */
  | 'key-material'
  /** Written by a newer schema version than this build knows, or no migration path exists. */
  | 'unsupported-version'
  /** The file exists but could not be read. */
  | 'read-failed'
  /** Writing the file failed (ENOSPC, EACCES, …); the state is kept in memory and retried. */
  | 'write-failed'
  /** update() after close(). */
  | 'closed';

export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    /** JSON pointer of the offending field, '' for the whole document. */
    readonly path?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** errno code of the underlying system error (ENOSPC, EACCES, …), when there is one. */
  get errno(): string | undefined {
    const c = this.cause as { code?: unknown } | undefined;
    return typeof c?.code === 'string' ? c.code : undefined;
  }
}
