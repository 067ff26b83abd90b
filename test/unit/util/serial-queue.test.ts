// SerialQueue: one job at a time, in order; a failing job fails alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SerialQueue } from '../../../src/util/serial-queue.js';
import { flush } from '../../helpers/fake-clock.js';

test('jobs run one at a time in queue order, each settling with its own result', async () => {
  const q = new SerialQueue();
  const log: string[] = [];
  let release!: () => void;
  const first = q.run(async () => {
    log.push('a start');
    await new Promise<void>((r) => (release = r));
    log.push('a end');
    return 1;
  });
  const second = q.run(() => (log.push('b'), 2));
  await flush();
  assert.deepEqual(log, ['a start'], 'b waits for a');
  release();
  assert.deepEqual(await Promise.all([first, second]), [1, 2]);
  assert.deepEqual(log, ['a start', 'a end', 'b']);
});

test('a failing job rejects its own promise; the next still runs; idle() waits for all', async () => {
  const q = new SerialQueue();
  const failed = q.run(async () => {
    throw new Error('boom');
  });
  let ran = false;
  const next = q.run(() => void (ran = true));
  await assert.rejects(failed, /boom/);
  await q.idle();
  assert.equal(ran, true);
  await next;
});
