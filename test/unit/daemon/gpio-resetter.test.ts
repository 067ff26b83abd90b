// GpioModemResetter: the line sequences it drives, with recorded lines and a fake clock (the GPIO ioctl layer
// itself is covered in test/unit/native/gpio.test.ts; this kernel has no gpiochip, see there).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { GpioModemResetter, POWER_OFF_MS, RESET_HOLD_MS, type GpioConfig, type LineOpener } from '../../../src/daemon/gpio-resetter.js';

function rig(gpio: GpioConfig, o: { failSet?: Error } = {}) {
  const calls: string[] = [];
  let clock = 1_000_000;
  const openLine: LineOpener = (chip, offset, lo) => {
    calls.push(`request ${chip}:${offset} activeLow=${lo.activeLow} initial=${lo.initial} ${lo.consumer}`);
    return {
      set: (active) => {
        calls.push(`${offset}=${active ? 'on' : 'off'}`);
        if (o.failSet && active) throw o.failSet;
      },
      release: () => calls.push(`release ${offset}`),
    };
  };
  const resetter = new GpioModemResetter({
    gpio,
    logger: pino({ level: 'silent' }),
    openLine,
    now: () => clock,
    sleep: async (ms) => {
      calls.push(`sleep ${ms}`);
      clock += ms;
    },
  });
  return { resetter, calls, advance: (ms: number) => (clock += ms) };
}

test('a reset pulses the reset line: assert, hold, release; the line is requested once, deasserted', async () => {
  const r = rig({ chip: 'gpiochip0', resetLine: 4, activeLow: true });
  await r.resetter.reset('probe failed');
  r.advance(10 * 60_000);
  await r.resetter.reset('probe failed again');
  r.resetter.close();
  assert.deepEqual(r.calls, [
    'request gpiochip0:4 activeLow=true initial=false bcastd',
    '4=on',
    `sleep ${RESET_HOLD_MS}`,
    '4=off',
    '4=on',
    `sleep ${RESET_HOLD_MS}`,
    '4=off',
    'release 4',
  ]);
  assert.deepEqual(r.resetter.counts, { resetPulses: 2, powerCycles: 0, failures: 0 });
  await assert.rejects(r.resetter.reset('after close'), /closed/);
});

test('a second reset soon after the first power-cycles instead; a later one pulses again', async () => {
  const r = rig({ chip: '/dev/gpiochip1', resetLine: 4, powerLine: 5, activeLow: false });
  const actions: string[] = [];
  for (const gap of [0, 60_000, 6 * 60_000]) {
    r.advance(gap);
    actions.push(r.resetter.nextAction());
    await r.resetter.reset('modem silent');
  }
  assert.deepEqual(actions, ['reset-pulse', 'power-cycle', 'reset-pulse']);
  r.resetter.close();
  assert.deepEqual(r.calls, [
    'request /dev/gpiochip1:4 activeLow=false initial=false bcastd',
    '4=on',
    `sleep ${RESET_HOLD_MS}`,
    '4=off',
    'request /dev/gpiochip1:5 activeLow=false initial=true bcastd',
    '5=off',
    `sleep ${POWER_OFF_MS}`,
    '5=on',
    '4=on',
    `sleep ${RESET_HOLD_MS}`,
    '4=off',
    'release 4',
    'release 5',
  ]);
  assert.deepEqual(r.resetter.counts, { resetPulses: 2, powerCycles: 1, failures: 0 });
});

test('with only a power line every reset is a power cycle', async () => {
  const r = rig({ chip: 'gpiochip0', powerLine: 9, activeLow: true });
  await r.resetter.reset('x');
  await r.resetter.reset('y');
  assert.deepEqual(r.calls.filter((c) => !c.startsWith('sleep')), ['request gpiochip0:9 activeLow=true initial=true bcastd', '9=off', '9=on', '9=off', '9=on']);
  assert.equal(r.resetter.counts.powerCycles, 2);
});

test('a failing line is a rejected reset, counted; a config without lines is refused', async () => {
  const ebusy = Object.assign(new Error('EBUSY: device or resource busy, ioctl'), { code: 'EBUSY' });
  const r = rig({ chip: 'gpiochip0', resetLine: 1, activeLow: false }, { failSet: ebusy });
  await assert.rejects(r.resetter.reset('x'), (e) => e === ebusy);
  assert.deepEqual(r.resetter.counts, { resetPulses: 0, powerCycles: 0, failures: 1 });
  assert.throws(() => rig({ chip: 'gpiochip0', activeLow: false }), /neither resetLine nor powerLine/);
});

test('the real line opener: a board config naming a missing chip rejects the reset with ENOENT', async () => {
  const resetter = new GpioModemResetter({ gpio: { chip: 'gpiochip-bcastd-missing', resetLine: 0, activeLow: false }, logger: pino({ level: 'silent' }) });
  await assert.rejects(resetter.reset('probe failed'), (e: Error & { code?: string; path?: string }) => e.code === 'ENOENT' && e.path === '/dev/gpiochip-bcastd-missing');
  assert.equal(resetter.counts.failures, 1);
});
