import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, mayRetry } from '../../../src/gba/index.js';

const policy = { baseMs: 100, maxMs: 1000, maxAttempts: 5 };

test('delay doubles per retry, capped at maxMs, with jitter in [ceiling/2, ceiling]', () => {
  const table = [
    { retry: 1, ceiling: 100 },
    { retry: 2, ceiling: 200 },
    { retry: 3, ceiling: 400 },
    { retry: 4, ceiling: 800 },
    { retry: 5, ceiling: 1000 },
    { retry: 60, ceiling: 1000 },
  ];
  for (const { retry, ceiling } of table) {
    assert.equal(backoffDelay(policy, retry, () => 1), ceiling);
    assert.equal(backoffDelay(policy, retry, () => 0), ceiling / 2);
    const d = backoffDelay(policy, retry, Math.random);
    assert.ok(d >= ceiling / 2 && d <= ceiling);
  }
});

test('maxAttempts bounds the attempts; 0 means unlimited', () => {
  assert.equal(mayRetry(policy, 4), true);
  assert.equal(mayRetry(policy, 5), false);
  assert.equal(mayRetry({ ...policy, maxAttempts: 0 }, 1_000_000), true);
});
