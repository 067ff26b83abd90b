// Capped exponential backoff with jitter: the delays every retry of the modem layer waits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from '../../../src/modem/index.js';
import { failOnUnhandled } from './harness.js';

failOnUnhandled();

test('doubles from the base to the cap, then stays; reset starts over', () => {
  const b = new Backoff({ baseMs: 100, maxMs: 1000, jitter: 0 });
  assert.deepEqual(Array.from({ length: 7 }, () => b.next()), [100, 200, 400, 800, 1000, 1000, 1000]);
  assert.equal(b.attempts, 7);
  b.reset();
  assert.equal(b.next(), 100);
});

test('jitter scales each delay into [1 - jitter, 1] of its ceiling', () => {
  const draws = [0, 0.5, 0.999];
  let i = 0;
  const b = new Backoff({ baseMs: 1000, maxMs: 1000, jitter: 0.4, random: () => draws[i++ % draws.length]! });
  assert.deepEqual([b.next(), b.next(), b.next()], [1000, 800, 600]);
  const r = new Backoff({ baseMs: 10, maxMs: 5000, jitter: 1 });
  for (let n = 0; n < 200; n++) {
    const d = r.next();
    assert.ok(d >= 1 && d <= 5000, String(d));
  }
});

test('nonsense settings are refused', () => {
  assert.throws(() => new Backoff({ baseMs: 0, maxMs: 10, jitter: 0 }), RangeError);
  assert.throws(() => new Backoff({ baseMs: 10, maxMs: 5, jitter: 0 }), RangeError);
  assert.throws(() => new Backoff({ baseMs: 10, maxMs: 50, jitter: 1.5 }), RangeError);
});
