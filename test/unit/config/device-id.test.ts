// deviceId precedence and derivation (src/daemon/config/device-id.ts): the config's > $BCASTD_DEVICE_ID >
// deviceIdFrom (machine-id on real boards, board-name on the sim board). Two units of one board config never
// share an id, and the machine id itself never appears in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { loadBoardConfig, machineDeviceId, parseBoardConfig } from '../../../src/daemon/config/index.js';
import { BOARD_DIR, configError } from './helpers.js';

const REAL = 'board: {name: "Living Room STB #2"}\nmodem: {port: /dev/ttyUSB2}\nnetwork: {bsmFqdn: bsm.operator.example}\n';
const UNIT_A = '4c4c4544003510508058b3c04f4d3532';
const UNIT_B = '4c4c4544003510508058b3c04f4d3533';
const load = (text: string, env: Record<string, string> = {}, machineId: string | null = UNIT_A) => parseBoardConfig(text, 'x.yaml', { env, machineId: () => machineId });

test('a real board: board name + 12 hex of HMAC-SHA256(machine id, "bcastd-device-id"); the machine id is not in it', () => {
  const c = load(REAL);
  const hash = createHmac('sha256', Buffer.from(UNIT_A, 'hex')).update('bcastd-device-id').digest('hex').slice(0, 12);
  assert.equal(c.deviceId, `living-room-stb-2-${hash}`);
  assert.equal(c.deviceIdFrom, 'machine-id');
  assert.equal(c.mqtt.clientId, `bcastd-living-room-stb-2-${hash}`);
  assert.ok(!c.deviceId.includes(UNIT_A.slice(0, 8)));
  assert.equal(load(REAL, {}, `${UNIT_A.toUpperCase()}\n`).deviceId, c.deviceId, 'the file as written: newline, any case');
});

test('two units with one board config never collide (every shipped real board)', () => {
  for (const board of ['rpi4-quectel-ec25', 'generic-usb-modem']) {
    const env = { CREDENTIALS_DIRECTORY: '/run/credentials/bcastd.service' };
    const a = loadBoardConfig(board, { boardDir: BOARD_DIR, env, machineId: () => UNIT_A }).deviceId;
    const b = loadBoardConfig(board, { boardDir: BOARD_DIR, env, machineId: () => UNIT_B }).deviceId;
    assert.notEqual(a, b, board);
    assert.match(a, new RegExp(`^${board}-[0-9a-f]{12}$`));
  }
  // and the id stays within an MQTT topic level of 64 characters whatever the board name
  assert.equal(machineDeviceId('x'.repeat(100), UNIT_A)!.length, 64);
});

test('precedence: deviceId in the config > $BCASTD_DEVICE_ID > deviceIdFrom', () => {
  assert.equal(load(`${REAL}deviceId: stb-7\n`, { BCASTD_DEVICE_ID: 'from-env' }).deviceId, 'stb-7');
  assert.equal(load(REAL, { BCASTD_DEVICE_ID: 'from-env' }).deviceId, 'from-env');
  assert.equal(load(`${REAL}deviceId: \${BCASTD_DEVICE_ID}\n`, { BCASTD_DEVICE_ID: 'via-file' }).deviceId, 'via-file');
  assert.equal(load(REAL, { BCASTD_DEVICE_ID: '' }).deviceId, machineDeviceId('Living Room STB #2', UNIT_A), 'empty counts as unset');
  assert.equal(load(`${REAL}deviceIdFrom: board-name\n`).deviceId, 'living-room-stb-2');
});

test('the sim board keeps `sim` (tests and README commands), unless told otherwise', () => {
  assert.equal(loadBoardConfig('sim', { boardDir: BOARD_DIR, env: {}, machineId: () => UNIT_A }).deviceId, 'sim');
  assert.equal(loadBoardConfig('sim', { boardDir: BOARD_DIR, env: { BCASTD_DEVICE_ID: 'lab-2' }, machineId: () => UNIT_A }).deviceId, 'lab-2');
});

test('no usable id: one located error naming what to set', () => {
  const env = configError(() => load(REAL, { BCASTD_DEVICE_ID: 'stb/1' }));
  assert.equal(env.message, 'x.yaml: /deviceId is absent and $BCASTD_DEVICE_ID "stb/1" is not an MQTT-safe id (letters, digits, "-" and "_", at most 64)');
  const none = configError(() => load(REAL, {}, null));
  assert.equal(none.message, 'x.yaml: /deviceIdFrom is "machine-id" but /etc/machine-id cannot be read; set deviceId or $BCASTD_DEVICE_ID');
  const bad = configError(() => load(REAL, {}, 'uninitialized\n'));
  assert.match(bad.message, /\/etc\/machine-id is not 32 hex digits/);
});
