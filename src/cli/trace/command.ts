// `bcastctl trace [--since 10m] [--svg FILE] [--input FILE] [--ascii] [--json]`: the recent flow as a sequence
// diagram, from the daemon's event buffer (MQTT command `events`) or from a saved `bcastctl watch --json` file.
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { locateDaemon, type LocateOptions } from '../daemon/locate.js';
import { withBrokerOptions } from '../daemon/broker-options.js';
import { MqttSession } from '../daemon/mqtt-session.js';
import { UsageError, type CliIo } from '../io.js';
import { normalizeEvents, parseEventFile, parsePlayerLog } from './events.js';
import { buildSequence } from './model.js';
import { parseSince, SINCE_FORMS } from './since.js';
import { summaryLine } from './summary.js';
import { renderSvg } from './svg.js';
import { renderText } from './text.js';

/** What the command reads from its surroundings; tests replace it. */
export interface TraceEnv {
  now(): number;
  /** Whether stdout is a terminal, and how wide. */
  isTty: boolean;
  columns: number | undefined;
  env: Readonly<Record<string, string | undefined>>;
}

const processEnv = (): TraceEnv => ({ now: Date.now, isTty: process.stdout.isTTY === true, columns: process.stdout.columns, env: process.env });

export const DEFAULT_SINCE = '10m';
const DEFAULT_WIDTH = 100;

interface TraceOptions extends LocateOptions {
  since?: string;
  svg?: string;
  input?: string;
  player?: string;
  ascii?: boolean;
  json?: boolean;
  width?: string;
  color?: boolean;
}

interface Loaded {
  events: unknown[];
  skipped: number;
  dropped: number;
  sinceMs: number | undefined;
  source: string;
}

function since(value: string, referenceMs: number): number {
  const at = parseSince(value, referenceMs);
  if (at === null) throw new UsageError(`--since '${value}' is not ${SINCE_FORMS}`);
  return at;
}

/** From a file: a duration counts back from the newest event in it (the file may be old); default: everything. */
async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function fromFile(file: string, o: TraceOptions, env: TraceEnv): Promise<Loaded> {
  const parsed = parseEventFile(await readText(file));
  const newest = normalizeEvents(parsed.events).events.at(-1)?.atMs ?? env.now();
  return { events: parsed.events, skipped: parsed.skipped, dropped: 0, sinceMs: o.since === undefined ? undefined : since(o.since, newest), source: basename(file) };
}

async function fromDaemon(o: TraceOptions, env: TraceEnv): Promise<Loaded> {
  const sinceMs = since(o.since ?? DEFAULT_SINCE, env.now());
  const session = await MqttSession.connect(await locateDaemon(o));
  try {
    const answer = await session.command('events', { sinceMs });
    if (answer['ok'] !== true) throw new Error(`events refused: ${JSON.stringify(answer['error'] ?? answer)}`);
    const result = answer['result'] as { events?: unknown; dropped?: unknown } | undefined;
    if (!result || !Array.isArray(result.events)) throw new Error('the daemon\'s events answer holds no event list');
    const dropped = typeof result.dropped === 'number' && result.dropped > 0 ? result.dropped : 0;
    return { events: result.events, skipped: 0, dropped, sinceMs, source: session.where.deviceId };
  } finally {
    await session.close();
  }
}

function widthOf(o: TraceOptions, env: TraceEnv): number {
  if (o.width === undefined) return env.isTty && env.columns ? env.columns : DEFAULT_WIDTH;
  const w = Number(o.width);
  if (!Number.isInteger(w) || w < 20) throw new UsageError(`--width takes a number of columns, at least 20, not '${o.width}'`);
  return w;
}

/** Colour: as asked, else only on a terminal that wants it (https://no-color.org, TERM=dumb). */
function colourOf(o: TraceOptions, env: TraceEnv): boolean {
  if (o.color !== undefined) return o.color;
  return env.isTty && !env.env['NO_COLOR'] && env.env['TERM'] !== 'dumb';
}

export function registerTrace(program: Command, io: CliIo, surroundings: () => TraceEnv = processEnv): void {
  withBrokerOptions(program.command('trace').description('the recent flow as a sequence diagram (modem, terminal, card, BSF, BSM, player) with timings'))
    .option('--since <duration|time>', `start of the trace: ${SINCE_FORMS}; default ${DEFAULT_SINCE} (with --input: the whole file, and durations count back from its newest event)`)
    .option('--svg <file>', 'write the diagram as SVG to this file and print a one-line summary')
    .option('--input <file>', 'read events from a file (lines of `bcastctl watch --json`, or bare event objects) instead of the daemon')
    .option('--player <file>', "merge the player's own log (examples/player's JSON lines): its STKMs, TEKs and first decrypted frame")
    .option('--ascii', 'draw with plain ASCII')
    .option('--json', 'print the sequence model as JSON')
    .option('--width <columns>', 'fit the diagram in this many columns (default: the terminal\'s, else 100)')
    .option('--color', 'colour even when stdout is not a terminal')
    .option('--no-color', 'no colour (also: NO_COLOR set, or stdout not a terminal)')
    .action(async (o: TraceOptions) => {
      const env = surroundings();
      const width = widthOf(o, env);
      const loaded = o.input !== undefined ? await fromFile(o.input, o, env) : await fromDaemon(o, env);
      if (o.player !== undefined) {
        const player = parsePlayerLog(await readText(o.player));
        loaded.events = [...loaded.events, ...player.events];
        loaded.skipped += player.skipped;
      }
      const model = buildSequence(loaded.events, {
        ...(loaded.sinceMs === undefined ? {} : { sinceMs: loaded.sinceMs }),
        skipped: loaded.skipped,
        dropped: loaded.dropped,
      });
      const ascii = o.ascii === true;
      if (o.svg !== undefined) {
        try {
          await writeFile(o.svg, renderSvg(model, { title: `bcastd trace: ${loaded.source}` }));
        } catch (e) {
          throw new Error(`cannot write ${o.svg}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      if (o.json) io.out(JSON.stringify(model, null, 2));
      else if (o.svg !== undefined) io.out(`${summaryLine(model, ascii)}; SVG written to ${o.svg}`);
      else {
        for (const line of renderText(model, { width, ascii, color: colourOf(o, env) })) io.out(line);
        io.out(summaryLine(model, ascii));
      }
    });
}
