/**
 * Bad board configs → the exact one-line message, JSON pointer, line/col and expectation. Each case
 * is a whole small file so the positions can be checked by eye.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBoardConfig } from '../../../src/daemon/config/index.js';
import { configError } from './helpers.js';

const SRC = 'board-configs/x.yaml';
const HEAD = 'board:\n  name: Test Board\n';
const REAL = `${HEAD}modem:\n  profile: generic\n  port: /dev/ttyUSB2\n`;
const NET = 'network:\n  bsmFqdn: bsm.operator.example\n';

interface Case {
  name: string;
  text: string;
  env?: Record<string, string>;
  message: string;
  path: string;
  line?: number;
  col?: number;
  expected: string;
}

const cases: Case[] = [
  {
    name: 'wrong type, value located',
    text: `${HEAD}modem:\n  profile: generic\n  port: /dev/ttyUSB2\n  baudRate: fast\n${NET}`,
    message: `${SRC}:6:13: /modem/baudRate must be integer (got "fast")`,
    path: '/modem/baudRate', line: 6, col: 13, expected: 'integer',
  },
  {
    name: 'enum',
    text: `${REAL}  smsMode: pdu\n${NET}`,
    message: `${SRC}:6:12: /modem/smsMode must be one of "cmt", "cmti", "auto" (got "pdu")`,
    path: '/modem/smsMode', line: 6, col: 12, expected: 'one of "cmt", "cmti", "auto"',
  },
  {
    name: 'numeric enum',
    text: `${REAL}${NET}mqtt:\n  protocolVersion: 3\n`,
    message: `${SRC}:9:20: /mqtt/protocolVersion must be one of 4, 5 (got 3)`,
    path: '/mqtt/protocolVersion', line: 9, col: 20, expected: 'one of 4, 5',
  },
  {
    name: 'conditional requirement: a real modem needs a port',
    text: `${HEAD}modem:\n  profile: quectel-ec25\n${NET}`,
    message: `${SRC}:3:1: /modem/port is required (a serial port path for every modem profile except "sim")`,
    path: '/modem/port', line: 3, col: 1, expected: 'a serial port path for every modem profile except "sim"',
  },
  {
    name: 'missing top-level section has no position',
    text: REAL,
    message: `${SRC}: /network is required`,
    path: '/network', expected: 'Where the BSF and BSM are and how to reach them.',
  },
  {
    name: 'unknown key with did-you-mean',
    text: `${REAL}  baudrate: 9600\n${NET}`,
    message: `${SRC}:6:3: /modem/baudrate is not a known key (did you mean "baudRate"?)`,
    path: '/modem/baudrate', line: 6, col: 3,
    expected: 'one of the keys profile, port, baudRate, urcPort, smsMode, apn, pdpType, cid, gpio, timeouts',
  },
  {
    name: 'misspelt required section: only the did-you-mean is reported',
    text: `${REAL}netwrok:\n  bsmFqdn: bsm.operator.example\n`,
    message: `${SRC}:6:1: /netwrok is not a known key (did you mean "network"?)`,
    path: '/netwrok', line: 6, col: 1,
    expected: 'one of the keys board, deviceId, deviceIdFrom, modem, card, network, mqtt, terminal, stateDir, log, sim',
  },
  {
    name: 'unknown key far from any known one lists them',
    text: `${HEAD}colour: red\n`,
    message: `${SRC}:3:1: /colour is not a known key (known keys: board, deviceId, deviceIdFrom, modem, card, network, mqtt, terminal, stateDir, log, sim) (and 2 more problems)`,
    path: '/colour', line: 3, col: 1,
    expected: 'one of the keys board, deviceId, deviceIdFrom, modem, card, network, mqtt, terminal, stateDir, log, sim',
  },
  {
    name: 'unknown log component',
    text: `${REAL}${NET}log:\n  components:\n    modme: trace\n`,
    message: `${SRC}:10:5: /log/components/modme is not a known key (did you mean "modem"?)`,
    path: '/log/components/modme', line: 10, col: 5,
    expected: 'one of the keys daemon, terminal, modem, card, gba, bsm, mqtt, store, sim',
  },
  {
    name: 'record keys: AT command names without AT',
    text: `${REAL}  timeouts:\n    perCommand:\n      AT+COPS: 180000\n${NET}`,
    message: `${SRC}:8:7: /modem/timeouts/perCommand/AT+COPS is not a known key (keyed by AT command names like "+COPS" or "$QCRMCALL")`,
    path: '/modem/timeouts/perCommand/AT+COPS', line: 8, col: 7,
    expected: 'keyed by AT command names like "+COPS" or "$QCRMCALL"',
  },
  {
    name: 'anyOf reported once with its summary',
    text: `${REAL}network:\n  bsmFqdn: bsm.operator.example\n  ltkmBind: wlan0\n`,
    message: `${SRC}:8:13: /network/ltkmBind must be "pdp", "loopback" or an IP address (got "wlan0")`,
    path: '/network/ltkmBind', line: 8, col: 13, expected: '"pdp", "loopback" or an IP address',
  },
  {
    name: 'pattern and format failing together give one issue',
    text: `${REAL}network:\n  bsmFqdn: bsm.operator.example\n  bsmUrl: ftp://bsm\n`,
    message: `${SRC}:8:11: /network/bsmUrl must be an http:// or https:// URL (got "ftp://bsm")`,
    path: '/network/bsmUrl', line: 8, col: 11, expected: 'an http:// or https:// URL',
  },
  {
    name: 'host name pattern',
    text: `${REAL}network:\n  bsmFqdn: http://bsm.example\n`,
    message: `${SRC}:7:12: /network/bsmFqdn must be a host name (FQDN) (got "http://bsm.example")`,
    path: '/network/bsmFqdn', line: 7, col: 12, expected: 'a host name (FQDN)',
  },
  {
    name: 'range',
    text: `${REAL}network:\n  bsmFqdn: bsm.operator.example\n  ltkmPort: 70000\n`,
    message: `${SRC}:8:13: /network/ltkmPort must be <= 65535 (got 70000)`,
    path: '/network/ltkmPort', line: 8, col: 13, expected: '<= 65535',
  },
  {
    name: 'empty string',
    text: `board:\n  name: ""\nmodem:\n  profile: sim\n${NET}`,
    message: `${SRC}:2:9: /board/name must not be empty (got "")`,
    path: '/board/name', line: 2, col: 9, expected: 'a non-empty string',
  },
  {
    name: 'empty value points at its key',
    text: `${HEAD}modem:\n${NET}`,
    message: `${SRC}:3:1: /modem must be a mapping (got null)`,
    path: '/modem', line: 3, col: 1, expected: 'a mapping',
  },
  {
    name: 'MQTT-unsafe device id',
    text: `${HEAD}deviceId: stb/1\nmodem:\n  profile: sim\n${NET}`,
    message: `${SRC}:3:11: /deviceId must be an MQTT-safe id (letters, digits, "-" and "_", at most 64) (got "stb/1")`,
    path: '/deviceId', line: 3, col: 11, expected: 'an MQTT-safe id (letters, digits, "-" and "_", at most 64)',
  },
  {
    name: 'invalid regular expression',
    text: `${REAL}card:\n  readerPattern: "(Virtual"\n${NET}`,
    message: `${SRC}:7:18: /card/readerPattern must be a valid regular expression (got "(Virtual")`,
    path: '/card/readerPattern', line: 7, col: 18, expected: 'a valid regular expression',
  },
  {
    name: 'relative path',
    text: `${REAL}${NET}stateDir: state\n`,
    message: `${SRC}:8:11: /stateDir must be an absolute path (got "state")`,
    path: '/stateDir', line: 8, col: 11, expected: 'an absolute path',
  },
  {
    name: 'auto or boolean',
    text: `${HEAD}modem:\n  profile: sim\n${NET}sim:\n  useVpcd: yes\n`,
    message: `${SRC}:8:12: /sim/useVpcd must be "auto", true or false (got "yes")`,
    path: '/sim/useVpcd', line: 8, col: 12, expected: '"auto", true or false',
  },
  {
    name: 'repeated list item',
    text: `${REAL}${NET}terminal:\n  services: [{globalPurchaseItemId: a, purchaseDataReference: b}, {globalPurchaseItemId: a, purchaseDataReference: b}]\n`,
    message: `${SRC}:9:13: /terminal/services must not repeat an item (items 0 and 1 are equal)`,
    path: '/terminal/services', line: 9, col: 13, expected: 'a list without repeats',
  },
  {
    name: 'list item located by index',
    text: `${REAL}${NET}terminal:\n  services:\n    - {globalPurchaseItemId: a, purchaseDataReference: b}\n    - globalPurchaseItemId: bad id\n      purchaseDataReference: b\n`,
    message: `${SRC}:11:29: /terminal/services/1/globalPurchaseItemId must be a non-empty id without spaces (got "bad id")`,
    path: '/terminal/services/1/globalPurchaseItemId', line: 11, col: 29, expected: 'a non-empty id without spaces',
  },
  {
    name: 'unset environment variable',
    text: `${REAL}network:\n  bsmFqdn: \${BSM_FQDN}\n`,
    env: {},
    message: `${SRC}:7:12: /network/bsmFqdn uses environment variable BSM_FQDN, which is not set`,
    path: '/network/bsmFqdn', line: 7, col: 12, expected: 'a set environment variable or ${NAME:-default}',
  },
  {
    name: 'expanded value is validated',
    text: `${REAL}network:\n  bsmFqdn: \${BSM_FQDN}\n`,
    env: { BSM_FQDN: 'not a host' },
    message: `${SRC}:7:12: /network/bsmFqdn must be a host name (FQDN) (got "not a host")`,
    path: '/network/bsmFqdn', line: 7, col: 12, expected: 'a host name (FQDN)',
  },
  {
    name: 'rule: sim section on a real board',
    text: `${REAL}${NET}sim:\n  bsfPort: 0\n`,
    message: `${SRC}:8:1: /sim is only used with modem profile "sim" (this board's is "generic")`,
    path: '/sim', line: 8, col: 1, expected: 'no sim section on a real board',
  },
  {
    name: 'rule: in-process USIM only on the sim board',
    text: `${REAL}card:\n  transport: in-process\n${NET}`,
    message: `${SRC}:7:14: /card/transport "in-process" is the simulated USIM, only for modem profile "sim"`,
    path: '/card/transport', line: 7, col: 14, expected: '"pcsc" or "auto"',
  },
  {
    name: 'rule: reset and power on one GPIO line',
    text: `${REAL}  gpio: {chip: gpiochip0, resetLine: 22, powerLine: 22}\n${NET}`,
    message: `${SRC}:6:53: /modem/gpio/powerLine must differ from /modem/gpio/resetLine (both 22)`,
    path: '/modem/gpio/powerLine', line: 6, col: 53, expected: 'a line other than resetLine',
  },
  {
    name: 'rule: TEKs never to a remote broker unless allowed',
    text: `${REAL}${NET}mqtt:\n  url: mqtts://broker.fleet.example:8883\n  username: bcastd\n  passwordFile: /run/pw\nterminal:\n  playerExchange:\n    enabled: true\n`,
    message: `${SRC}:14:14: /terminal/playerExchange/enabled would send TEKs to the non-loopback broker broker.fleet.example:8883; set allowRemoteBroker: true to allow it`,
    path: '/terminal/playerExchange/enabled', line: 14, col: 14, expected: 'false, or allowRemoteBroker: true',
  },
  {
    name: 'rule: TEKs only through a broker that authenticates clients',
    text: `${REAL}${NET}mqtt:\n  url: mqtt://127.0.0.1:1883\nterminal:\n  playerExchange:\n    enabled: true\n`,
    message: `${SRC}:12:14: /terminal/playerExchange/enabled would hand TEKs to whoever subscribes on a broker that takes anonymous clients; give bcastd a broker account (roles: packaging/mosquitto/)`,
    path: '/terminal/playerExchange/enabled', line: 12, col: 14, expected: 'false, or a broker login (mqtt.username + mqtt.passwordFile, or mqtt.tls.cert)',
  },
  {
    name: 'rule: no login inside mqtt.url',
    text: `${REAL}${NET}mqtt:\n  url: mqtt://bcastd:secret@127.0.0.1:1883\n`,
    message: `${SRC}:9:8: /mqtt/url must be an mqtt://, mqtts://, ws://, wss:// or mqtt+unix:// URL without user:password@ (got "mqtt://***@127.0.0.1:1883")`, // the password is never echoed
    path: '/mqtt/url', line: 9, col: 8, expected: 'an mqtt://, mqtts://, ws://, wss:// or mqtt+unix:// URL without user:password@',
  },
  {
    name: 'rule: no deviceId derivable',
    text: `board:\n  name: "###"\nmodem:\n  profile: sim\n${NET}`,
    message: `${SRC}:2:9: /board/name has no letters or digits to derive a deviceId from; set deviceId`,
    path: '/board/name', line: 2, col: 9, expected: 'a name with letters or digits, or an explicit deviceId',
  },
  {
    name: 'YAML: duplicate key',
    text: `${REAL}  port: /dev/ttyUSB3\n${NET}`,
    message: `${SRC}:6:3: YAML syntax: Map keys must be unique`,
    path: '', line: 6, col: 3, expected: 'valid YAML',
  },
  {
    name: 'YAML: more than one document',
    text: `${REAL}${NET}---\nboard: {name: b}\n`,
    message: `${SRC}:8:1: YAML syntax: one YAML document per file (found more than one "---")`,
    path: '', line: 8, col: 1, expected: 'valid YAML',
  },
  {
    name: 'YAML: collection as a key',
    text: `${REAL}${NET}? [a, b]\n: 1\n`,
    message: `${SRC}:8:3: YAML syntax: keys must be plain strings`,
    path: '', line: 8, col: 3, expected: 'valid YAML',
  },
  {
    name: 'YAML: unknown tag',
    text: `${REAL}  baudRate: !fast 9600\n${NET}`,
    message: `${SRC}:6:13: YAML syntax: Unresolved tag: !fast`,
    path: '', line: 6, col: 13, expected: 'valid YAML',
  },
  {
    name: 'empty file',
    text: '# nothing but a comment\n',
    message: `${SRC}: the config must be a mapping (got null)`,
    path: '', expected: 'a mapping',
  },
  {
    name: 'not a mapping at all',
    text: '- just\n- a list\n',
    message: `${SRC}:1:1: the config must be a mapping (got a list)`,
    path: '', line: 1, col: 1, expected: 'a mapping',
  },
];

for (const c of cases) {
  test(`bad config: ${c.name}`, () => {
    const e = configError(() => parseBoardConfig(c.text, SRC, { env: c.env ?? {} }));
    assert.equal(e.message, c.message);
    assert.equal(e.path, c.path);
    assert.equal(e.line, c.line);
    assert.equal(e.col, c.col);
    assert.equal(e.expected, c.expected);
    assert.equal(e.source, SRC);
    assert.ok(!e.message.includes('\n'), 'one line');
  });
}

test('several problems: all reported in file order, the first in the message', () => {
  const text = `${HEAD}modem:\n  profile: generic\n  port: /dev/ttyUSB2\n  cid: 0\n  smsMode: x\n${NET}mqtt:\n  topicPrefix: a/#\n`;
  const e = configError(() => parseBoardConfig(text, SRC, { env: {} }));
  assert.deepEqual(e.lines(), [
    `${SRC}:6:8: /modem/cid must be >= 1 (got 0)`,
    `${SRC}:7:12: /modem/smsMode must be one of "cmt", "cmti", "auto" (got "x")`,
    `${SRC}:11:16: /mqtt/topicPrefix must be a topic prefix without wildcards or leading/trailing "/" (got "a/#")`,
  ]);
  assert.equal(e.message, `${SRC}:6:8: /modem/cid must be >= 1 (got 0) (and 2 more problems)`);
  assert.deepEqual(
    e.issues.map((i) => [i.path, i.line, i.col]),
    [['/modem/cid', 6, 8], ['/modem/smsMode', 7, 12], ['/mqtt/topicPrefix', 11, 16]],
  );
});

test('an alias is located where it is written, not at its anchor', () => {
  const text = `${HEAD}modem:\n  profile: generic\n  port: /dev/ttyUSB2\n  apn: &word internet\n  cid: *word\n${NET}`;
  const e = configError(() => parseBoardConfig(text, SRC, { env: {} }));
  assert.deepEqual(e.lines(), [`${SRC}:7:8: /modem/cid must be integer (got "internet")`]);
});

test('a __proto__ key is an unknown key, and pollutes nothing', () => {
  const e = configError(() => parseBoardConfig(`${REAL}${NET}__proto__: {polluted: true}\n`, SRC, { env: {} }));
  assert.equal(e.message, `${SRC}:8:1: /__proto__ is not a known key (known keys: board, deviceId, deviceIdFrom, modem, card, network, mqtt, terminal, stateDir, log, sim)`);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

test('a recursive alias is one YAML syntax problem, not a stack overflow', () => {
  const e = configError(() => parseBoardConfig(`${HEAD}a: &a [*a, *a]\n`, SRC, { env: {} }));
  assert.match(e.lines()[0]!, /YAML syntax: alias \*a refers to a node that contains it \(recursive alias\)/);
  const nested = configError(() => parseBoardConfig(`${HEAD}b: &b {c: {d: *b}}\n`, SRC, { env: {} }));
  assert.match(nested.lines()[0]!, /recursive alias/);
});
