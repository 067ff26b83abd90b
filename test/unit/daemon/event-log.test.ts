import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventLog } from '../../../src/daemon/event-log.js';
import { bsmPort } from '../../../src/daemon/ports/bsm-port.js';
import { BsmError, type BsmClient } from '../../../src/bsm/index.js';

const at = (ms: number) => new Date(Date.UTC(2026, 10, 28, 8, 0, 0) + ms).toISOString();

test('the event log keeps the most recent events, filters by time and limit, counts what fell out', () => {
  const log = new EventLog(3);
  for (let i = 0; i < 5; i++) log.add({ type: `e${i}`, ts: at(i * 1000) });
  assert.equal(log.size, 3);
  assert.deepEqual(log.query().events.map((e) => e.type), ['e2', 'e3', 'e4']);
  assert.equal(log.query().dropped, 2);
  assert.deepEqual(log.query({ sinceMs: Date.parse(at(3000)) }).events.map((e) => e.type), ['e3', 'e4']);
  assert.deepEqual(log.query({ limit: 1 }).events.map((e) => e.type), ['e4']);
  assert.deepEqual(log.query({ limit: 0 }).events, []);
});

test('the BSM port turns each exchange into a request and a response event, paired by id, failures with their status', async () => {
  const events: Array<Record<string, unknown>> = [];
  let fail = false;
  const client = {
    register: async (services: string[]) => {
      if (fail) throw new BsmError('http-status', 'BSM answered 503', 503);
      return { items: services.map((serviceId) => ({ serviceId, status: 200 })) };
    },
  } as unknown as BsmClient;
  const port = bsmPort(client, { event: (type, payload) => events.push({ type, ...payload }) });
  assert.deepEqual(await port.register(['urn:allServices']), [{ serviceId: 'urn:allServices', status: 200 }]);
  fail = true;
  await assert.rejects(port.register(['a']), /503/);
  assert.deepEqual(events.map((e) => [e['type'], e['id'], e['action']]), [
    ['bsm-request', 1, 'register'],
    ['bsm-response', 1, 'register'],
    ['bsm-request', 2, 'register'],
    ['bsm-response', 2, 'register'],
  ]);
  assert.equal(events[1]!['status'], 200);
  assert.deepEqual(events[0]!['services'], ['urn:allServices']);
  assert.equal(typeof events[1]!['durationMs'], 'number');
  assert.equal(events[3]!['status'], 503);
  assert.match(String(events[3]!['reason']), /503/);
});
