/**
 * A minimal file works: documented defaults are filled in, derived fields computed, and the loader
 * finds boards by name in the package (not the working directory) or by path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BoardConfigSchema, LOCAL_BROKER_URL, defaultBoardDir, deviceIdFrom, loadBoardConfig, parseBoardConfig, resolveBoardConfigPath } from '../../../src/daemon/config/index.js';
import { BOARD_DIR, configError } from './helpers.js';

const MINIMAL_REAL = 'board: {name: "Living Room STB #2"}\nmodem: {port: /dev/ttyUSB2}\nnetwork: {bsmFqdn: bsm.operator.example}\n';
const MINIMAL_SIM = 'board: {name: Lab Sim}\nmodem: {profile: sim}\nnetwork: {bsmFqdn: bsm.sim.test}\n';

test('documented defaults are applied to a minimal real board', () => {
  const c = parseBoardConfig(MINIMAL_REAL, 'minimal.yaml', { env: {} });
  assert.deepEqual(c.modem, { profile: 'generic', port: '/dev/ttyUSB2', baudRate: 115200, smsMode: 'auto', apn: '', pdpType: 'IP', cid: 1 });
  assert.deepEqual(c.card, { transport: 'auto', readerPattern: '.', gbaMode: 'auto' });
  assert.deepEqual(c.network, {
    bsmFqdn: 'bsm.operator.example',
    bindToPdpAddress: true,
    ltkmPort: 4359,
    ltkmBind: 'pdp',
    ltkmSources: [],
    httpTimeoutMs: 30000,
    retry: { baseMs: 2000, maxMs: 300000, maxAttempts: 0 },
  });
  assert.deepEqual(c.terminal, {
    services: [],
    triggerRateLimit: { perMinute: 6, burst: 3, minIntervalMs: 2000, settleMs: 1000 },
    playerExchange: { enabled: false, allowRemoteBroker: false },
  });
  assert.deepEqual(c.log, { level: 'info', pretty: false });
  assert.equal(c.stateDir, '/var/lib/bcastd');
  assert.equal(c.mqtt.topicPrefix, 'bcastd/v1');
  assert.equal(c.mqtt.protocolVersion, 5);
  assert.equal(c.mqtt.healthIntervalMs, 60000);
  assert.equal(c.sim, undefined);
});

test('derived fields: deviceId from the name, client id from the deviceId, the local broker', () => {
  const c = parseBoardConfig(`${MINIMAL_REAL}deviceIdFrom: board-name\n`, 'minimal.yaml', { env: {} });
  assert.equal(c.deviceId, 'living-room-stb-2');
  assert.equal(c.mqtt.clientId, 'bcastd-living-room-stb-2');
  assert.equal(c.mqtt.url, LOCAL_BROKER_URL);
  const explicit = parseBoardConfig(`${MINIMAL_REAL}deviceId: stb_7\nmqtt: {clientId: me, url: "mqtts://b.example:8883"}\n`, 'x.yaml', { env: {} });
  assert.equal(explicit.deviceId, 'stb_7');
  assert.equal(explicit.mqtt.clientId, 'me');
  assert.equal(explicit.mqtt.url, 'mqtts://b.example:8883');
});

test('the static type says "present" for defaulted and derived fields', () => {
  const c = parseBoardConfig(MINIMAL_REAL, 'minimal.yaml', { env: { BCASTD_DEVICE_ID: 'living-room-stb-2' } });
  // Compiles only because BoardConfig (Static of the schema) marks these fields as always present.
  const present: [number, string, string, boolean, string, 4 | 5] = [c.network.ltkmPort, c.deviceId, c.mqtt.clientId, c.terminal.playerExchange.enabled, c.log.level, c.mqtt.protocolVersion];
  assert.deepEqual(present, [4359, 'living-room-stb-2', 'bcastd-living-room-stb-2', false, 'info', 5]);
});

test('deviceIdFrom: MQTT-safe, lower case, accents folded, bounded', () => {
  const table: [string, string][] = [
    ['sim', 'sim'],
    ['Living Room STB #2', 'living-room-stb-2'],
    ['Décodeur Salon', 'decodeur-salon'],
    ['--a__b--', 'a__b'],
    ['x'.repeat(70), 'x'.repeat(64)],
    [`${'a'.repeat(63)} b`, 'a'.repeat(63)],
    ['###', ''],
  ];
  for (const [name, id] of table) assert.equal(deviceIdFrom(name), id, name);
});

test('the sim board gets a sim section with defaults, and BSF/BSM URLs pointing at it', () => {
  const c = parseBoardConfig(MINIMAL_SIM, 'sim-min.yaml', { env: {} });
  assert.deepEqual(c.sim, { card: 'virtual', profile: 'full', useVpcd: 'auto', process: 'child', vpcdPort: 35963, bsfPort: 18080, bsmPort: 18081, portalPort: 18082, controlPort: 18083, pdpAddress: '10.64.0.2' });
  assert.equal(c.network.bsfUrl, 'http://127.0.0.1:18080');
  assert.equal(c.network.bsmUrl, 'http://127.0.0.1:18081');
  assert.equal(c.mqtt.url, undefined, 'no URL: the sim board starts its embedded broker');
  const anyPort = parseBoardConfig(`${MINIMAL_SIM}sim: {bsfPort: 0, bsmPort: 0}\n`, 'x.yaml', { env: {} });
  assert.equal(anyPort.network.bsfUrl, undefined, 'port 0 is only known once listening');
  const told = parseBoardConfig(`${MINIMAL_SIM.replace('network: {', 'network: {bsmUrl: "http://10.0.0.5:9000", ')}`, 'x.yaml', { env: {} });
  assert.equal(told.network.bsmUrl, 'http://10.0.0.5:9000');
});

test('every default in the schema is filled in on a minimal file', () => {
  const c = parseBoardConfig(`${MINIMAL_SIM}modem: {profile: sim, gpio: {chip: gpiochip0}}\nmqtt: {tls: {}}\n`.replace('modem: {profile: sim}\n', ''), 'x.yaml', { env: {} });
  const missing: string[] = [];
  const walk = (schema: Record<string, unknown>, value: unknown, at: string) => {
    const props = (schema['properties'] ?? {}) as Record<string, Record<string, unknown>>;
    for (const [k, s] of Object.entries(props)) {
      const v = (value as Record<string, unknown> | undefined)?.[k];
      if ('default' in s && v === undefined) missing.push(`${at}/${k}`);
      if (v !== undefined) walk(s, v, `${at}/${k}`);
    }
  };
  walk(BoardConfigSchema as unknown as Record<string, unknown>, c, '');
  assert.deepEqual(missing, []);
  assert.equal(c.modem.gpio?.activeLow, false);
  assert.equal(c.mqtt.tls?.rejectUnauthorized, true);
});

test('${VAR} expansion: set, default, empty, escaped, and a literal $', () => {
  const text = `${MINIMAL_SIM}stateDir: \${STATE:-/tmp/fallback}\nmqtt: {username: "\${USER_NAME}", passwordFile: "\${CRED}/pw"}\ncard: {readerPattern: "^Virtual PCD$|$$\{x}"}\n`;
  const c = parseBoardConfig(text, 'x.yaml', { env: { USER_NAME: 'bcastd', CRED: '/run/credentials/bcastd.service', STATE: '' } });
  assert.equal(c.stateDir, '/tmp/fallback', 'empty counts as unset when a default is given');
  assert.equal(c.mqtt.username, 'bcastd');
  assert.equal(c.mqtt.passwordFile, '/run/credentials/bcastd.service/pw');
  assert.equal(c.card.readerPattern, '^Virtual PCD$|${x}');
  assert.equal(parseBoardConfig(text, 'x.yaml', { env: { USER_NAME: 'u', CRED: '/c', STATE: '/s' } }).stateDir, '/s');
  const bad = configError(() => parseBoardConfig(`${MINIMAL_SIM}stateDir: "/a/\${1X}"\n`, 'x.yaml', { env: {} }));
  assert.equal(bad.message, 'x.yaml:4:11: /stateDir has "${1X}", expected ${NAME} or ${NAME:-default}');
  const open = configError(() => parseBoardConfig(`${MINIMAL_SIM}stateDir: "/a/\${HOME"\n`, 'x.yaml', { env: { HOME: '/h' } }));
  assert.equal(open.message, 'x.yaml:4:11: /stateDir has an unterminated "${" (write "$$" for a literal "$")');
});

test('a bare name resolves in the package board-configs/, whatever the working directory', () => {
  assert.equal(defaultBoardDir(), BOARD_DIR);
  assert.equal(resolveBoardConfigPath('sim'), join(BOARD_DIR, 'sim.yaml'));
  const cwd = process.cwd();
  const dir = mkdtempSync(join(tmpdir(), 'bcastd-config-'));
  try {
    process.chdir(dir);
    assert.equal(loadBoardConfig('sim', { env: {} }).deviceId, 'sim');
    writeFileSync(join(dir, 'mine.yaml'), MINIMAL_SIM);
    assert.equal(resolveBoardConfigPath('./mine.yaml'), join(dir, 'mine.yaml'));
    assert.equal(loadBoardConfig('./mine.yaml', { env: {} }).deviceId, 'lab-sim');
    assert.equal(loadBoardConfig(join(dir, 'mine.yaml'), { env: {} }).deviceId, 'lab-sim');
    assert.equal(loadBoardConfig('mine', { boardDir: dir, env: {} }).deviceId, 'lab-sim');
    writeFileSync(join(dir, 'bad.yaml'), `${MINIMAL_SIM}  cid: 1\n`);
    assert.equal(configError(() => loadBoardConfig('./bad.yaml', { env: {} })).message.split(':')[0], 'bad.yaml', 'shown relative to the working directory');
  } finally {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('unknown board name: did-you-mean, or the list of boards', () => {
  const near = configError(() => loadBoardConfig('rpi4-quectel-ec52', { boardDir: BOARD_DIR }));
  assert.match(near.message, /^rpi4-quectel-ec52: no board config named "rpi4-quectel-ec52" in .*board-configs \(did you mean "rpi4-quectel-ec25"\?\)$/);
  const far = configError(() => loadBoardConfig('toaster', { boardDir: BOARD_DIR }));
  assert.match(far.message, /\(boards: generic-usb-modem, rpi4-quectel-ec25, sim\)$/);
  assert.equal(far.path, '');
  const missing = configError(() => loadBoardConfig('/nonexistent/board.yaml'));
  assert.equal(missing.message, '/nonexistent/board.yaml: cannot read the board config (no such file)');
  const dir = configError(() => loadBoardConfig(BOARD_DIR + '/'));
  assert.match(dir.message, /cannot read the board config \(EISDIR\)$/);
});

test('terminal.services: GlobalPurchaseItemID || PurchaseDataReference pairs become the service IDs; none → urn:allServices', async () => {
  const { configuredServiceIds } = await import('../../../src/terminal/service-ids.js');
  const c = parseBoardConfig(
    `${MINIMAL_REAL}terminal:\n  services:\n    - {globalPurchaseItemId: "urn:oma:bcast:op:gpi:sport", purchaseDataReference: ":pd:monthly"}\n    - {globalPurchaseItemId: "urn:oma:bcast:op:gpi:news", purchaseDataReference: "pd7"}\n`,
    'pairs.yaml',
    { env: {} },
  );
  assert.deepEqual(configuredServiceIds(c.terminal.services), ['urn:oma:bcast:op:gpi:sport:pd:monthly', 'urn:oma:bcast:op:gpi:newspd7']);
  assert.deepEqual(configuredServiceIds(parseBoardConfig(MINIMAL_REAL, 'minimal.yaml', { env: {} }).terminal.services), ['urn:allServices']);
  // Half a pair, or the old plain-string form, is refused with the path of the bad item.
  assert.throws(() => parseBoardConfig(`${MINIMAL_REAL}terminal:\n  services:\n    - {globalPurchaseItemId: a}\n`, 'half.yaml', { env: {} }), /\/terminal\/services\/0.*purchaseDataReference/);
  assert.throws(() => parseBoardConfig(`${MINIMAL_REAL}terminal:\n  services: [urn:allServices]\n`, 'old.yaml', { env: {} }), /\/terminal\/services\/0/);
});

test('sim.card external needs the subscriber file (the card\'s IMSI, K, OPc) and a PC/SC card', () => {
  assert.equal(parseBoardConfig(MINIMAL_SIM, 'sim.yaml', { env: {} }).sim!.card, 'virtual');
  assert.throws(() => parseBoardConfig(`${MINIMAL_SIM}sim: {card: external}\n`, 'ext.yaml', { env: {} }), /\/sim\/card .*subscriberFile/);
  assert.throws(() => parseBoardConfig(`${MINIMAL_SIM}card: {transport: in-process}\nsim: {card: external, subscriberFile: /etc/bcastd/card.json}\n`, 'ext.yaml', { env: {} }), /\/card\/transport/);
  const c = parseBoardConfig(`${MINIMAL_SIM}sim: {card: external, subscriberFile: /etc/bcastd/card.json}\n`, 'ext.yaml', { env: {} });
  assert.equal(c.sim!.card, 'external');
});
