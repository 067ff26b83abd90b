/**
 * What goes into a support bundle, gathered with whatever works: the daemon's `diagnostics` answer and the
 * retained topics over MQTT, the board config and the runtime file read locally. A step that fails is noted,
 * never fatal: a stopped daemon still gets a bundle (its config, its runtime file, the last retained state).
 */
import { readFile } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { join } from 'node:path';
import { loadBoardConfig, type BoardConfig } from '../../daemon/config/index.js';
import { redactConfig } from '../../daemon/diagnostics/redact-config.js';
import { maskPlain } from '../../daemon/diagnostics/masker.js';
import { RUNTIME_FILE } from '../../daemon/runtime-file.js';
import { packageVersion } from '../../daemon/version.js';
import { locateDaemon, type DaemonLocation, type LocateOptions } from '../daemon/locate.js';
import { MqttSession } from '../daemon/mqtt-session.js';
import { UsageError } from '../io.js';

export interface CollectOptions extends LocateOptions {
  /** Log lines to ask for (default: all the daemon's ring holds). */
  logLines?: number;
  /** How long to wait for the daemon's answer. */
  timeoutMs?: number;
  /** How long retained topics may take to arrive after subscribing. */
  settleMs?: number;
  now?: () => Date;
}

export interface BundleCollection {
  createdAt: Date;
  deviceId: string;
  board: string | null;
  /** The broker asked, credentials masked; null when none was found. */
  broker: string | null;
  /** The daemon's `diagnostics` answer (its `result`), or null when it did not answer. */
  diagnostics: Record<string, unknown> | null;
  /** The redacted board config and where it came from. */
  config: { source: string; value: unknown } | null;
  /** Retained topics of the device: name below `<prefix>/<device>/` → payload. */
  topics: Record<string, unknown>;
  /** The counters and where they came from (the daemon's answer, else its last retained `health`). */
  counters: { source: string; value: unknown } | null;
  /** The runtime file on this machine, when there is one. */
  runtime: unknown;
  logs: string[] | null;
  bcastctl: { version: string | null; node: string; platform: string; arch: string };
  /** What could not be collected, one sentence each. */
  problems: string[];
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function collectBundle(o: CollectOptions): Promise<BundleCollection> {
  const problems: string[] = [];
  const board = o.board ?? 'sim';

  let config: BoardConfig | null = null;
  try {
    config = loadBoardConfig(board);
  } catch (e) {
    problems.push(`board config "${board}" not read: ${message(e)}`);
  }

  let runtime: unknown = null;
  if (config) {
    const file = join(config.stateDir, RUNTIME_FILE);
    try {
      runtime = JSON.parse(await readFile(file, 'utf8')) as unknown;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problems.push(code === 'ENOENT' ? `no runtime file ${file} (the daemon is not running on this machine with this board)` : `runtime file ${file} not read: ${message(e)}`);
    }
  }

  let where: DaemonLocation | null = null;
  try {
    where = await locateDaemon(o);
  } catch (e) {
    problems.push(`daemon not located: ${message(e)}`);
  }
  if (where?.deviceId === '+') throw new UsageError('a bundle is for one device: give --device <id>');

  let diagnostics: Record<string, unknown> | null = null;
  const topics: Record<string, unknown> = {};
  if (where) {
    let session: MqttSession | null = null;
    try {
      session = await MqttSession.connect(where);
    } catch (e) {
      problems.push(`broker not reached: ${message(e)}`);
    }
    if (session) {
      try {
        for (const m of await session.snapshot(o.settleMs)) if (m.device === where.deviceId) topics[m.name] = m.payload;
        if (Object.keys(topics).length === 0) problems.push(`no retained topics under ${where.topicPrefix}/${where.deviceId}/`);
        const answer = await session.command('diagnostics', o.logLines !== undefined ? { logLines: o.logLines } : {}, o.timeoutMs ?? 10_000);
        if (answer['ok'] === true && answer['result'] && typeof answer['result'] === 'object') diagnostics = answer['result'] as Record<string, unknown>;
        else problems.push(`the daemon refused diagnostics: ${JSON.stringify(answer['error'] ?? answer)}`);
      } catch (e) {
        problems.push(`the daemon did not answer diagnostics: ${message(e)}`);
      } finally {
        await session.close().catch(() => undefined);
      }
    }
  }

  return {
    createdAt: (o.now ?? (() => new Date()))(),
    deviceId: where?.deviceId ?? config?.deviceId ?? 'unknown',
    board: config?.board.name ?? null,
    broker: where ? maskPlain(where.mqttUrl) : null,
    diagnostics,
    config: configOf(diagnostics, config, board, problems),
    topics,
    counters: diagnostics && 'counters' in diagnostics ? { source: 'the daemon (diagnostics)', value: diagnostics['counters'] } : topics['health'] !== undefined ? { source: 'the retained health topic', value: topics['health'] } : null,
    runtime,
    logs: diagnostics && typeof diagnostics['logs'] === 'object' && diagnostics['logs'] !== null ? linesOf(diagnostics['logs']) : null,
    bcastctl: { version: packageVersion(), node: process.version, platform: platform(), arch: arch() },
    problems,
  };
}

function configOf(diagnostics: Record<string, unknown> | null, local: BoardConfig | null, board: string, problems: string[]): BundleCollection['config'] {
  const text = diagnostics?.['configJson'];
  if (typeof text === 'string') {
    try {
      return { source: 'the running daemon (as it loaded it)', value: JSON.parse(text) as unknown };
    } catch (e) {
      problems.push(`the daemon's config was not JSON: ${message(e)}`);
    }
  }
  return local ? { source: `the board config "${board}" read by bcastctl on this machine`, value: redactConfig(local) } : null;
}

function linesOf(logs: object): string[] {
  const lines = (logs as { lines?: unknown }).lines;
  return Array.isArray(lines) ? lines.filter((l): l is string => typeof l === 'string') : [];
}
