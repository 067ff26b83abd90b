// The board config a system test runs bcastd with: board-configs/sim.yaml as shipped (same sim ports, same
// policy), pointed at the test's mosquitto (MQTT 5) and temp state dir, JSON logs, plus per-test overrides.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { repoRoot } from '../../helpers/repo.js';

export type Overrides = { [key: string]: unknown };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Objects merge key by key; anything else (arrays included) replaces. */
function merge(into: Record<string, unknown>, add: Overrides): Record<string, unknown> {
  for (const [k, v] of Object.entries(add)) {
    const cur = into[k];
    into[k] = isObject(cur) && isObject(v) ? merge({ ...cur }, v) : v;
  }
  return into;
}

export interface TestBoard {
  file: string;
  config: Record<string, unknown>;
}

export interface Login {
  username: string;
  password: string;
}

/** Writes `<dir>/board.yaml` and returns its path and content. */
export function writeTestBoard(dir: string, o: { mqttUrl: string; stateDir: string; bcastd: Login; tester: Login; overrides?: Overrides }): TestBoard {
  const shipped = parse(readFileSync(join(repoRoot, 'board-configs', 'sim.yaml'), 'utf8')) as Record<string, unknown>;
  // The rig's mosquitto enforces the roles (harness.ts): bcastd logs in as `bcastd`, and bcastctl --board finds the
  // tester's login through mqtt.testerCredentials, as on a board set up by packaging/mosquitto/bcastd-mqtt-accounts.
  const passwordFile = join(dir, 'mqtt-password');
  writeFileSync(passwordFile, `${o.bcastd.password}\n`, { mode: 0o600 });
  const testerCredentials = join(dir, 'tester.json');
  writeFileSync(testerCredentials, JSON.stringify(o.tester) + '\n', { mode: 0o600 });
  const config = merge(shipped, {
    mqtt: { url: o.mqttUrl, protocolVersion: 5, healthIntervalMs: 1000, username: o.bcastd.username, passwordFile, testerCredentials },
    stateDir: o.stateDir,
    log: { pretty: false },
  });
  if (o.overrides) merge(config, o.overrides);
  const file = join(dir, 'board.yaml');
  writeFileSync(file, stringify(config));
  return { file, config };
}
