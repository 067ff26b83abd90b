/**
 * The daemon's root logger with a LogRing beside its usual output: createLogger (redaction, ISO time, level
 * labels, root level = most verbose component) writing into a pino multistream of { stdout-or-pretty, ring }.
 * The ring always gets JSON lines, also in pretty mode, so a support bundle reads the same on every board.
 * stdout (journald) gets the same masking as the ring: a raw AT trace of a +CMT carries the B-TID in its PDU hex.
 */
import type { Logger } from 'pino';
import { createLogger, jsonDestination, type LoggerOptions } from '../logger.js';
import { PRETTY_MISSING, prettyStream } from '../pretty-stream.js';
import { LogRing, type LogRingOptions } from './log-ring.js';
import { maskLine } from './masker.js';

export interface DaemonLoggerOptions extends LoggerOptions {
  /** The ring to feed; a new one (with these bounds) when absent. */
  ring?: LogRing | LogRingOptions;
}

export interface DaemonLogger {
  logger: Logger;
  ring: LogRing;
}

export function createDaemonLogger(opts: DaemonLoggerOptions): DaemonLogger {
  const ring = opts.ring instanceof LogRing ? opts.ring : new LogRing(opts.ring);
  // The same pretty settings as createLogger's (which cannot be reused here: it would prettify the ring's lines too).
  const pretty = opts.pretty ? prettyStream(opts.destination ?? 1) : null;
  // Only the primary output is priority-prefixed for journald: the ring keeps plain JSON lines.
  const primary = pretty ?? jsonDestination(opts);
  // Both take every line, the loggers' own levels decide. pino writes one whole line per call; it is masked once,
  // here, before pretty-printing too, and the ring is told so (it would otherwise mask the same line again).
  const tee = {
    write(chunk: string): boolean {
      const masked = chunk.split('\n').map((l) => (l === '' ? l : maskLine(l))).join('\n');
      primary.write(masked);
      ring.writeMasked(masked, maskLine);
      return true;
    },
  };
  const { ring: _ring, pretty: _pretty, destination: _dest, journal: _journal, ...rest } = opts;
  void _journal;
  void _ring;
  void _pretty;
  void _dest;
  // createLogger types its destination as a Node stream; pino itself takes any { write } (a multistream is one).
  const logger = createLogger({ ...rest, pretty: false, destination: tee as unknown as NodeJS.WritableStream });
  if (opts.pretty && pretty === null) logger.warn(PRETTY_MISSING);
  return { logger, ring };
}
