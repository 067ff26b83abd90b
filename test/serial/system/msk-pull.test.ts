// Acceptance 3: a solicited pull for Key Group ≠ 0 over UDP makes the terminal send an MSK request for exactly
// that key group (and not register).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KEY_DOMAIN, KEY_GROUP, SystemRig, TERMINAL, pause } from './harness.js';

test('key group ≠ 0 solicited pull by UDP → an MSK request for exactly that key group', { timeout: 60_000 }, async (t) => {
  const rig = await SystemRig.start(t);
  await rig.waitFor('registration', (p) => p['state'] === 'registered', 20_000);
  await pause(500);
  const seqBefore = (await rig.simEvents()).length;
  const mark = rig.mark();

  const sent = await rig.simControl('/pull', { terminal: TERMINAL, keyGroup: KEY_GROUP.sport, via: 'udp' });
  assert.equal(sent.status, 200, JSON.stringify(sent.json));

  const req = await rig.waitForSimEvent((e) => e.type === 'msk-request' && e.seq > seqBefore, 15_000);
  assert.deepEqual(
    (req['keys'] as Array<Record<string, unknown>>).map((k) => ({ keyDomainId: k['keyDomainId'], keyGroup: k['keyGroup'] })),
    [{ keyDomainId: KEY_DOMAIN, keyGroup: KEY_GROUP.sport }],
  );

  const pull = await rig.waitFor('events', (p) => p['type'] === 'solicited-pull', 5000, { since: mark });
  assert.equal(pull.payload['keyGroup'], KEY_GROUP.sport);
  assert.equal(pull.payload['source'], 'udp');
  const requested = await rig.waitFor('events', (p) => p['type'] === 'msk-requested', 5000, { since: mark });
  assert.deepEqual(requested.payload['keyGroups'], [KEY_GROUP.sport]);
  assert.equal(requested.payload['keyDomainId'], KEY_DOMAIN);
  assert.equal(requested.payload['trigger'], 'solicited-pull');

  await pause(1500);
  const after = (await rig.simEvents()).filter((e) => e.seq > seqBefore);
  assert.equal(after.filter((e) => e.type === 'msk-request').length, 1, after.map((e) => e.type).join(','));
  assert.equal(after.filter((e) => e.type === 'register').length, 0, 'a key group ≠ 0 pull does not register');
  // The pull arrived over UDP and was MAC-checked: the BSM's datagram was a solicited pull to the LTKM port.
  assert.ok(after.some((e) => e.type === 'ltkm-push' && e['solicitedPull'] === true && e['keyGroup'] === KEY_GROUP.sport), JSON.stringify(after));
});
