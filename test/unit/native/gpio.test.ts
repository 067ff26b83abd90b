// GPIO output lines (native/src/gpio.c + src/native/gpio.ts).
//
// Why there is no simulated gpiochip here: the test kernel is built without GPIO support. It has no
// gpiolib (/sys/bus/gpio is absent, so no /dev/gpiochipN can exist), no configfs (gpio-sim is configured
// through /sys/kernel/config/gpio-sim) and no loadable modules (/proc/modules is absent, so neither
// `modprobe gpio-sim` nor `modprobe gpio-mockup` can add one). The first test checks exactly that, and
// fails when run on a kernel that does offer a simulated chip — then this file should drive one.
// What is covered instead, through the lowest seams there are:
//   - the addon itself on real file descriptors: open() of a missing chip → ENOENT, the GPIO ioctls (v2,
//     then the v1 fallback) on a device that is no gpiochip → ENOTTY, set on a non-line fd → ENOTTY,
//     argument checks → TypeError;
//   - GpioLine over an injected ioctl layer (GpioBackend) that records the calls it would make.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { GpioLine, gpioChipPath, native, type GpioBackend } from '../../../src/native/index.js';

/** Why this kernel cannot offer gpio-sim or gpio-mockup (empty when it can). */
function missingGpioSimulation(): string[] {
  const why: string[] = [];
  if (!existsSync('/sys/bus/gpio')) why.push('no gpiolib (/sys/bus/gpio absent)');
  const filesystems = readFileSync('/proc/filesystems', 'utf8');
  if (!/\tconfigfs\n/.test(filesystems)) why.push('no configfs (needed by gpio-sim)');
  if (!existsSync('/proc/modules')) why.push('no loadable modules (modprobe gpio-sim / gpio-mockup impossible)');
  else if (!existsSync('/sys/kernel/config/gpio-sim') && !existsSync('/sys/bus/platform/drivers/gpio-mockup')) why.push('gpio-sim / gpio-mockup not loaded');
  return why;
}

test('this kernel cannot offer a simulated gpiochip (gpio-sim, gpio-mockup): the reasons', (t) => {
  const why = missingGpioSimulation();
  t.diagnostic(`${process.platform} ${readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim()}: ${why.join('; ')}`);
  assert.ok(why.length > 0, 'this kernel can simulate a gpiochip: test GpioLine against gpio-sim here instead of the seams below');
});

interface SysError extends Error {
  code?: string;
  errno?: number;
  syscall?: string;
  path?: string;
}

const request = native('gpioRequestOutput');
const setValue = native('gpioSetValue');

test('addon: a missing chip is ENOENT from open(), naming the chip', () => {
  assert.throws(
    () => GpioLine.request('gpiochip-bcastd-missing', 3, { activeLow: true }),
    (e: SysError) => {
      assert.equal(e.code, 'ENOENT');
      assert.equal(e.errno, -2);
      assert.equal(e.syscall, 'open');
      assert.equal(e.path, '/dev/gpiochip-bcastd-missing');
      assert.match(e.message, /^ENOENT: no such file or directory, open '\/dev\/gpiochip-bcastd-missing'$/i);
      return true;
    },
  );
});

test('addon: a device that is no gpiochip fails the line request ioctl (v2, then v1) with ENOTTY', () => {
  for (const activeLow of [false, true]) {
    assert.throws(
      () => request('/dev/null', 0, activeLow, 'bcastd', false),
      (e: SysError) => e.code === 'ENOTTY' && e.syscall === 'ioctl' && e.path === '/dev/null',
    );
  }
});

test('addon: setting a value on an fd that is no line request is ENOTTY, for both uAPI versions', () => {
  const fd = openSync('/dev/null', 'r+');
  try {
    for (const abi of [2, 1] as const) {
      assert.throws(
        () => setValue(fd, abi, true),
        (e: SysError) => e.code === 'ENOTTY' && e.syscall === 'ioctl',
      );
    }
  } finally {
    closeSync(fd);
  }
});

test('addon: argument checks are TypeErrors with Node codes', () => {
  const cases: Array<[() => unknown, string]> = [
    [() => (request as (...a: unknown[]) => unknown)('/dev/null', 0, false, 'bcastd'), 'ERR_MISSING_ARGS'],
    [() => request('/dev/null', -1, false, 'bcastd', false), 'ERR_INVALID_ARG_TYPE'],
    [() => request('/dev/null', 1.5, false, 'bcastd', false), 'ERR_INVALID_ARG_TYPE'],
    [() => (request as (...a: unknown[]) => unknown)(7, 0, false, 'bcastd', false), 'ERR_INVALID_ARG_TYPE'],
    [() => (request as (...a: unknown[]) => unknown)('/dev/null', 0, 'yes', 'bcastd', false), 'ERR_INVALID_ARG_TYPE'],
    [() => setValue(0, 3 as 1, true), 'ERR_INVALID_ARG_VALUE'],
    [() => setValue(-1, 2, true), 'ERR_INVALID_ARG_TYPE'],
  ];
  for (const [call, code] of cases) {
    assert.throws(call, (e: SysError) => e instanceof TypeError && e.code === code, code);
  }
});

/** A GpioBackend recording what the addon would be asked to do. */
function recorder(fail?: { on: 'request' | 'set'; error: Error }) {
  const calls: string[] = [];
  const backend: GpioBackend = {
    requestOutput(chip, offset, activeLow, consumer, value) {
      calls.push(`request ${chip} ${offset} activeLow=${activeLow} ${consumer} ${value}`);
      if (fail?.on === 'request') throw fail.error;
      return { fd: 40 + offset, abi: 2 };
    },
    setValue(fd, abi, value) {
      calls.push(`set fd${fd} v${abi} ${value}`);
      if (fail?.on === 'set') throw fail.error;
    },
    close(fd) {
      calls.push(`close fd${fd}`);
    },
  };
  return { calls, backend };
}

test('GpioLine: chip names, request options, set and release reach the ioctl layer in order', () => {
  assert.equal(gpioChipPath('gpiochip2'), '/dev/gpiochip2');
  assert.equal(gpioChipPath('/dev/gpiochip0'), '/dev/gpiochip0');
  const r = recorder();
  const line = GpioLine.request('gpiochip1', 5, { activeLow: true, backend: r.backend });
  assert.equal(line.active, false);
  line.set(true);
  assert.equal(line.active, true);
  line.set(false);
  line.release();
  line.release(); // idempotent
  assert.equal(line.released, true);
  assert.throws(() => line.set(true), /released/);
  const other = GpioLine.request('/dev/gpiochip0', 0, { consumer: 'bcastd-test', initial: true, backend: r.backend });
  assert.equal(other.active, true);
  assert.deepEqual(r.calls, [
    'request /dev/gpiochip1 5 activeLow=true bcastd false',
    'set fd45 v2 true',
    'set fd45 v2 false',
    'close fd45',
    'request /dev/gpiochip0 0 activeLow=false bcastd-test true',
  ]);
});

test('GpioLine: a failed set keeps the last driven value and the error', () => {
  const busy = Object.assign(new Error('EIO: i/o error, ioctl'), { code: 'EIO' });
  const r = recorder({ on: 'set', error: busy });
  const line = GpioLine.request('gpiochip0', 1, { backend: r.backend });
  assert.throws(() => line.set(true), (e) => e === busy);
  assert.equal(line.active, false);
});
