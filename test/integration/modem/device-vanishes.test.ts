// Acceptance: the device node vanishes for 3 s in the middle of a command and comes back (a new pty
// behind the same stable path, like USB re-enumeration): the engine reconnects, re-initialises and
// receives the next SMS, and nothing goes unhandled (failOnUnhandled fails the file otherwise).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AtLinkError } from '../../../src/modem/index.js';
import { failOnUnhandled, startRig, waitFor } from '../../unit/modem/harness.js';
import { wapPushPdus } from './fixtures.js';

failOnUnhandled();

test('node gone for 3 s mid-command → reconnect, re-initialise, next SMS received', { timeout: 30000 }, async () => {
  const rig = await startRig({ settings: { smsMode: 'cmt', timeouts: { default: 8000 } } });
  try {
    const { sim, modem } = rig;
    sim.faults.slowCommand('+CSQ', 10_000);
    const inFlight = modem.command('AT+CSQ').then(
      () => null,
      (e: unknown) => e,
    );
    await waitFor(() => sim.atLog.some((e) => e.command === 'AT+CSQ'), 'AT+CSQ reaching the modem');
    const removedAt = Date.now();
    await sim.faults.removeNode(3000);
    const err = await inFlight;
    assert.ok(err instanceof AtLinkError, `the command in flight fails with a link error, got ${String(err)}`);
    assert.equal(err.reason, 'disconnected');
    sim.faults.slowCommand('+CSQ', null);

    await waitFor(() => rig.eventsNamed('ready').length === 2, 'ready after the node came back', 10_000);
    assert.ok(Date.now() - removedAt >= 2900, 'not ready before the node was back');
    const states = rig.eventsNamed('link').map((t) => t.state);
    assert.ok(states.filter((s) => s === 'backoff').length >= 2, `polled with backoff: ${states.join(' → ')}`);
    // Re-initialised: routing and reporting set again on the link that came back.
    assert.equal(sim.settings().cnmi.mt, 2);
    assert.equal(sim.settings().cgerep.mode, 2);

    const { mikey, pdus } = wapPushPdus({ reference: 123 });
    sim.smsc.deliver(pdus);
    await waitFor(() => rig.eventsNamed('wap-push').length === 1, 'the next SMS');
    assert.deepEqual(Buffer.from(rig.eventsNamed('wap-push')[0]!.push.body), Buffer.from(mikey));
    const s = modem.stats();
    assert.equal(s.link.disconnects, 1);
    assert.equal(s.link.illegalTransitions, 0);
    assert.equal(s.pdp.illegalTransitions, 0);
    await waitFor(() => modem.pdpState === 'active', 'the PDP context back up');
  } finally {
    await rig.stop();
  }
});

test('the modem reboots: boot URCs → re-initialised, the context re-activated, the next SMS received', { timeout: 20000 }, async () => {
  const rig = await startRig({ settings: { smsMode: 'cmt' } });
  try {
    const { sim, modem } = rig;
    sim.faults.reboot();
    await waitFor(() => rig.eventsNamed('ready').length === 2, 're-initialised');
    await waitFor(() => modem.pdpState === 'active' && rig.eventsNamed('pdp').length >= 4, 'the context re-activated');
    const pdp = rig.eventsNamed('pdp').map((e) => e.state);
    assert.deepEqual(pdp.slice(-3), ['inactive', 'activating', 'active']);
    const { mikey, pdus } = wapPushPdus({ reference: 124 });
    sim.smsc.deliver(pdus);
    await waitFor(() => rig.eventsNamed('wap-push').length === 1, 'the next SMS');
    assert.deepEqual(Buffer.from(rig.eventsNamed('wap-push')[0]!.push.body), Buffer.from(mikey));
  } finally {
    await rig.stop();
  }
});
