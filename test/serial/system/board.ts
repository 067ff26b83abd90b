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

/** Writes `<dir>/board.yaml` and returns its path and content. */
export function writeTestBoard(dir: string, o: { mqttUrl: string; stateDir: string; overrides?: Overrides }): TestBoard {
  const shipped = parse(readFileSync(join(repoRoot, 'board-configs', 'sim.yaml'), 'utf8')) as Record<string, unknown>;
  // A login, as bcastd refuses the player exchange without one (the rig's mosquitto takes any login: its ACL is
  // not under test here, see test/integration/mqtt/roles.test.ts).
  const passwordFile = join(dir, 'mqtt-password');
  writeFileSync(passwordFile, 'system-rig\n', { mode: 0o600 });
  const config = merge(shipped, {
    mqtt: { url: o.mqttUrl, protocolVersion: 5, healthIntervalMs: 1000, username: 'bcastd', passwordFile },
    stateDir: o.stateDir,
    log: { pretty: false },
  });
  if (o.overrides) merge(config, o.overrides);
  const file = join(dir, 'board.yaml');
  writeFileSync(file, stringify(config));
  return { file, config };
}
