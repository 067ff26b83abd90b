// The one pino logger of the daemon. Components get child loggers ({component:'modem'} …) and their levels can
// differ (board config `log.components`). Secrets are redacted by key name as a last line of defence; the first
// line is that adapters never put them in log objects at all (key material travels as crypto `Secret`s, whose
// serialisation is "[secret]").
import pino, { type Logger, type LevelWithSilent } from 'pino';
import { PRETTY_MISSING, prettyStream } from './pretty-stream.js';
import { journalPrefixed } from './journald.js';

export type { Logger };

/** Log-object keys whose values must never be written, wherever they appear (one level of nesting deep). */
export const REDACTED_KEYS = [
  'k', 'opc', 'ks', 'ksNaf', 'ksExtNaf', 'ksIntNaf', 'mrk', 'muk', 'msk', 'mtk', 'tek', 'res', 'xres', 'ck', 'ik',
  'pin', 'password', 'authorization', 'Authorization', 'imsi', 'iccid', 'btid',
] as const;

const REDACTED = new Set<string>(REDACTED_KEYS);
const CENSOR = '[redacted]';
const own = Object.prototype.hasOwnProperty;

function hasRedactedKey(o: object): boolean {
  for (const k in o) if (REDACTED.has(k) && own.call(o, k)) return true;
  return false;
}

/**
 * The log object with secret-named fields censored at the top level and one level down (in plain objects, not
 * arrays: what pino's `redact: [k, '*.k']` did). Done here rather than with pino's `redact` option: that one
 * re-parsed its 46 paths on every line with an object field (a third of the daemon's logging CPU per trigger).
 * Untouched objects are returned as they are; a copy is made only when something is censored.
 */
export function redactSecrets(obj: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const k in obj) {
    if (!own.call(obj, k)) continue;
    const v = obj[k];
    let censored: unknown;
    if (REDACTED.has(k)) censored = CENSOR;
    else if (v !== null && typeof v === 'object' && !Array.isArray(v) && hasRedactedKey(v)) {
      const copy: Record<string, unknown> = { ...(v as Record<string, unknown>) };
      for (const kk in copy) if (REDACTED.has(kk)) copy[kk] = CENSOR;
      censored = copy;
    } else continue;
    out ??= { ...obj };
    out[k] = censored;
  }
  return out ?? obj;
}

export interface LoggerOptions {
  level: LevelWithSilent;
  /** Human-readable lines (for a terminal) instead of JSON lines (for journald / log shippers). */
  pretty?: boolean;
  /** Per-component levels, e.g. { modem: 'trace' } to see raw AT traffic. */
  components?: Partial<Record<string, LevelWithSilent>>;
  /** Where lines go; stdout by default. Tests pass a capturing stream. */
  destination?: NodeJS.WritableStream;
  /** JSON lines go to journald (stdoutIsJournal): each gets its "<N>" priority prefix (journald.ts). */
  journal?: boolean;
}

/** The JSON destination: stdout (or the given stream), priority-prefixed for journald when asked. */
export function jsonDestination(opts: Pick<LoggerOptions, 'destination' | 'journal'>): pino.DestinationStream {
  const dest = opts.destination ?? pino.destination({ sync: false });
  // pino takes any { write } and writes one whole line per call.
  return opts.journal ? journalPrefixed(dest) : dest;
}

export function createLogger(opts: LoggerOptions): Logger {
  const pretty = opts.pretty ? prettyStream(opts.destination ?? 1) : null;
  const destination = pretty ?? jsonDestination(opts);
  // The root logger must let the most verbose component level through; pino filters per child.
  const rootLevel = mostVerbose([opts.level, ...Object.values(opts.components ?? {})]);
  const logger = pino(
    {
      level: rootLevel,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: redactSecrets, bindings: redactSecrets },
    },
    destination,
  );
  // pino applies formatters.bindings to the base only; children (which inherit this through their prototype,
  // however deep) get their bindings redacted here.
  const child = logger.child;
  logger.child = function (this: Logger, bindings, options) {
    return child.call(this, redactSecrets(bindings), options);
  } as Logger['child'];
  if (opts.pretty && pretty === null) logger.warn(PRETTY_MISSING);
  return logger;
}

const rank = (l: LevelWithSilent): number => (l === 'silent' ? Infinity : pino.levels.values[l] ?? Infinity);

function mostVerbose(levels: Array<LevelWithSilent | undefined>): LevelWithSilent {
  const given = levels.filter((l): l is LevelWithSilent => l !== undefined);
  return given.reduce((a, b) => (rank(b) < rank(a) ? b : a), 'silent');
}

/**
 * A child logger for one component, at the level the board config gives it, else the configured level.
 * `bind: false` for adapters that add `{component}` to their own child loggers (no key twice in a line).
 */
export function componentLogger(root: Logger, component: string, opts: Pick<LoggerOptions, 'level' | 'components'>, bind = true): Logger {
  const child = root.child(bind ? { component } : {});
  child.level = opts.components?.[component] ?? opts.level;
  return child;
}
