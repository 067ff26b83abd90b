// Acceptance 5: the network releases the PDP context (+CGEV). The daemon sees it go inactive, re-activates it
// and registers again with trigger `connectivity` - for each +CGEV form the simulated network can send.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SystemRig } from './harness.js';

const VARIANTS = ['nw-deact', 'nw-pdn-deact', 'me-pdn-deact'] as const;

test('+CGEV network release → PDP inactive → activating → active → re-registered with trigger connectivity', { timeout: 60_000 }, async (t) => {
  const rig = await SystemRig.start(t);
  await rig.waitFor('registration', (p) => p['state'] === 'registered', 20_000);

  for (const variant of VARIANTS) {
    await t.test(`variant ${variant}`, async () => {
      const before = (await rig.simEvents('register')).length;
      const activations = async () => (await rig.atLog()).filter((e) => /^AT\+CGACT=1/i.test(e.command)).length;
      const activationsBefore = await activations();
      const mark = rig.mark();
      const released = await rig.simControl('/pdp-release', { variant });
      assert.equal(released.status, 200, JSON.stringify(released.json));

      const reg = await rig.waitFor('registration', (p) => (p['lastTrigger'] as Record<string, unknown> | null)?.['kind'] === 'connectivity', 20_000, { since: mark });
      assert.equal(reg.payload['state'], 'registered');

      // The pdp topic walked inactive → activating → active (and nothing registered before it was active).
      const states = rig.on('pdp', mark).map((m) => m.payload['state']);
      const inactive = states.indexOf('inactive');
      const activating = states.indexOf('activating', inactive);
      const active = states.indexOf('active', activating);
      assert.ok(inactive >= 0 && activating > inactive && active > activating, `pdp states: ${states.join(' → ')}`);
      const activeAt = rig.on('pdp', mark).find((m) => m.payload['state'] === 'active')!.at;
      assert.ok(reg.at >= activeAt, 'registered after the context was active again');
      const trigger = rig.events('trigger', mark).find((e) => e['kind'] === 'connectivity');
      assert.ok(trigger, `a connectivity trigger event: ${JSON.stringify(rig.events(undefined, mark))}`);

      const registers = (await rig.simEvents('register')).slice(before);
      assert.equal(registers.length, 1, JSON.stringify(registers));
      assert.deepEqual(registers[0]!['statuses'], [200]);
      assert.equal((await rig.waitFor('status', (p) => p['state'] === 'ready', 5000, { since: mark })).payload['state'], 'ready');
      // The simulated modem was told to activate the context again.
      assert.ok((await activations()) > activationsBefore, 'AT+CGACT=1 sent again after the release');
    });
  }
});
