// `<state dir>/runtime.json`: how tools on the box find the running daemon (broker URL, topic prefix, device
// id, the simulator's control API). Written atomically at start, removed at a clean stop. No secrets.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { removeStaleTemps, writeFileAtomic } from '../store/atomic-file.js';

export interface RuntimeInfo {
  pid: number;
  deviceId: string;
  board: string;
  mqttUrl: string;
  topicPrefix: string;
  startedAt: string;
  /** The board config file the daemon runs with (absolute path). */
  boardFile?: string;
  /** Only on the sim board. */
  sim?: { controlUrl: string; portalUrl: string; /** PID of the simulated world's own process (sim.process child). */ pid?: number };
  /** The tester's login of the local broker: a JSON file {"username","password"} (mode 0600, our uid). */
  testerCredentials?: string;
  /** The player's login of the local broker the daemon started (same form): for a player on the same box. */
  playerCredentials?: string;
  /** PID of the local broker the daemon started (none when mqtt.url names one, or for the in-process aedes). */
  brokerPid?: number;
}

export const RUNTIME_FILE = 'runtime.json';
/** Where a board's bcastd (systemd RuntimeDirectory=bcastd) writes its runtime file too; bcastctl looks here first. */
export const DEFAULT_RUNTIME_DIR = '/run/bcastd';

export async function writeRuntimeInfo(stateDir: string, info: RuntimeInfo): Promise<void> {
  // Temp files of a run that crashed mid-write (one daemon per state dir: none of them is in flight).
  await removeStaleTemps(join(stateDir, RUNTIME_FILE));
  await writeFileAtomic(join(stateDir, RUNTIME_FILE), JSON.stringify(info, null, 2) + '\n');
}

export async function removeRuntimeInfo(stateDir: string): Promise<void> {
  await rm(join(stateDir, RUNTIME_FILE), { force: true });
}

/** The runtime file a previous run left (after a crash or SIGKILL), or null. */
export async function readRuntimeInfo(stateDir: string): Promise<RuntimeInfo | null> {
  try {
    return JSON.parse(await readFile(join(stateDir, RUNTIME_FILE), 'utf8')) as RuntimeInfo;
  } catch {
    return null;
  }
}
