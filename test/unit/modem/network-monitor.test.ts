// Registration monitor: coverage lost / regained from +CEREG/+CREG reports and from periodic reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commands, failOnUnhandled, startRig, waitFor } from './harness.js';

failOnUnhandled();

test('first determination by the initial read, then lost / regained from URCs', { timeout: 15000 }, async () => {
  const rig = await startRig();
  try {
    const first = rig.eventsNamed('coverage');
    assert.equal(first.length, 1);
    assert.deepEqual([first[0]!.covered, first[0]!.previous, first[0]!.via], [true, null, 'poll']);
    assert.equal(first[0]!.registration.area, '1A2B');
    assert.equal(rig.modem.coverage, true);
    rig.sim.network.setCoverage(false);
    await waitFor(() => rig.modem.coverage === false, 'coverage lost');
    rig.sim.network.setCoverage(true);
    await waitFor(() => rig.modem.coverage === true, 'coverage regained');
    const changes = rig.eventsNamed('coverage').slice(1);
    assert.deepEqual(changes.map((c) => [c.covered, c.previous, c.via]), [
      [false, true, 'urc'],
      [true, false, 'urc'],
    ]);
    const s = rig.modem.stats().network;
    assert.deepEqual([s.lost, s.regained, s.badReports], [1, 1, 0]);
  } finally {
    await rig.stop();
  }
});

test('a lost report is caught by the periodic read', { timeout: 15000 }, async () => {
  const rig = await startRig({ tuning: { network: { pollIntervalMs: 100 } } });
  try {
    rig.sim.network.setCoverage(false, { silent: true });
    await waitFor(() => rig.modem.coverage === false, 'the poll noticing');
    assert.equal(rig.eventsNamed('coverage').at(-1)!.via, 'poll');
  } finally {
    await rig.stop();
  }
});

test('a modem refusing +CREG altogether: tried with n=2 and n=1, then coverage comes from +CEREG alone', { timeout: 15000 }, async () => {
  const rig = await startRig({ keepPdpActive: false });
  try {
    rig.sim.faults.refuse('+CREG');
    const from = rig.sim.atLog.length;
    rig.sim.faults.reboot();
    await waitFor(() => rig.eventsNamed('ready').length === 2, 're-initialised');
    const sent = commands(rig.sim).slice(from);
    assert.ok(sent.includes('AT+CREG=2') && sent.includes('AT+CREG=1'), 'n=2, then n=1');
    assert.ok(!sent.includes('AT+CREG?'), 'not polled when it cannot be enabled');
    assert.equal(rig.sim.settings().reg['+CEREG'], 2);
    rig.sim.network.setCoverage(false);
    await waitFor(() => rig.modem.coverage === false, 'coverage lost from +CEREG alone');
  } finally {
    await rig.stop();
  }
});
