import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_SERVICES } from '../../../src/codec/index.js';
import { maskId } from '../../../src/util/mask.js';
import { startWorld } from './world.js';

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

test('control API: registrations, events, faults (arm, delay, clear), bad input refused', async (t) => {
  const w = await startWorld({ gbaU: true });
  t.after(w.close);
  await w.bsm.register([ALL_SERVICES]);
  const regs = (await (await fetch(`${w.net.urls.control}/registrations`)).json()) as Array<Record<string, unknown>>;
  assert.equal(regs.length, 1);
  assert.equal(regs[0]!.btid, maskId(w.gba.session!.btid));
  assert.equal(regs[0]!.address, '127.0.0.1');
  assert.ok(!JSON.stringify(regs).includes(w.gba.session!.btid), 'no whole B-TID');
  const armed = (await (await post(`${w.net.urls.control}/faults`, { fault: 'bsm5xx', times: 2, delayMs: 5 })).json()) as { delayMs: number; counts: Record<string, number> };
  assert.equal(armed.counts.bsm5xx, 2);
  assert.equal(armed.delayMs, 5);
  assert.equal((await post(`${w.net.urls.control}/faults`, { fault: 'nonsense' })).status, 400);
  const cleared = (await (await post(`${w.net.urls.control}/faults`, { clear: true })).json()) as { delayMs: number; counts: Record<string, number> };
  assert.equal(cleared.counts.bsm5xx, 0);
  assert.equal(cleared.delayMs, 0);
  assert.equal((await post(`${w.net.urls.control}/pull`, { terminal: '999990000000000' })).status, 409);
  const rot = (await (await post(`${w.net.urls.control}/rotate`, { serviceId: 'urn:svc:news' })).json()) as { keyNumber: number };
  assert.equal(rot.keyNumber, 2);
  const events = (await (await fetch(`${w.net.urls.control}/events`)).json()) as Array<{ type: string; seq: number }>;
  assert.deepEqual(events.slice(0, 2).map((e) => e.type), ['bootstrap', 'register']);
  assert.ok(events.every((e, i) => e.seq === i + 1));
});
