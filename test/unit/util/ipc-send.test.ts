// sendIfConnected against a real child whose end the parent has not noticed yet (the race behind a world that
// failed: the daemon answered its "failed" with "close" while the child was already exiting → EPIPE).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { sendIfConnected } from '../../../src/util/ipc-send.js';
import { procStat } from '../../../src/util/proc-stat.js';

/**
 * A child with an IPC channel that exits at once; returns once all its threads are gone and its main thread is a
 * zombie (only then is its end of the channel closed), before this loop has seen any of it.
 */
function deadButUnnoticed(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'process.exit(0)'], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  const deadline = Date.now() + 10_000;
  // Blocking on purpose: the event loop must not run, or it would reap the child and close the channel.
  while (Date.now() < deadline) {
    if (procStat(child.pid!)?.state === 'Z' && readdirSync(`/proc/${child.pid}/task`).length === 1) return child;
  }
  throw new Error('the child did not exit within 10 s');
}

test('the race is real: a plain send to a child that just exited emits EPIPE as an error event', async () => {
  const child = deadButUnnoticed();
  assert.equal(child.connected, true, 'the parent has not seen the end yet');
  const error = new Promise<NodeJS.ErrnoException>((resolve) => child.once('error', resolve));
  child.send({ type: 'close' });
  assert.equal((await error).code, 'EPIPE');
  await new Promise((r) => child.once('exit', r));
});

test('sendIfConnected to a child that just exited: false, no error event', async () => {
  const child = deadButUnnoticed();
  const errors: Error[] = [];
  child.on('error', (e) => errors.push(e));
  assert.equal(await sendIfConnected(child, { type: 'close' }), false);
  await new Promise((r) => child.once('exit', r));
  assert.deepEqual(errors, []);
  assert.equal(await sendIfConnected(child, { type: 'close' }), false, 'disconnected: not even tried');
});

test('sendIfConnected to a live child: true, and the child gets the message', async () => {
  const child = spawn(process.execPath, ['-e', "process.once('message', (m) => { process.send(m); process.disconnect(); })"], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const echoed = new Promise((resolve) => child.once('message', resolve));
  assert.equal(await sendIfConnected(child, { type: 'close', n: 1 }), true);
  assert.deepEqual(await echoed, { type: 'close', n: 1 });
  await new Promise((r) => child.once('exit', r));
});
