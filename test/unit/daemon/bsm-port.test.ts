// The BSM port's flow events: every request and its answer become bsm-request / bsm-response (paired by id),
// success and failure, each as docs/schema/events.json says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BsmClient } from '../../../src/bsm/index.js';
import { bsmPort } from '../../../src/daemon/ports/bsm-port.js';
import { EventContract } from '../../helpers/event-contract.js';

function fakeBsm(fail: { status?: number } | null = null): BsmClient {
  const answer = <T>(items: T[]) => {
    if (fail) throw Object.assign(new Error('BSM answered 503'), fail);
    return Promise.resolve({ items, roundTrips: 1 });
  };
  return {
    register: async (services: string[]) => answer(services.map((serviceId, i) => (i === 1 ? { serviceId, status: 403, reason: 'Forbidden' } : { serviceId, status: 200 }))),
    deregister: async (services: string[]) => answer(services.map((serviceId) => ({ serviceId, status: 200 }))),
    requestMsk: async (refs: Array<{ keyDomainId: Uint8Array; mskId: Uint8Array }>) => answer(refs.map((r) => ({ keyDomainId: r.keyDomainId, mskId: r.mskId, status: 200 }))),
  } as unknown as BsmClient;
}

test('requests and answers are events paired by id, valid against the exported schema', async () => {
  const contract = new EventContract();
  const events: Array<Record<string, unknown>> = [];
  const port = bsmPort(fakeBsm(), { event: (type, payload) => (events.push({ type, ...payload }), contract.record(type, payload)) });
  const reg = await port.register(['urn:a', 'urn:b']);
  assert.deepEqual(reg.map((r) => r.status), [200, 403]);
  const msk = await port.requestMsk('00f110', [3]);
  assert.deepEqual(msk, [{ keyDomainId: '00f110', keyGroup: 3, keyNumber: 0, status: 200 }]);
  await port.deregister(['urn:a']);
  assert.deepEqual(events.map((e) => [e['type'], e['action'], e['id']]), [
    ['bsm-request', 'register', 1],
    ['bsm-response', 'register', 1],
    ['bsm-request', 'msk-request', 2],
    ['bsm-response', 'msk-request', 2],
    ['bsm-request', 'deregister', 3],
    ['bsm-response', 'deregister', 3],
  ]);
  assert.deepEqual(Object.keys(events[2]!), ['type', 'action', 'id', 'keyDomainId', 'keyGroups']);
  assert.deepEqual(contract.violations, []);
  assert.equal(contract.count, 6);
});

test('a failed exchange: bsm-response with the HTTP status (0 without one) and the reason, still valid', async () => {
  for (const [fail, status] of [[{ status: 503 }, 503], [{}, 0]] as const) {
    const contract = new EventContract();
    const events: Array<Record<string, unknown>> = [];
    const port = bsmPort(fakeBsm(fail), { event: (type, payload) => (events.push({ type, ...payload }), contract.record(type, payload)) });
    await assert.rejects(port.register(['urn:a']), /503/);
    assert.equal(events[1]!['status'], status);
    assert.equal(events[1]!['reason'], 'BSM answered 503');
    assert.deepEqual(contract.violations, []);
  }
});
