// Where is the daemon? `--broker`/`--device` say it outright; otherwise the runtime file the daemon wrote at start
// (broker URL, topic prefix, device id, its board config, the simulator's control API): with --board, in that
// board's state dir; without, first in the board's RuntimeDirectory (/run/bcastd, or $BCASTD_RUNTIME_DIR), where a
// daemon under systemd writes it, so that bcastctl on a board finds the running daemon with no flag at all; else
// the sim board's state dir.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadBoardConfig } from '../../daemon/config/index.js';
import { DEFAULT_RUNTIME_DIR, RUNTIME_FILE, type RuntimeInfo } from '../../daemon/runtime-file.js';
import { readCredentialFile, type BrokerLogin } from '../../mqtt/index.js';
import { UsageError } from '../io.js';
import { brokerAuth, type BrokerAuth, type BrokerCliOptions } from './broker-options.js';

export interface DaemonLocation {
  mqttUrl: string;
  topicPrefix: string;
  /** A device id, or '+' for every device on the broker. */
  deviceId: string;
  sim?: RuntimeInfo['sim'];
  /** TLS and login for the broker (board config, overridden by the command line). */
  auth?: BrokerAuth;
}

export type LocateOptions = Omit<BrokerCliOptions, 'device'> & { device?: string };

async function readRuntime(dir: string): Promise<RuntimeInfo | null> {
  try {
    return JSON.parse(await readFile(join(dir, RUNTIME_FILE), 'utf8')) as RuntimeInfo;
  } catch {
    return null;
  }
}

export async function locateDaemon(o: LocateOptions): Promise<DaemonLocation> {
  // No board named: the daemon the board runs (its runtime file names its board config), else the sim board.
  const running = o.board === undefined ? await readRuntime(process.env['BCASTD_RUNTIME_DIR'] ?? DEFAULT_RUNTIME_DIR) : null;
  const config = loadBoardConfig(o.board ?? running?.boardFile ?? 'sim');
  const runtime = running ?? (await readRuntime(config.stateDir));
  const mqttUrl = o.broker ?? runtime?.mqttUrl ?? config.mqtt.url;
  if (!mqttUrl) {
    throw new UsageError(`no running bcastd found for board ${config.board.name} (no ${join(config.stateDir, RUNTIME_FILE)}): start it with npm start, or give --broker`);
  }
  // The tester's login: named by the running daemon (npm start's local broker) or by the board config.
  const testerFile = runtime?.testerCredentials ?? config.mqtt.testerCredentials;
  let tester: BrokerLogin | undefined;
  if (testerFile !== undefined && o.username === undefined && o.passwordFile === undefined) {
    try {
      tester = await readCredentialFile(testerFile);
    } catch (e) {
      throw new UsageError(`cannot use the tester login ${testerFile}: ${(e as Error).message} (give --username and --password-file)`);
    }
  }
  return {
    mqttUrl,
    topicPrefix: runtime?.topicPrefix ?? config.mqtt.topicPrefix,
    deviceId: o.device ?? runtime?.deviceId ?? config.deviceId,
    ...(runtime?.sim ? { sim: runtime.sim } : {}),
    auth: brokerAuth(o, { ...(config.mqtt.tls ? { tls: config.mqtt.tls } : {}), ...(config.mqtt.username ? { username: config.mqtt.username } : {}), ...(config.mqtt.passwordFile ? { passwordFile: config.mqtt.passwordFile } : {}) }, tester),
  };
}
