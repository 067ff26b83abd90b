// withTimeout / settledWithin on mocked timers: the deadline, the pass-through, and no timer left behind.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { settledWithin, TimeoutError, withTimeout } from '../../../src/util/with-timeout.js';
import { flush } from '../../helpers/fake-clock.js';

test('withTimeout: rejects with TimeoutError naming the wait after ms; a result in time passes through', async (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const late = withTimeout(new Promise(() => {}), 100, 'opening /dev/ttyUSB2');
  mock.timers.tick(100);
  await assert.rejects(late, (e: unknown) => e instanceof TimeoutError && e.message === 'opening /dev/ttyUSB2: no result within 100 ms');
  assert.equal(await withTimeout(Promise.resolve(7), 100, 'x'), 7);
  await assert.rejects(withTimeout(Promise.reject(new Error('no port')), 100, 'x'), /no port/);
});

test('settledWithin: true when the promise fulfils first, false at the deadline, a rejection passes', async (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  assert.equal(await settledWithin(Promise.resolve(), 50), true);
  const never = settledWithin(new Promise(() => {}), 50);
  await flush();
  mock.timers.tick(50);
  assert.equal(await never, false);
  await assert.rejects(settledWithin(Promise.reject(new Error('gone')), 50), /gone/);
});
