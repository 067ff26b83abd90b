// Acceptance: every +CGEV form of a network (or modem) release - 27.007 and vendor spellings, cid 0,
// address-only, detach - makes the context come back with backoff: pdp events active → inactive →
// activating → active. It is never deactivated unless asked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PDP_RELEASE_VARIANTS } from '../../../src/sim/modem/index.js';
import { failOnUnhandled, startRig, waitFor, type Rig } from '../../unit/modem/harness.js';

failOnUnhandled();

/** pdp events (state, time) since index `from`. */
function pdpSince(rig: Rig, from: number): { state: string; reason: string; ts: number }[] {
  return rig.events
    .filter((e) => e.name === 'pdp')
    .slice(from)
    .map((e) => ({ state: (e.args[0] as { state: string }).state, reason: (e.args[0] as { reason: string }).reason, ts: e.ts }));
}

const ANNOUNCED = PDP_RELEASE_VARIANTS.filter((v) => v !== 'silent');

test('each +CGEV release form → active → inactive → activating → active, with growing backoff', { timeout: 30000 }, async () => {
  const rig = await startRig({ tuning: { pdp: { backoff: { baseMs: 60, maxMs: 240, jitter: 0 }, stableMs: 60_000 } } });
  try {
    const { sim, modem } = rig;
    const gaps: number[] = [];
    for (const variant of ANNOUNCED) {
      const from = rig.events.filter((e) => e.name === 'pdp').length;
      assert.equal(modem.pdpState, 'active');
      assert.equal(sim.network.releasePdp(variant), 1, variant);
      await waitFor(() => pdpSince(rig, from).length >= 3, `re-activation after ${variant}`);
      const seq = pdpSince(rig, from);
      assert.deepEqual(
        seq.map((e) => e.state),
        ['inactive', 'activating', 'active'],
        `${variant}: ${seq.map((e) => `${e.state} (${e.reason})`).join(', ')}`,
      );
      gaps.push(seq[1]!.ts - seq[0]!.ts);
      assert.equal(sim.contexts()[0]!.active, true, `${variant}: the modem has the context again`);
    }
    // Capped exponential backoff (no jitter here): 60, 120, 240, 240, …
    for (const [i, gap] of gaps.entries()) assert.ok(gap >= Math.min(60 * 2 ** i, 240) - 15, `gap ${i} = ${gap} ms`);
    assert.equal(modem.stats().pdp.releases, ANNOUNCED.length);
    assert.equal(modem.stats().pdp.illegalTransitions, 0);
    assert.equal(modem.stats().pdp.badEvents, 0);
    assert.ok(!sim.atLog.some((e) => e.command === 'AT+CGACT=0,1'), 'never deactivated by the terminal');
    assert.deepEqual(modem.pdpAddress, { cid: 1, ipv4: '10.64.0.2', ipv6: null });
  } finally {
    await rig.stop();
  }
});

test('a silent release is found by the periodic AT+CGACT? backstop', { timeout: 20000 }, async () => {
  const rig = await startRig({ tuning: { pdp: { checkIntervalMs: 150, backoff: { baseMs: 50, maxMs: 100, jitter: 0 } } } });
  try {
    const from = rig.events.filter((e) => e.name === 'pdp').length;
    assert.equal(rig.sim.network.releasePdp('silent'), 1);
    await waitFor(() => pdpSince(rig, from).length >= 3, 'the backstop noticing');
    const seq = pdpSince(rig, from);
    assert.deepEqual(seq.map((e) => e.state), ['inactive', 'activating', 'active']);
    assert.match(seq[0]!.reason, /periodic/);
  } finally {
    await rig.stop();
  }
});

test('deactivated only when asked: then it stays down through releases and checks, and stop() does not touch it', { timeout: 20000 }, async () => {
  const rig = await startRig({ tuning: { pdp: { checkIntervalMs: 100, backoff: { baseMs: 50, maxMs: 100, jitter: 0 } } } });
  try {
    const { sim, modem } = rig;
    const from = rig.events.filter((e) => e.name === 'pdp').length;
    await modem.deactivatePdp();
    assert.deepEqual(pdpSince(rig, from).map((e) => e.state), ['deactivating', 'inactive']);
    assert.equal(sim.atLog.filter((e) => e.command === 'AT+CGACT=0,1').length, 1);
    assert.equal(sim.contexts()[0]!.active, false);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(modem.pdpState, 'inactive', 'no re-activation after a requested deactivation');
    await modem.activatePdp();
    await waitFor(() => modem.pdpState === 'active', 'active on request');
    const before = sim.atLog.length;
    await modem.stop();
    assert.ok(!sim.atLog.slice(before).some((e) => e.command.startsWith('AT+CGACT=0')), 'stop() leaves the context alone');
  } finally {
    await rig.stop();
  }
});
