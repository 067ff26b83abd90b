import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RegistrationCoordinator, type BsmJob } from '../../../src/terminal/registration-coordinator.js';
import { RequestGate } from '../../../src/terminal/request-gate.js';
import type { Trigger } from '../../../src/terminal/triggers.js';
import { FakeClock, flush } from '../../helpers/fake-clock.js';

function rig(opts: { perMinute?: number; burst?: number; minIntervalMs?: number; settleMs?: number } = {}) {
  const clock = new FakeClock();
  const gate = new RequestGate({ perMinute: opts.perMinute ?? 6, burst: opts.burst ?? 3, minIntervalMs: opts.minIntervalMs ?? 2000, now: clock.now });
  const executed: BsmJob[] = [];
  const resolvers: Array<() => void> = [];
  const coordinator = new RegistrationCoordinator(
    gate,
    (job) => {
      executed.push(structuredClone(job));
      return new Promise<void>((resolve) => resolvers.push(resolve));
    },
    clock,
    { settleMs: opts.settleMs ?? 0, maxSettleMs: (opts.settleMs ?? 0) * 10, now: clock.now },
  );
  const finishOne = async () => {
    resolvers.shift()!();
    await flush();
  };
  return { clock, coordinator, executed, finishOne };
}

const pull = (at: number): Trigger => ({ kind: 'solicited-pull', at, source: 'sms' });
const allServices = { type: 'register', services: ['urn:allServices'] } as const;

test('50 solicited pulls in one second reach the BSM as two registrations', async () => {
  const { clock, coordinator, executed, finishOne } = rig();
  for (let i = 0; i < 50; i++) {
    coordinator.submit(pull(clock.now()), { ...allServices, services: [...allServices.services] });
    clock.advance(20);
    if (i === 0) await finishOne(); // the first registration is fast: it ends before the flood does
  }
  assert.equal(executed.length, 1);
  clock.advance(5_000);
  await flush();
  assert.equal(executed.length, 2);
  assert.equal(executed[1]!.triggers.length, 49, 'the second registration carries every coalesced trigger');
  await finishOne();
  assert.equal(coordinator.busy, false);
  clock.advance(120_000);
  assert.equal(executed.length, 2);
});

test('one registration in flight and one pending: arrivals during the flight coalesce', async () => {
  const { clock, coordinator, executed, finishOne } = rig({ minIntervalMs: 0 });
  assert.equal(coordinator.submit(pull(0), { type: 'register', services: ['a'] }), 'queued');
  assert.equal(executed.length, 1);
  assert.equal(coordinator.submit(pull(1), { type: 'register', services: ['b'] }), 'queued');
  assert.equal(coordinator.submit(pull(2), { type: 'register', services: ['c', 'b'] }), 'coalesced');
  assert.equal(executed.length, 1);
  await finishOne();
  assert.equal(executed.length, 2);
  assert.deepEqual((executed[1]!.action as { services: string[] }).services, ['b', 'c']);
  assert.deepEqual(executed[1]!.triggers.map((t) => t.at), [1, 2]);
  await finishOne();
  assert.equal(clock.pendingTimers, 0);
});

test('MSK requests for one key domain merge their key groups; other domains stay apart', async () => {
  const { coordinator, executed, finishOne } = rig({ minIntervalMs: 0, burst: 10, perMinute: 600 });
  coordinator.submit(pull(0), { type: 'register', services: ['x'] });
  coordinator.submit(pull(1), { type: 'msk-request', keyDomainId: '00f110', keyGroups: [7] });
  coordinator.submit(pull(2), { type: 'msk-request', keyDomainId: '00f110', keyGroups: [9, 7] });
  coordinator.submit(pull(3), { type: 'msk-request', keyDomainId: '00f220', keyGroups: [1] });
  await finishOne();
  await finishOne();
  await finishOne();
  assert.deepEqual(
    executed.map((j) => j.action),
    [
      { type: 'register', services: ['x'] },
      { type: 'msk-request', keyDomainId: '00f110', keyGroups: [7, 9] },
      { type: 'msk-request', keyDomainId: '00f220', keyGroups: [1] },
    ],
  );
});

test('a failing request does not stall the queue, and the failure is reported', async () => {
  const clock = new FakeClock();
  const gate = new RequestGate({ perMinute: 60, burst: 5, minIntervalMs: 0, now: clock.now });
  let calls = 0;
  const coordinator = new RegistrationCoordinator(gate, async () => {
    calls++;
    if (calls === 1) throw new Error('503 from BSM');
  }, clock);
  const finished: Array<unknown> = [];
  coordinator.on('finished', (_job, err) => finished.push(err));
  coordinator.submit(pull(0), { type: 'register', services: ['a'] });
  coordinator.submit(pull(0), { type: 'register', services: ['a'] });
  await flush();
  await flush();
  assert.equal(calls, 2);
  assert.equal((finished[0] as Error).message, '503 from BSM');
  assert.equal(finished[1], null);
  await coordinator.idle();
});

test('de-registration supersedes pending registrations and runs first', async () => {
  const { coordinator, executed, finishOne } = rig({ minIntervalMs: 0, burst: 10, perMinute: 600 });
  coordinator.submit(pull(0), { type: 'register', services: ['a'] });
  coordinator.submit(pull(1), { type: 'msk-request', keyDomainId: '00f110', keyGroups: [3] });
  coordinator.submit(pull(2), { type: 'register', services: ['b'] });
  coordinator.submit({ kind: 'command', at: 3 }, { type: 'deregister', services: ['urn:allServices'] });
  await finishOne();
  await finishOne();
  assert.deepEqual(executed.map((j) => j.action.type), ['register', 'deregister']);
  assert.equal(coordinator.busy, false);
});

test('the gate paces starts by the token bucket as well as the interval', () => {
  const clock = new FakeClock();
  const gate = new RequestGate({ perMinute: 6, burst: 2, minIntervalMs: 0, now: clock.now });
  assert.equal(gate.delayMs(), 0);
  gate.take();
  assert.equal(gate.delayMs(), 0);
  gate.take();
  assert.equal(gate.delayMs(), 10_000, 'one token every 10 s at 6 per minute');
  clock.advance(10_000);
  assert.equal(gate.delayMs(), 0);
});

test('close drops what is pending and lets the flight finish', async () => {
  const { coordinator, executed, finishOne } = rig({ minIntervalMs: 0 });
  coordinator.submit(pull(0), { type: 'register', services: ['a'] });
  coordinator.submit(pull(1), { type: 'register', services: ['b'] });
  coordinator.close();
  assert.equal(coordinator.submit(pull(2), { type: 'register', services: ['c'] }), 'refused');
  const idle = coordinator.idle();
  await finishOne();
  await idle;
  assert.equal(executed.length, 1);
});

test('a burst spread over 2.5 s (pulls checked one by one by the card) still costs two registrations', async () => {
  const { clock, coordinator, executed, finishOne } = rig({ settleMs: 1000 });
  for (let i = 0; i < 50; i++) {
    coordinator.submit(pull(clock.now()), { ...allServices, services: [...allServices.services] });
    clock.advance(50);
    await flush();
    if (executed.length > 0 && i === 0) await finishOne();
  }
  assert.equal(executed.length, 1, 'the second waits for the burst to settle, not just for the interval');
  clock.advance(1000);
  await flush();
  assert.equal(executed.length, 2);
  assert.equal(executed[1]!.triggers.length, 49);
  await finishOne();
  clock.advance(60_000);
  assert.equal(executed.length, 2);
});

test('an endless trickle still registers now and then: the settle wait is bounded', async () => {
  const { clock, coordinator, executed, finishOne } = rig({ settleMs: 1000 });
  for (let t = 0; t < 60_000; t += 500) {
    coordinator.submit(pull(clock.now()), { ...allServices, services: [...allServices.services] });
    clock.advance(500);
    await flush();
    while (coordinator.snapshot().inFlight) await finishOne();
  }
  // Never quiet for 1 s, so each waiting registration starts when its 10 s bound runs out: about one per 10 s.
  assert.ok(executed.length >= 5 && executed.length <= 8, `registrations during a 60 s trickle: ${executed.length}`);
});
