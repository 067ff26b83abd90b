// The publisher writes QoS 0 events past mqtt.js only while mqtt.js holds nothing back, which it tells through
// private fields: these tests pin them on the installed mqtt.js, so an upgrade that renames them fails here
// instead of silently reordering events (or silently taking the slow path).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { storeReplay } from '../../../src/mqtt/mqttjs-store-replay.js';

test('the installed mqtt.js shows its store replay: idle on a fresh client', () => {
  // Never connected (manualConnect): no socket, no timer, nothing to end (mqtt.js's end() fails on such a client).
  const client = mqtt.connect('mqtt://127.0.0.1:1', { manualConnect: true, reconnectPeriod: 0 });
  assert.equal(storeReplay(client), 'idle');
});

test('replaying while mqtt.js processes its store or has packets queued behind it; unknown without the fields', () => {
  assert.equal(storeReplay({ _storeProcessing: false, _storeProcessingQueue: [] }), 'idle');
  assert.equal(storeReplay({ _storeProcessing: true, _storeProcessingQueue: [] }), 'replaying');
  assert.equal(storeReplay({ _storeProcessing: false, _storeProcessingQueue: [{}] }), 'replaying');
  assert.equal(storeReplay({}), 'unknown');
  assert.equal(storeReplay({ _storeProcessing: 'no', _storeProcessingQueue: [] }), 'unknown');
});
