// LogLimiter: one line per key per interval, then one "suppressed N" line for what was held back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { LogLimiter } from '../../../src/util/log-limiter.js';
import { TokenBucket } from '../../../src/util/token-bucket.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { logger, lines };
}

test('a flood of one key: one line, then one "suppressed N" line when the interval ends; other keys unaffected', async () => {
  const { logger, lines } = capture();
  const l = new LogLimiter({ intervalMs: 50 });
  for (let i = 0; i < 1000; i++) l.warn(logger, 'a', { i }, 'bad input');
  assert.equal(l.warn(logger, 'b', {}, 'other'), true);
  assert.deepEqual(lines.map((x) => x['msg']), ['bad input', 'other']);
  assert.equal(l.pending('a'), 999);
  await new Promise((r) => setTimeout(r, 80));
  assert.deepEqual(lines.map((x) => x['msg']), ['bad input', 'other', 'bad input: suppressed 999 more like it']);
  assert.equal(lines[2]!['suppressed'], 999);
});

test('keys are bounded: hostile keys cannot grow the limiter', () => {
  const { logger } = capture();
  const l = new LogLimiter({ maxKeys: 4 });
  for (let i = 0; i < 100; i++) l.warn(logger, `k${i}`, {}, 'x');
  assert.equal(l.pending('k0'), 0);
  assert.equal(l.warn(logger, 'k0', {}, 'x'), true, 'the oldest key was forgotten');
});

test('TokenBucket: burst, then perMinute', () => {
  let now = 0;
  const b = new TokenBucket({ perMinute: 60, burst: 2, now: () => now });
  assert.deepEqual([b.take(), b.take(), b.take()], [true, true, false]);
  assert.equal(b.waitMs(), 1000);
  now += 1000;
  assert.equal(b.take(), true);
  assert.equal(b.take(), false);
});
