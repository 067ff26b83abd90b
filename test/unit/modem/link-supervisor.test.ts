// The recovery ladder as a state machine, driven through a real pty by the simulated modem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LinkState } from '../../../src/modem/index.js';
import { commands, delay, failOnUnhandled, startRig, waitFor, type Rig } from './harness.js';

failOnUnhandled();

function states(rig: Rig): LinkState[] {
  return rig.eventsNamed('link').map((t) => t.state);
}

/** `expected` appears in `actual` in this order (other states may come between). */
function assertSubsequence(actual: readonly string[], expected: readonly string[]): void {
  let i = 0;
  for (const s of actual) if (s === expected[i]) i++;
  assert.equal(i, expected.length, `expected ${expected.join(' → ')} within ${actual.join(' → ')}`);
}

test('start: opening → initialising → ready, echo on survived, the modem set up', { timeout: 15000 }, async () => {
  const rig = await startRig();
  try {
    assert.deepEqual(states(rig), ['opening', 'initialising', 'ready']);
    const sent = commands(rig.sim);
    assert.deepEqual(sent.slice(0, 2), ['AT', 'ATE0']);
    for (const c of ['AT+CMEE=1', 'AT+CMGF=0', 'AT+CSMS=1', 'AT+CNMI=2,2,0,0,0', 'AT+CMGL=4', 'AT+CEREG=2', 'AT+CGEREP=2,1', 'AT+CGDCONT=1,"IP","sim.bcastd"']) {
      assert.ok(sent.includes(c), c);
    }
    assert.equal(rig.sim.settings().echo, false);
    assert.deepEqual(rig.modem.identity, { manufacturer: 'bcastd', model: 'SIM-MODEM', revision: 'SIM.1.0' });
    assert.equal(rig.modem.stats().link.illegalTransitions, 0);
  } finally {
    await rig.stop();
  }
  assert.equal(rig.modem.state, 'closed');
});

test('a modem that stops answering: timeouts → probing → reopening → resetting → backoff → ready again', { timeout: 20000 }, async () => {
  const resets: string[] = [];
  let rigRef: Rig | null = null;
  const rig = await startRig({
    settings: { timeouts: { default: 200 } },
    resetter: {
      async reset(reason) {
        resets.push(reason);
        rigRef!.sim.faults.silence('all', false);
        rigRef!.sim.faults.reboot();
      },
    },
  });
  rigRef = rig;
  try {
    rig.sim.faults.silence('all');
    await assert.rejects(rig.modem.command('AT+CSQ'), { name: 'AtTimeoutError' });
    await assert.rejects(rig.modem.command('AT+CSQ'), { name: 'AtTimeoutError' });
    await waitFor(() => resets.length === 1 && rig.modem.state === 'ready', 'the reset and a ready modem', 10000);
    assertSubsequence(states(rig), ['ready', 'probing', 'reopening', 'opening', 'initialising', 'resetting', 'backoff', 'opening', 'initialising', 'ready']);
    const s = rig.modem.stats().link;
    assert.equal(s.probes, 1);
    assert.equal(s.reopens, 1);
    assert.equal(s.resets, 1);
    assert.equal(s.illegalTransitions, 0);
    assert.match(resets[0]!, /initialisation failed/);
    // Re-initialised after the reset: SMS routing is back on the rebooted modem.
    await waitFor(() => rig.sim.settings().cnmi.mt === 2, 'SMS routing restored');
    const r = await rig.modem.command('AT+CSQ');
    assert.deepEqual(r.lines, ['+CSQ: 20,99']);
  } finally {
    await rig.stop();
  }
});

test('without a resetter the ladder backs off and keeps trying until the modem answers', { timeout: 20000 }, async () => {
  const rig = await startRig({ settings: { timeouts: { default: 200 } } });
  try {
    rig.sim.faults.silence('all');
    await assert.rejects(rig.modem.command('AT+CSQ'));
    await assert.rejects(rig.modem.command('AT+CSQ'));
    await waitFor(() => states(rig).filter((s) => s === 'backoff').length >= 2, 'two backoffs', 10000);
    assert.equal(rig.modem.stats().link.resets, 0);
    rig.sim.faults.silence('all', false);
    await waitFor(() => rig.modem.state === 'ready', 'ready again', 10000);
    assertSubsequence(states(rig), ['probing', 'reopening', 'opening', 'initialising', 'backoff', 'opening', 'initialising', 'ready']);
    assert.equal(rig.modem.stats().link.illegalTransitions, 0);
  } finally {
    await rig.stop();
  }
});

test('a probe that is answered returns to ready without reopening', { timeout: 15000 }, async () => {
  const rig = await startRig({ settings: { timeouts: { default: 150 } } });
  try {
    rig.sim.faults.silence('+CSQ');
    await assert.rejects(rig.modem.command('AT+CSQ'));
    await assert.rejects(rig.modem.command('AT+CSQ'));
    await waitFor(() => rig.modem.stats().link.probes === 1 && rig.modem.state === 'ready', 'probe answered');
    assertSubsequence(states(rig), ['ready', 'probing', 'ready']);
    assert.equal(rig.modem.stats().link.reopens, 0);
    // An answered command resets the streak: one more timeout does not probe again.
    await rig.modem.command('AT+CGMI');
    await assert.rejects(rig.modem.command('AT+CSQ'));
    await delay(100);
    assert.equal(rig.modem.stats().link.probes, 1);
  } finally {
    await rig.stop();
  }
});

test('boot URCs after a modem reboot re-initialise it', { timeout: 15000 }, async () => {
  const rig = await startRig();
  try {
    const before = rig.sim.atLog.length;
    rig.sim.faults.reboot();
    assert.equal(rig.sim.settings().cnmi.mt, 0, 'the reboot lost the routing');
    await waitFor(() => rig.eventsNamed('ready').length === 2, 'a second ready');
    const after = commands(rig.sim).slice(before);
    for (const c of ['AT', 'ATE0', 'AT+CMGF=0', 'AT+CNMI=2,2,0,0,0', 'AT+CMGL=4', 'AT+CGEREP=2,1']) assert.ok(after.includes(c), c);
    assert.equal(rig.sim.settings().cnmi.mt, 2);
    assert.equal(rig.sim.settings().echo, false);
    assert.ok(rig.modem.stats().link.bootUrcs >= 3);
    assertSubsequence(states(rig), ['ready', 'initialising', 'ready']);
    assert.equal(rig.eventsNamed('ready')[1]!.reason, 'modem rebooted');
  } finally {
    await rig.stop();
  }
});

test('no device node at start: the link polls for it with backoff and comes up when it appears', { timeout: 15000 }, async () => {
  const rig = await startRig({ waitReady: false, sim: { echo: false } });
  try {
    // The node vanishes before the modem could open it... (it may have opened already: then it is a disconnect)
    await rig.sim.faults.removeNode();
    await waitFor(() => states(rig).filter((s) => s === 'backoff').length >= 3, 'three backoffs while absent');
    assert.notEqual(rig.modem.state, 'ready');
    await rig.sim.faults.restoreNode();
    await waitFor(() => rig.modem.state === 'ready', 'ready once the node is back');
    assert.equal(rig.modem.stats().link.illegalTransitions, 0);
  } finally {
    await rig.stop();
  }
});
