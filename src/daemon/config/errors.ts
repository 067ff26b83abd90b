/**
 * The one error type the board-config loader throws. Everything wrong with a config file — unreadable,
 * not YAML, not matching the schema, failing a cross-field rule — ends up here, located as precisely as
 * the source allows, so the CLI can print one clear line and exit non-zero.
 */

/** One problem in a config file. */
export interface ConfigIssue {
  /** JSON pointer of the offending field, e.g. `/modem/baudRate`; `''` for the whole file. */
  readonly path: string;
  /** 1-based line and column in the YAML source, when the field is written there. */
  readonly line?: number;
  readonly col?: number;
  /** What would have been accepted, e.g. `integer`, `one of "cmt", "cmti", "auto"`. */
  readonly expected: string;
  /** The problem without location, e.g. `/modem/baudRate must be integer (got "fast")`. */
  readonly message: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly path: string;
  readonly line?: number;
  readonly col?: number;
  readonly expected: string;

  constructor(
    /** The file as shown to the user (`board-configs/sim.yaml`), or the name given to parseBoardConfig. */
    readonly source: string,
    /** Every problem found, first (in file order) first; the message tells the first one. */
    readonly issues: readonly [ConfigIssue, ...ConfigIssue[]],
  ) {
    const first = issues[0];
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
    super(`${locate(source, first)}: ${first.message}${more}`);
    this.path = first.path;
    if (first.line !== undefined) this.line = first.line;
    if (first.col !== undefined) this.col = first.col;
    this.expected = first.expected;
  }

  /** Each issue as its own `file:line:col: message` line, for printing them all. */
  lines(): string[] {
    return this.issues.map((i) => `${locate(this.source, i)}: ${i.message}`);
  }
}

function locate(source: string, i: ConfigIssue): string {
  return i.line === undefined ? source : `${source}:${i.line}:${i.col ?? 1}`;
}

export function isConfigError(e: unknown): e is ConfigError {
  return e instanceof ConfigError;
}
