/**
 * What JSON Schema cannot say about a board config: values derived from other fields, and rules
 * across fields. `prepare` runs before schema validation (so defaults reach what it adds), `complete`
 * after it (so the types are sound). Both report through the same located Problem as the schema.
 */
import type { BoardConfig } from './schema.js';
import type { Problem } from './validate.js';
import { deviceIdFrom, machineDeviceId, MQTT_ID } from './device-id.js';

export { deviceIdFrom };

/** What `complete` may look at outside the file (injected by tests). */
export interface RuleContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Contents of /etc/machine-id, or null when there is none. */
  readonly machineId: () => string | null;
}

/** The broker a real board reports to when its config names none: the board's own mosquitto. */
export const LOCAL_BROKER_URL = 'mqtt://127.0.0.1:1883';

/** Before validation: the sim board gets a `sim` section (then filled with defaults by the schema). */
export function prepare(value: unknown): void {
  if (!isObject(value)) return;
  const modem = value['modem'];
  if (isObject(modem) && modem['profile'] === 'sim' && value['sim'] === undefined) value['sim'] = {};
}

/** After validation: fill derived fields, check cross-field rules. */
export function complete(c: BoardConfig, ctx: RuleContext): Problem[] {
  const problems: Problem[] = [];
  const problem = (path: string, anchor: 'key' | 'value', expected: string, message: string) =>
    problems.push({ path, locateAt: path, anchor, expected, message: `${path} ${message}` });
  const isSim = c.modem.profile === 'sim';

  // deviceId: the config's > $BCASTD_DEVICE_ID > derived (device-id.ts).
  const fromEnv = ctx.env['BCASTD_DEVICE_ID'];
  if (c.deviceId === undefined && fromEnv !== undefined && fromEnv !== '') {
    if (new RegExp(MQTT_ID).test(fromEnv)) c.deviceId = fromEnv;
    else problem('/deviceId', 'key', 'an MQTT-safe id (letters, digits, "-" and "_", at most 64)', `is absent and $BCASTD_DEVICE_ID ${JSON.stringify(fromEnv)} is not an MQTT-safe id (letters, digits, "-" and "_", at most 64)`);
  }
  c.deviceIdFrom ??= isSim ? 'board-name' : 'machine-id';
  if (c.deviceId === undefined && c.deviceIdFrom === 'machine-id') {
    const machineId = ctx.machineId();
    const id = machineId === null ? null : machineDeviceId(c.board.name, machineId);
    if (id === null) problem('/deviceIdFrom', 'key', 'a readable /etc/machine-id (32 hex), or deviceId / $BCASTD_DEVICE_ID', `is "machine-id" but ${machineId === null ? '/etc/machine-id cannot be read' : '/etc/machine-id is not 32 hex digits'}; set deviceId or $BCASTD_DEVICE_ID`);
    else c.deviceId = id;
  }
  if (c.deviceId === undefined && c.deviceIdFrom === 'board-name') {
    const id = deviceIdFrom(c.board.name);
    if (id === '') problem('/board/name', 'value', 'a name with letters or digits, or an explicit deviceId', 'has no letters or digits to derive a deviceId from; set deviceId');
    else c.deviceId = id;
  }
  c.mqtt.clientId ??= `bcastd-${c.deviceId}`;
  if (!isSim) c.mqtt.url ??= LOCAL_BROKER_URL;

  if (c.sim !== undefined && !isSim) problem('/sim', 'key', 'no sim section on a real board', `is only used with modem profile "sim" (this board's is "${c.modem.profile}")`);
  if (c.card.transport === 'in-process' && !isSim) problem('/card/transport', 'value', '"pcsc" or "auto"', `"in-process" is the simulated USIM, only for modem profile "sim"`);
  if (c.sim?.card === 'external') {
    // The simulated network must know the card's secrets; the card itself is in a PC/SC reader.
    if (c.sim.subscriberFile === undefined) problem('/sim/card', 'value', 'a subscriberFile with the card\'s IMSI, K and OPc', 'is "external": /sim/subscriberFile must name the card\'s IMSI, K and OPc');
    if (c.card.transport === 'in-process') problem('/card/transport', 'value', '"pcsc" or "auto"', 'is "in-process", but sim.card "external" is a card in a PC/SC reader');
  }
  if (c.sim !== undefined) {
    // The simulated BSF/BSM listen on loopback; point the clients at them unless told otherwise.
    if (c.network.bsfUrl === undefined && c.sim.bsfPort !== 0) c.network.bsfUrl = `http://127.0.0.1:${c.sim.bsfPort}`;
    if (c.network.bsmUrl === undefined && c.sim.bsmPort !== 0) c.network.bsmUrl = `http://127.0.0.1:${c.sim.bsmPort}`;
  }

  const gpio = c.modem.gpio;
  if (gpio?.resetLine !== undefined && gpio.resetLine === gpio.powerLine) problem('/modem/gpio/powerLine', 'value', 'a line other than resetLine', `must differ from /modem/gpio/resetLine (both ${gpio.resetLine})`);

  const px = c.terminal.playerExchange;
  if (px.enabled && !px.allowRemoteBroker && c.mqtt.url !== undefined && !isLoopbackUrl(c.mqtt.url)) {
    problem('/terminal/playerExchange/enabled', 'value', 'false, or allowRemoteBroker: true', `would send TEKs to the non-loopback broker ${new URL(c.mqtt.url).host}; set allowRemoteBroker: true to allow it`);
  }
  // TEKs only to an authenticated player: the broker must know who is who (the local broker bcastd starts does).
  const brokerAuthenticates = c.mqtt.url === undefined || (c.mqtt.username !== undefined && c.mqtt.passwordFile !== undefined) || c.mqtt.tls?.cert !== undefined;
  if (px.enabled && !brokerAuthenticates) {
    problem('/terminal/playerExchange/enabled', 'value', 'false, or a broker login (mqtt.username + mqtt.passwordFile, or mqtt.tls.cert)', `would hand TEKs to whoever subscribes on a broker that takes anonymous clients; give bcastd a broker account (roles: packaging/mosquitto/)`);
  }
  return problems;
}

function isLoopbackUrl(url: string): boolean {
  // A unix socket never leaves the box.
  if (url.startsWith('mqtt+unix:')) return true;
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
