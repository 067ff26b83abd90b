// LoopLagMonitor: the histogram runs only around activity, so an idle process has no lag timer at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoopLagMonitor } from '../../../src/util/loop-lag.js';

class FakeHistogram {
  enabled = false;
  enables = 0;
  count = 0;
  mean = 0;
  max = 0;
  enable(): boolean {
    this.enables++;
    return !(this.enabled = true) === false;
  }
  disable(): boolean {
    this.enabled = false;
    return true;
  }
  reset(): void {
    this.count = this.mean = this.max = 0;
  }
  percentile(): number {
    return this.max;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('no activity: the histogram is never switched on and the lag reads zero', async () => {
  const h = new FakeHistogram();
  const m = new LoopLagMonitor({ histogram: h, windowMs: 30 });
  await sleep(60);
  assert.equal(h.enables, 0);
  assert.deepEqual(m.current(), { mean: 0, p99: 0, max: 0 });
  m.stop();
});

test('activity switches it on; it goes off windowMs after the last activity', async () => {
  const h = new FakeHistogram();
  const m = new LoopLagMonitor({ histogram: h, windowMs: 60 });
  m.activity();
  assert.equal(h.enabled, true);
  await sleep(35);
  m.activity();
  await sleep(35);
  assert.equal(h.enabled, true, 'the second activity extended the window');
  assert.equal(h.enables, 1, 'one switch-on for the whole burst');
  await sleep(60);
  assert.equal(h.enabled, false);
  assert.equal(m.watching, false);
  m.stop();
});

test('figures are converted to ms and start afresh after reset', () => {
  const h = new FakeHistogram();
  const m = new LoopLagMonitor({ histogram: h });
  h.count = 3;
  h.mean = 1_500_000;
  h.max = 42_000_000;
  assert.deepEqual(m.current(), { mean: 1.5, p99: 42, max: 42 });
  m.reset();
  assert.deepEqual(m.current(), { mean: 0, p99: 0, max: 0 });
  m.stop();
});

test('the real histogram sees a blocked loop during activity', async () => {
  const m = new LoopLagMonitor({ resolutionMs: 10, windowMs: 500 });
  m.activity();
  await sleep(30);
  const until = Date.now() + 80;
  while (Date.now() < until);
  await sleep(30);
  assert.ok(m.current().max >= 50, JSON.stringify(m.current()));
  m.stop();
  assert.equal(m.watching, false);
});
