// The one backoff of the daemon: both forms (stateful next/reset, stateless per retry) and the ceiling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, backoffCeiling, backoffDelay, mayRetry } from '../../../src/util/backoff.js';

test('the ceiling doubles from base and stops at max, even for huge retry numbers', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 1000].map((n) => backoffCeiling(100, 1000, n)), [100, 200, 400, 800, 1000, 1000]);
});

test('stateful: a draw of 0 waits the full ceiling, jitter takes at most its share off; reset starts over', () => {
  const draws = [0, 0.5, 0.999, 0];
  let i = 0;
  const b = new Backoff({ baseMs: 100, maxMs: 400, jitter: 0.5, random: () => draws[i++]! });
  assert.deepEqual([b.next(), b.next(), b.next()], [100, 150, 200]);
  assert.equal(b.attempts, 3);
  b.reset();
  assert.equal(b.next(), 100);
});

test('stateless: random()=1 is the ceiling, 0 its half', () => {
  const p = { baseMs: 1000, maxMs: 8000 };
  assert.deepEqual([1, 2, 3, 4, 5].map((r) => backoffDelay(p, r, () => 1)), [1000, 2000, 4000, 8000, 8000]);
  assert.deepEqual([1, 2, 3].map((r) => backoffDelay(p, r, () => 0)), [500, 1000, 2000]);
});

test('no delay is below 1 ms, and maxAttempts 0 retries forever', () => {
  assert.equal(new Backoff({ baseMs: 1, maxMs: 1, jitter: 1, random: () => 0.9999 }).next(), 1);
  assert.equal(mayRetry({ baseMs: 1, maxMs: 1, maxAttempts: 0 }, 1e9), true);
  assert.equal(mayRetry({ baseMs: 1, maxMs: 1, maxAttempts: 2 }, 2), false);
});
