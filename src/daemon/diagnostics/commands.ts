/**
 * The `log-level` and `diagnostics` MQTT commands (bcastctl log-level / bcastctl bundle).
 *
 * `log-level` {component?, level?, durationS?}: without level, the current levels; with level, sets one
 * component (or `*`, the default: all), for durationS seconds when given. Nothing is persisted.
 * `diagnostics` {logLines?}: versions, uptime, runtime info, the redacted board config, the health counters,
 * the log levels and the most recent (masked) log lines. The answer is capped (default 512 KiB: the MQTT
 * request limit of the router is 64 KiB but answers have none of their own, and brokers may cap packets),
 * dropping the oldest lines first and saying how many were cut. An answer is built at most once per
 * DIAGNOSTICS_CACHE_MS (later requests get the same summary) and the command is rate-limited on its own
 * (DIAGNOSTICS_RATE): a flood of ~60-byte requests must not become a flood of half-megabyte answers.
 */
import { Type } from '@sinclair/typebox';
import type { JsonObject } from '../../mqtt/publisher.js';
import type { CommandHandler, CommandRouter } from '../../mqtt/commands.js';
import { CommandError } from '../../mqtt/errors.js';
import { LogLevelError, type LogLevels } from './log-levels.js';
import type { LogRing, LogRingStats } from './log-ring.js';
import { redactConfig } from './redact-config.js';
import { versionInfo, type VersionInfo } from './versions.js';

export const DEFAULT_MAX_ANSWER_BYTES = 512 * 1024;
/** Room left for what the router and publisher wrap around a result (command, ok, ts, transaction). */
const ENVELOPE_BYTES = 1024;

export const DIAGNOSTICS_COMMANDS = { logLevel: 'log-level', diagnostics: 'diagnostics' } as const;
/** A bundle a minute is plenty for a person; a script that loops gets refusals, not memory growth. */
export const DIAGNOSTICS_RATE = { perMinute: 6, burst: 3 } as const;
export const DIAGNOSTICS_CACHE_MS = 5000;

export const DiagnosticsArgs = Type.Object({ logLines: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })) }, { additionalProperties: false });
export const LogLevelArgs = Type.Object(
  {
    component: Type.Optional(Type.String({ maxLength: 64 })),
    level: Type.Optional(Type.String({ maxLength: 16 })),
    durationS: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);

export interface DiagnosticsDeps {
  /** The ring the root logger feeds (createDaemonLogger); without one the answer carries no log lines. */
  ring?: LogRing;
  levels: LogLevels;
  /** The loaded board config (redacted here, on every request). */
  config: unknown;
  /** The daemon's counters: pass `() => health.snapshot()`, the object HealthReporter publishes. */
  counters: () => unknown;
  /** What the daemon wrote to its runtime file (pid, broker URL, device id …). */
  runtime?: () => unknown;
  /** Versions; default versionInfo() (tests inject). */
  versions?: () => VersionInfo;
  maxAnswerBytes?: number;
  /** How long one built answer is reused (default DIAGNOSTICS_CACHE_MS). */
  cacheMs?: number;
  now?: () => number;
}

export interface DiagnosticsAnswer {
  generatedAt: string;
  version: VersionInfo;
  uptimeS: number;
  startedAt: string;
  runtime: unknown;
  /**
   * The redacted board config as JSON text. Text, not an object, because the MQTT sanitizer drops fields by name
   * and would take `mqtt.passwordFile` (a path, kept on purpose) out; identities in the text are still masked.
   */
  configJson: string;
  counters: unknown;
  logLevels: ReturnType<LogLevels['get']>;
  logs: {
    lines: string[];
    /** Lines in this answer. */
    returned: number;
    /** Lines asked for (all the ring holds by default). */
    requested: number;
    /** Oldest lines left out to keep the answer under maxAnswerBytes. */
    cut: number;
    /** null: the daemon logger has no ring. */
    ring: LogRingStats | null;
  };
}

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

function argError(message: string): CommandError {
  return new CommandError('invalid_argument', message);
}

export function logLevelHandler(levels: LogLevels): CommandHandler {
  return async (_name, args) => {
    const { component, level, durationS } = args;
    if (component !== undefined && typeof component !== 'string') throw argError('component must be a string');
    if (level !== undefined && typeof level !== 'string') throw argError('level must be a string');
    if (durationS !== undefined && typeof durationS !== 'number') throw argError('durationS must be a number of seconds');
    try {
      if (level === undefined) {
        if (durationS !== undefined) throw argError('durationS needs a level');
        if (component !== undefined) levels.check(component);
        return { levels: levels.get() };
      }
      const changed = levels.set(component ?? '*', level, durationS !== undefined ? { durationS } : {});
      return { changed, levels: levels.get(), persisted: false };
    } catch (e) {
      if (e instanceof LogLevelError) throw new CommandError(e.code, e.message);
      throw e;
    }
  };
}

export function diagnosticsHandler(deps: DiagnosticsDeps): CommandHandler {
  const now = deps.now ?? Date.now;
  const maxBytes = deps.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
  const cacheMs = deps.cacheMs ?? DIAGNOSTICS_CACHE_MS;
  let cached: { at: number; logLines: number | undefined; answer: JsonObject } | null = null;
  return async (_name, args) => {
    const n = args['logLines'];
    if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 0)) throw argError('logLines must be a non-negative integer');
    if (cached !== null && cached.logLines === n && now() - cached.at < cacheMs) return cached.answer;
    const wanted = deps.ring === undefined ? [] : n === undefined ? deps.ring.lines() : deps.ring.lines(n);
    const uptimeS = Math.round(process.uptime());
    const answer: DiagnosticsAnswer = {
      generatedAt: new Date(now()).toISOString(),
      version: (deps.versions ?? versionInfo)(),
      uptimeS,
      startedAt: new Date(now() - process.uptime() * 1000).toISOString(),
      runtime: deps.runtime?.() ?? null,
      configJson: JSON.stringify(redactConfig(deps.config)),
      counters: safe(deps.counters),
      logLevels: deps.levels.get(),
      logs: { lines: [], returned: 0, requested: wanted.length, cut: 0, ring: deps.ring?.stats() ?? null },
    };
    // The newest lines that fit beside everything else.
    let budget = maxBytes - ENVELOPE_BYTES - bytes(answer);
    let keep = 0;
    for (let i = wanted.length - 1; i >= 0; i--) {
      budget -= bytes(wanted[i]) + 1;
      if (budget < 0) break;
      keep++;
    }
    answer.logs.lines = wanted.slice(wanted.length - keep);
    answer.logs.returned = keep;
    answer.logs.cut = wanted.length - keep;
    cached = { at: now(), logLines: n, answer: answer as unknown as JsonObject };
    return cached.answer;
  };
}

function safe(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    return { error: `counters unavailable: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Registers `log-level` and `diagnostics` on the daemon's command router. */
export function registerDiagnosticsCommands(router: Pick<CommandRouter, 'register'>, deps: DiagnosticsDeps): void {
  router.register(DIAGNOSTICS_COMMANDS.logLevel, logLevelHandler(deps.levels), { schema: LogLevelArgs });
  router.register(DIAGNOSTICS_COMMANDS.diagnostics, diagnosticsHandler(deps), { schema: DiagnosticsArgs, rate: DIAGNOSTICS_RATE });
}
