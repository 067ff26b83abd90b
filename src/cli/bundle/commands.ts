// bcastctl bundle | log-level: a support bundle for a bug report, and the daemon's log levels at runtime.
import type { Command } from 'commander';
import { locateDaemon, type LocateOptions } from '../daemon/locate.js';
import { MqttSession } from '../daemon/mqtt-session.js';
import { withBrokerOptions } from '../daemon/broker-options.js';
import { UsageError, type CliIo } from '../io.js';
import { writeBundle } from './archive.js';
import { collectBundle } from './collect.js';
import { levelLines, changeLines } from './render.js';

type Location = LocateOptions;

/** The same location options as the other daemon commands. */
const withLocation = (cmd: Command): Command => withBrokerOptions(cmd);

function positiveNumber(what: string, s: string | undefined, integer = false): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new UsageError(`${what} must be a positive ${integer ? 'integer' : 'number'}, not '${s}'`);
  return n;
}

const size = (n: number) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KiB`);

export function registerBundle(program: Command, io: CliIo): void {
  withLocation(
    program
      .command('bundle')
      .description('one tar.gz for a bug report: recent logs (masked), config (redacted), retained topics, counters, versions')
      .option('-o, --output <file>', 'archive to write (default: bcastd-bundle-<device>-<UTC time>.tar.gz here)')
      .option('--log-lines <n>', 'log lines to ask the daemon for (default: all it keeps)')
      .option('--timeout <seconds>', 'how long to wait for the daemon', '10'),
  ).action(async (o: Location & { output?: string; logLines?: string; timeout: string }) => {
    const logLines = positiveNumber('--log-lines', o.logLines, true);
    const timeoutS = positiveNumber('--timeout', o.timeout)!;
    const where = { ...(o.board !== undefined ? { board: o.board } : {}), ...(o.broker !== undefined ? { broker: o.broker } : {}), ...(o.device !== undefined ? { device: o.device } : {}) };
    const c = await collectBundle({ ...where, timeoutMs: timeoutS * 1000, ...(logLines !== undefined ? { logLines } : {}) });
    const written = await writeBundle(c, o.output);
    io.out(`bundle ${written.path} (${size(written.bytes)})`);
    for (const f of written.files) io.out(`  ${f.name} (${size(f.bytes)})`);
    if (c.diagnostics === null) {
      throw new Error(`bundle written without the daemon's diagnostics, the daemon did not answer: ${c.problems.join('; ')}`);
    }
  });
}

/** CommandError codes of the daemon's log-level command that mean "your input was wrong" (exit 2). */
const USAGE_CODES = new Set(['unknown_component', 'invalid_level', 'invalid_duration', 'invalid_argument']);

export function registerLogLevel(program: Command, io: CliIo): void {
  withLocation(
    program
      .command('log-level')
      .description("show or change the daemon's log levels at runtime (not persisted: a restart returns to the board config)")
      .argument('[component]', 'a component (daemon, modem, card, gba, bsm, mqtt, store, terminal, sim) or "all"')
      .argument('[level]', 'trace, debug, info, warn, error, fatal or silent')
      .option('--for <seconds>', 'go back to the previous level after this long')
      .option('--json', 'print the answer as JSON'),
  ).action(async (component: string | undefined, level: string | undefined, o: Location & { for?: string; json?: boolean }) => {
    const durationS = positiveNumber('--for', o.for);
    if (durationS !== undefined && level === undefined) throw new UsageError('--for needs a level');
    const args: Record<string, unknown> = {
      ...(component !== undefined ? { component: component === 'all' ? '*' : component } : {}),
      ...(level !== undefined ? { level } : {}),
      ...(durationS !== undefined ? { durationS } : {}),
    };
    const s = await MqttSession.connect(await locateDaemon(o));
    let answer: Record<string, unknown>;
    try {
      answer = await s.command('log-level', args);
    } finally {
      await s.close();
    }
    if (answer['ok'] !== true) {
      const err = (answer['error'] ?? {}) as { code?: string; message?: string };
      const text = `log-level refused: ${err.message ?? JSON.stringify(answer)}`;
      throw USAGE_CODES.has(err.code ?? '') ? new UsageError(text) : new Error(text);
    }
    const result = answer['result'] as { levels?: Record<string, unknown>; changed?: unknown[] };
    if (o.json) return io.out(JSON.stringify(result));
    if (result.changed) for (const l of changeLines(result.changed)) io.out(l);
    else for (const l of levelLines(result.levels ?? {}, component === undefined || component === 'all' ? undefined : component)) io.out(l);
  });
}
