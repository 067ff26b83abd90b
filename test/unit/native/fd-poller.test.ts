// FdPoller: readiness events from Node's own event loop for an fd the addon handed out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, constants, openSync, readSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { native, type RawPty } from '../../../src/native/index.js';

function withPty(run: (pty: RawPty, slave: number) => Promise<void>): Promise<void> {
  const pty = native('openpty')();
  const slave = openSync(pty.slavePath, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  return run(pty, slave).finally(() => {
    closeSync(slave);
    native('closeFd')(pty.masterFd);
    native('closeFd')(pty.slaveFd);
  });
}

function nextEvent(onEvent: (resolve: (v: { err: Error | null; events: number }) => void) => void): Promise<{ err: Error | null; events: number }> {
  return new Promise((resolve) => onEvent(resolve));
}

test('readable fires when the slave writes, writable at once, and stop() silences it', () =>
  withPty(async (pty, slave) => {
    const ev = native('pollEvents');
    const Poller = native('FdPoller');
    const seen: number[] = [];
    let wake: (() => void) | null = null;
    const poller = new Poller(pty.masterFd, (err, events) => {
      assert.equal(err, null);
      seen.push(events);
      wake?.();
    });
    try {
      const fired = (): Promise<void> => new Promise((r) => (wake = r));

      poller.start(ev.writable);
      await fired();
      assert.equal(seen.at(-1)! & ev.writable, ev.writable);

      poller.start(ev.readable); // replaces the writable interest
      writeSync(slave, 'AT\r');
      await fired();
      assert.equal(seen.at(-1)! & ev.readable, ev.readable);
      const buf = Buffer.alloc(8);
      assert.equal(readSync(pty.masterFd, buf), 3);

      poller.stop();
      const before = seen.length;
      writeSync(slave, 'X');
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(seen.length, before);
      poller.start(ev.readable); // restartable: the pending byte is reported
      await fired();
      assert.equal(seen.length, before + 1);
    } finally {
      poller.close();
      poller.close(); // idempotent
    }
    assert.throws(() => poller.start(ev.readable), { code: 'EBADF' });
  }));

test('one watched poller per fd, and only pollEvents bits are accepted', () =>
  withPty(async (pty) => {
    const Poller = native('FdPoller');
    const a = new Poller(pty.masterFd, () => {});
    try {
      assert.throws(() => a.start(64), { code: 'ERR_INVALID_ARG_VALUE' });
      a.start(native('pollEvents').readable);
      // libuv keeps one watcher per fd: a second poller on a watched fd is refused
      assert.throws(() => new Poller(pty.masterFd, () => {}), { code: 'EEXIST', syscall: 'uv_poll_init' });
    } finally {
      a.close();
    }
    // after close() the fd may be watched again
    const ev = native('pollEvents');
    const got = await nextEvent((resolve) => {
      const b = new Poller(pty.masterFd, (err, events) => {
        b.close();
        resolve({ err, events });
      });
      b.start(ev.writable);
    });
    assert.deepEqual(got, { err: null, events: ev.writable });
  }));

test('an fd epoll cannot watch (a regular file) is refused up front', () => {
  const fd = openSync('/proc/self/status', 'r');
  try {
    assert.throws(() => new (native('FdPoller'))(fd, () => {}), { code: 'EPERM', syscall: 'uv_poll_init' });
  } finally {
    closeSync(fd);
  }
});

test('an exception thrown by the event handler reaches uncaughtException', () => {
  const binding = fileURLToPath(new URL('../../../src/native/binding.js', import.meta.url));
  const script = `
    import { native } from ${JSON.stringify(binding)};
    const pty = native('openpty')();
    const poller = new (native('FdPoller'))(pty.masterFd, () => { throw new Error('handler boom'); });
    process.on('uncaughtException', (err) => { console.log('caught:' + err.message); process.exit(0); });
    poller.start(native('pollEvents').writable);
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 10000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'caught:handler boom');
});

test('a started poller outlives its last JS reference; stopped ones are collected', () => {
  const binding = fileURLToPath(new URL('../../../src/native/binding.js', import.meta.url));
  const script = `
    import { writeSync } from 'node:fs';
    import { native } from ${JSON.stringify(binding)};
    const Poller = native('FdPoller');
    const ev = native('pollEvents');
    const collected = [];
    const registry = new FinalizationRegistry((tag) => collected.push(tag));
    const ptys = [];
    // stopped pollers with no reference left: the garbage collector finalizes them
    const makeStopped = () => {
      const pty = native('openpty')();
      ptys.push(pty);
      const p = new Poller(pty.masterFd, () => {});
      p.start(ev.readable);
      p.stop();
      registry.register(p, 'stopped');
    };
    for (let i = 0; i < 20; i++) makeStopped();
    // a started poller nobody references keeps delivering events
    const pty = native('openpty')();
    let fired = 0;
    (() => {
      const p = new Poller(pty.masterFd, () => fired++);
      p.start(ev.readable);
      registry.register(p, 'started');
    })();
    for (let round = 0; round < 5; round++) {
      globalThis.gc();
      await new Promise((r) => setTimeout(r, 20));
    }
    writeSync(pty.slaveFd, 'ping');
    while (fired === 0) await new Promise((r) => setTimeout(r, 10));
    console.log(JSON.stringify({ stopped: collected.filter((t) => t === 'stopped').length, started: collected.includes('started'), fired: fired > 0 }));
    process.exit(0);
  `;
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { stopped: 20, started: false, fired: true });
});
