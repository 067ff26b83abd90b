/**
 * The board files shipped in board-configs/: each loads through the real loader, each validates
 * against the committed schema.json as an editor would see it (unexpanded), every leaf is commented,
 * and schema.json is exactly what the TypeBox schema generates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { BoardConfigSchema, listBoardConfigs, loadBoardConfig, machineDeviceId, renderSchemaJson } from '../../../src/daemon/config/index.js';
import { BOARD_DIR, REPO_ROOT } from './helpers.js';

const boards = listBoardConfigs(BOARD_DIR);

test('the three reference boards are shipped', () => {
  for (const b of ['sim', 'rpi4-quectel-ec25', 'generic-usb-modem']) assert.ok(boards.includes(b), `${b}.yaml missing`);
});

test('board-configs/schema.json is what the TypeBox schema generates (run scripts/gen-schema.mjs)', () => {
  assert.equal(readFileSync(join(BOARD_DIR, 'schema.json'), 'utf8'), renderSchemaJson());
});

test('scripts/gen-schema.mjs --check agrees', () => {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'gen-schema.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /board-configs\/schema\.json is up to date/);
});

const MACHINE_ID = '0123456789abcdef0123456789abcdef';

for (const board of boards) {
  test(`${board}.yaml loads through the loader`, () => {
    const c = loadBoardConfig(board, { boardDir: BOARD_DIR, env: {}, machineId: () => MACHINE_ID });
    assert.equal(c.board.name, board);
    // The sim board keeps `sim`; a real board gets an id of its own unit (device-id.ts).
    const id = c.modem.profile === 'sim' ? board : machineDeviceId(board, MACHINE_ID);
    assert.equal(c.deviceId, id);
    assert.equal(c.mqtt.clientId, `bcastd-${id}`);
    assert.equal(c.sim !== undefined, c.modem.profile === 'sim');
  });

  test(`${board}.yaml validates against the committed schema.json before expansion (as an editor sees it)`, () => {
    const schema = JSON.parse(readFileSync(join(BOARD_DIR, 'schema.json'), 'utf8')) as object;
    // A plain ajv, as an external tool would use: unknown formats and the x-expected annotation ignored.
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile(schema);
    const raw: unknown = parse(readFileSync(join(BOARD_DIR, `${board}.yaml`), 'utf8'));
    assert.ok(validate(raw), JSON.stringify(validate.errors));
  });

  test(`${board}.yaml comments every field it sets (on its line or the line above)`, () => {
    const lines = readFileSync(join(BOARD_DIR, `${board}.yaml`), 'utf8').split('\n');
    for (const [i, line] of lines.entries()) {
      const code = line.replace(/\s+#.*$/, '');
      const isLeaf = /^\s*(- \S|"?[\w+$]+"?: *\S)/.test(code) && !code.trimStart().startsWith('#');
      const commentAbove = i > 0 && /^\s*#/.test(lines[i - 1]!);
      if (isLeaf && !commentAbove) assert.match(line, /\s#\s/, `${board}.yaml:${i + 1} sets a field without a comment: ${line.trim()}`);
    }
  });
}

test('sim.yaml: simulated modem, virtual USIM, loopback BSF/BSM and LTKM, embedded broker', () => {
  const c = loadBoardConfig('sim', { boardDir: BOARD_DIR, env: {} });
  assert.equal(c.modem.profile, 'sim');
  assert.equal(c.modem.port, undefined);
  assert.match('Virtual PCD 00 00', new RegExp(c.card.readerPattern));
  assert.equal(c.network.ltkmBind, 'loopback');
  assert.equal(c.network.bsfUrl, `http://127.0.0.1:${c.sim?.bsfPort}`);
  assert.equal(c.network.bsmUrl, `http://127.0.0.1:${c.sim?.bsmPort}`);
  assert.equal(c.mqtt.url, undefined);
  assert.equal(c.stateDir, '/tmp/bcastd-sim');
  assert.equal(loadBoardConfig('sim', { boardDir: BOARD_DIR, env: { BCASTD_STATE_DIR: '/run/t1' } }).stateDir, '/run/t1');
  // A per-user runtime dir (systemd's /run/user/<uid>, 0700) when the session has one; /tmp only without it.
  assert.equal(loadBoardConfig('sim', { boardDir: BOARD_DIR, env: { XDG_RUNTIME_DIR: '/run/user/1000' } }).stateDir, '/run/user/1000/bcastd-sim');
  assert.equal(loadBoardConfig('sim', { boardDir: BOARD_DIR, env: { XDG_RUNTIME_DIR: '/run/user/1000', BCASTD_STATE_DIR: '/run/t1' } }).stateDir, '/run/t1');
});

test('rpi4-quectel-ec25.yaml: by-id AT port, GPIO reset line, PC/SC reader, credentials from systemd', () => {
  const c = loadBoardConfig('rpi4-quectel-ec25', { boardDir: BOARD_DIR, env: { CREDENTIALS_DIRECTORY: '/run/credentials/bcastd.service' } });
  assert.match(c.modem.port ?? '', /^\/dev\/serial\/by-id\/usb-Quectel.*-if02/);
  assert.equal(c.modem.gpio?.chip, '/dev/bcastd-gpiochip');
  assert.equal(typeof c.modem.gpio?.resetLine, 'number');
  assert.equal(c.card.transport, 'pcsc');
  assert.equal(c.mqtt.passwordFile, '/run/credentials/bcastd.service/mqtt-password');
  assert.equal(c.modem.timeouts?.perCommand?.['+COPS'], 180000);
});

test('every schema field is described, so schema.json documents the whole config', () => {
  const undocumented: string[] = [];
  const walk = (s: Record<string, unknown>, at: string) => {
    const props = (s['properties'] ?? {}) as Record<string, Record<string, unknown>>;
    for (const [k, v] of Object.entries(props)) {
      if (typeof v['description'] !== 'string' || v['description'].length < 8) undocumented.push(`${at}/${k}`);
      walk(v, `${at}/${k}`);
    }
    for (const v of Object.values((s['patternProperties'] ?? {}) as Record<string, Record<string, unknown>>)) walk(v, `${at}/*`);
    if (s['items']) walk(s['items'] as Record<string, unknown>, `${at}/[]`);
  };
  walk(BoardConfigSchema as unknown as Record<string, unknown>, '');
  assert.deepEqual(undocumented, []);
});
