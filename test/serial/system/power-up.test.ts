// Acceptance 1: power-up. The real bcastd on the sim board comes up, registers with trigger power-up, reports
// `ready`, and the simulated BSM sees exactly one registration.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SystemRig, pause } from './harness.js';

test('power-up: registered with trigger power-up, status ready, one registration at the BSM', { timeout: 60_000 }, async (t) => {
  const rig = await SystemRig.start(t);

  const reg = await rig.waitFor('registration', (p) => p['state'] === 'registered', 20_000);
  assert.equal(reg.retain, false, 'a live publish, not the broker replaying an old retained one');
  const lastTrigger = reg.payload['lastTrigger'] as Record<string, unknown>;
  assert.equal(lastTrigger['kind'], 'power-up');
  assert.ok(Array.isArray(reg.payload['services']) && (reg.payload['services'] as unknown[]).length > 0, 'registered for some service');

  const status = rig.on('status').at(-1)!;
  assert.equal(status.payload['state'], 'ready');

  // Nothing else may register: give a late duplicate time to show up.
  await pause(2000);
  const registers = await rig.simEvents('register');
  assert.equal(registers.length, 1, `the BSM saw ${registers.length} registrations: ${JSON.stringify(registers)}`);
  assert.deepEqual(registers[0]!['statuses'], [200]);
  assert.equal(rig.on('registration').filter((m) => m.payload['state'] === 'registered').length, 1, 'one registration published');

  // The retained state a late MQTT client would see matches.
  assert.equal(rig.on('status').at(-1)!.payload['state'], 'ready');
});
