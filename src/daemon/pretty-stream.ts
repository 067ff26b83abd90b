// Human-readable log lines through pino-pretty, an optional dependency loaded only when asked for: a board's
// tarball leaves it out (journald wants JSON), so a missing one means JSON lines, never a failed start.
import { createRequire } from 'node:module';
import type { DestinationStream } from 'pino';

type PinoPretty = typeof import('pino-pretty');

/** The explanation logged once when pretty output was asked for and pino-pretty is not installed. */
export const PRETTY_MISSING = 'pino-pretty is not installed (an optional dependency): writing JSON lines';

/** A pino-pretty stream onto `destination` (an fd or a stream), or null when pino-pretty is not installed. */
export function prettyStream(destination: number | NodeJS.WritableStream): DestinationStream | null {
  let pretty: PinoPretty;
  try {
    pretty = createRequire(import.meta.url)('pino-pretty') as PinoPretty;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return null;
    throw e;
  }
  return pretty({ colorize: process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', destination, sync: true });
}
