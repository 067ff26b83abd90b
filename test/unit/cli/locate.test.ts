// How bcastctl finds the daemon with no flag: the runtime file in the board's RuntimeDirectory (a daemon under
// systemd writes it there), naming its board config; else the sim board's state dir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateDaemon } from '../../../src/cli/daemon/locate.js';
import { loadBoardConfig } from '../../../src/daemon/config/index.js';

const BOARD = [
  'board: { name: lab-box }',
  'modem: { profile: generic, port: /dev/ttyUSB2 }',
  'network: { bsmFqdn: bsm.example.org }',
  'mqtt: { url: "mqtt://127.0.0.1:1883", topicPrefix: fleet/v9 }',
  'deviceId: lab-box-7',
  'stateDir: /var/lib/nowhere',
].join('\n');

function withRuntimeDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bcastd-run-test-'));
    const before = process.env['BCASTD_RUNTIME_DIR'];
    process.env['BCASTD_RUNTIME_DIR'] = dir;
    try {
      await fn(dir);
    } finally {
      if (before === undefined) delete process.env['BCASTD_RUNTIME_DIR'];
      else process.env['BCASTD_RUNTIME_DIR'] = before;
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('no flag: the daemon named by <RuntimeDirectory>/runtime.json, with the settings of the board config it runs', withRuntimeDir(async (dir) => {
  const boardFile = join(dir, 'lab.yaml');
  writeFileSync(boardFile, BOARD);
  writeFileSync(join(dir, 'runtime.json'), JSON.stringify({ pid: 1, deviceId: 'lab-box-7', board: 'lab-box', boardFile, mqttUrl: 'mqtt://127.0.0.1:18830', topicPrefix: 'fleet/v9', startedAt: new Date().toISOString() }));
  const where = await locateDaemon({});
  assert.deepEqual([where.mqttUrl, where.topicPrefix, where.deviceId], ['mqtt://127.0.0.1:18830', 'fleet/v9', 'lab-box-7']);
  // --board still wins over the running daemon's file.
  const sim = await locateDaemon({ board: 'sim', broker: 'mqtt://127.0.0.1:1' });
  assert.equal(sim.deviceId, loadBoardConfig('sim').deviceId);
}));

test('no runtime file in the RuntimeDirectory: the sim board, as before', withRuntimeDir(async () => {
  const where = await locateDaemon({ broker: 'mqtt://127.0.0.1:1' });
  const sim = loadBoardConfig('sim');
  assert.deepEqual([where.deviceId, where.topicPrefix], [sim.deviceId, sim.mqtt.topicPrefix]);
}));
