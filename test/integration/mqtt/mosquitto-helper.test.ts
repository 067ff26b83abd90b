// The test helper itself: a real mosquitto by PID, restartable on its port, gone after stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import mqtt from 'mqtt';
import { startMosquitto } from '../../helpers/mosquitto.js';
import { failOnUnhandledRejection } from './helpers.js';

failOnUnhandledRejection();

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('start on a free loopback port, speak MQTT 5, restart on the same port, stop by PID', async () => {
  const b = await startMosquitto();
  try {
    assert.match(b.url, /^mqtt:\/\/127\.0\.0\.1:\d+$/);
    const pid1 = b.pid!;
    assert.ok(alive(pid1));
    const c = await mqtt.connectAsync(b.url, { protocolVersion: 5, reconnectPeriod: 0 });
    await c.endAsync();

    await b.restart();
    const pid2 = b.pid!;
    assert.notEqual(pid2, pid1);
    assert.ok(!alive(pid1), 'old broker gone');
    const c2 = await mqtt.connectAsync(b.url, { protocolVersion: 4, reconnectPeriod: 0 });
    await c2.endAsync();
    assert.match(await b.log(), /New client connected/);

    await b.stop();
    assert.equal(b.pid, undefined);
    assert.ok(!alive(pid2));
    await assert.rejects(mqtt.connectAsync(b.url, { reconnectPeriod: 0, connectTimeout: 500 }));
  } finally {
    await b.close();
  }
  assert.ok(!existsSync(b.dir), 'temp dir removed');
});
