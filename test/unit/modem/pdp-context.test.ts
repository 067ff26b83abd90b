// PDP context state machine details: failed activations, adopting a context the modem brought up,
// release floods, and the profile's data interface commands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PDP_TRANSITIONS, type PdpState } from '../../../src/modem/index.js';
import { capturingLogger, commands, delay, failOnUnhandled, startRig, waitFor, type Rig } from './harness.js';

failOnUnhandled();

function pdpStates(rig: Rig): PdpState[] {
  return rig.eventsNamed('pdp').map((e) => e.state);
}

test('the transition table: every state reachable, inactive only left by activation or discovery', () => {
  const reachable = new Set<PdpState>(['inactive']);
  for (let changed = true; changed; ) {
    changed = false;
    for (const s of [...reachable]) for (const n of PDP_TRANSITIONS[s]) if (!reachable.has(n)) changed = reachable.add(n) !== null;
  }
  assert.deepEqual([...reachable].sort(), ['activating', 'active', 'deactivating', 'failed', 'inactive']);
  assert.deepEqual([...PDP_TRANSITIONS.inactive].sort(), ['activating', 'active']);
  assert.ok(!PDP_TRANSITIONS.active.includes('activating'));
});

test('failed activations are retried with backoff until one succeeds', { timeout: 15000 }, async () => {
  const rig = await startRig({ tuning: { pdp: { backoff: { baseMs: 40, maxMs: 160, jitter: 0 } } } });
  try {
    const from = rig.eventsNamed('pdp').length;
    rig.sim.network.failActivations(2, 133);
    rig.sim.network.releasePdp('nw-pdn-deact');
    await waitFor(() => pdpStates(rig).length >= from + 7, 'three attempts');
    assert.deepEqual(pdpStates(rig).slice(from), ['inactive', 'activating', 'failed', 'activating', 'failed', 'activating', 'active']);
    const failed = rig.eventsNamed('pdp').filter((e) => e.state === 'failed');
    assert.match(failed[0]!.reason, /133|requested service option not subscribed/);
    assert.equal(rig.modem.stats().pdp.activationFailures, 2);
  } finally {
    await rig.stop();
  }
});

test('no coverage: activation fails (+CME ERROR 30) and succeeds once the network is back', { timeout: 15000 }, async () => {
  const rig = await startRig({ tuning: { pdp: { backoff: { baseMs: 40, maxMs: 80, jitter: 0 } } } });
  try {
    rig.sim.network.setCoverage(false);
    rig.sim.network.releasePdp('nw-detach');
    await waitFor(() => pdpStates(rig).includes('failed'), 'a failed attempt');
    assert.match(rig.eventsNamed('pdp').find((e) => e.state === 'failed')!.reason, /no network service|30/);
    rig.sim.network.setCoverage(true);
    await waitFor(() => rig.modem.pdpState === 'active', 'active again');
  } finally {
    await rig.stop();
  }
});

test('a context the modem brings up by itself is adopted, without activating it twice', { timeout: 15000 }, async () => {
  const rig = await startRig({ keepPdpActive: false });
  try {
    assert.equal(rig.modem.pdpState, 'inactive');
    await rig.modem.command('AT+CGACT=1,1');
    rig.sim.urc('+CGEV: ME PDN ACT 1');
    await waitFor(() => rig.modem.pdpState === 'active', 'adopted');
    assert.deepEqual(rig.modem.pdpAddress, { cid: 1, ipv4: '10.64.0.2', ipv6: null });
    assert.equal(commands(rig.sim).filter((c) => c === 'AT+CGACT=1,1').length, 1);
    assert.equal(rig.eventsNamed('pdp').at(-1)!.previous, 'inactive');
  } finally {
    await rig.stop();
  }
});

test('a flood of releases (SIM7600 "ME PDN DEACT 1" storm) causes one release, not a storm of activations', { timeout: 15000 }, async () => {
  const rig = await startRig({ tuning: { pdp: { backoff: { baseMs: 100, maxMs: 400, jitter: 0 } } } });
  try {
    const before = commands(rig.sim).filter((c) => c === 'AT+CGACT=1,1').length;
    rig.sim.network.releasePdp('me-pdn-deact');
    for (let i = 0; i < 20; i++) rig.sim.urc('+CGEV: ME PDN DEACT 1');
    await waitFor(() => rig.modem.pdpState === 'active' && pdpStates(rig).length >= 5, 'back up');
    await delay(200);
    assert.equal(commands(rig.sim).filter((c) => c === 'AT+CGACT=1,1').length - before, 1);
    assert.equal(rig.modem.stats().pdp.releases, 1);
    assert.equal(rig.modem.stats().pdp.events, 21);
  } finally {
    await rig.stop();
  }
});

test('events for other contexts are checked, not believed', { timeout: 15000 }, async () => {
  const rig = await startRig();
  try {
    const n = rig.eventsNamed('pdp').length;
    const checks = rig.modem.stats().pdp.checks;
    rig.sim.urc('+CGEV: NW PDN DEACT 8');
    rig.sim.urc('+CGEV: ME DEACT "IP","10.9.9.9"');
    await waitFor(() => rig.modem.stats().pdp.checks > checks, 'a check');
    await delay(100);
    assert.equal(rig.eventsNamed('pdp').length, n, 'still active: the checks said so');
    assert.equal(rig.modem.pdpState, 'active');
  } finally {
    await rig.stop();
  }
});

test('a bad APN in the board config: logged, the modem still ready, the context failed and retried', { timeout: 15000 }, async () => {
  const { logger, records } = capturingLogger('info');
  const rig = await startRig({ logger, waitReady: false, settings: { apn: 'not an apn!' }, tuning: { pdp: { backoff: { baseMs: 50, maxMs: 100, jitter: 0 } } } });
  try {
    await rig.modem.whenReady(5000);
    await waitFor(() => rig.modem.stats().pdp.activationFailures >= 2, 'retried activations');
    assert.ok(records.some((r) => r.level === 50 && r.msg === 'cannot define the PDP context'));
    assert.equal(rig.modem.state, 'ready');
    assert.ok(!commands(rig.sim).some((c) => c.startsWith('AT+CGDCONT=')));
  } finally {
    await rig.stop();
  }
});
