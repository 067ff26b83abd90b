// Issue 18 item 2: a re-bootstrap gives the terminal a new B-TID and with it a new MUK. The BSM pushes under the
// MUK of the B-TID the terminal REGISTERED with, so the terminal must register again at once (trigger
// `renewal`); otherwise the BSM's next push finds no MUK on the card (or no valid B-TID at all).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KEY_DOMAIN, KEY_GROUP, SystemRig, TERMINAL, pause } from './harness.js';

const NEWS = 'urn:bcastd:sim:news';

test('B-TID expiry → re-bootstrap → registration with trigger renewal → an LTKM under the new MUK is stored', { timeout: 90_000 }, async (t) => {
  const rig = await SystemRig.start(t);
  await rig.waitFor('registration', (p) => p['state'] === 'registered', 20_000);
  await rig.waitFor(`keys/${KEY_DOMAIN}/${KEY_GROUP.news}`, (p) => p['count'] === 1, 20_000);
  await pause(500);
  const mark = rig.mark();
  const seq = (await rig.simEvents()).length;

  // The B-TID dies at the BSF (and so at the BSM, which asks the BSF over Zn).
  const expired = await rig.simControl('/expire', { terminal: TERMINAL });
  assert.equal(expired.status, 200, JSON.stringify(expired.json));
  // The next BSM request (`bcastctl pull` for the news key group) is challenged as unknown → GBA bootstraps again.
  await rig.publish('cmd/pull', { keyGroup: KEY_GROUP.news, transaction: 'renewal-test' });

  const renewed = await rig.waitFor('registration', (p) => p['state'] === 'registered' && (p['lastTrigger'] as Record<string, unknown> | null)?.['kind'] === 'renewal', 20_000, { since: mark });
  assert.equal((renewed.payload['lastTrigger'] as Record<string, unknown>)['source'], 'BSM rejected the B-TID');
  assert.equal(rig.on('gba', mark).filter((m) => m.payload['state'] === 'bootstrapped').length, 1, 'one re-bootstrap');
  assert.equal(rig.events('trigger', mark).filter((e) => e['kind'] === 'renewal').length, 1);
  // The BSM saw the re-bootstrap, then a registration with the new B-TID, and now holds that one.
  const after = (await rig.simEvents()).filter((e) => e.seq > seq);
  const bootstrap = after.find((e) => e.type === 'bootstrap');
  assert.ok(bootstrap, after.map((e) => e.type).join(','));
  const newBtid = bootstrap['btid'];
  assert.ok(after.some((e) => e.type === 'register' && e.seq > bootstrap.seq && e['btid'] === newBtid), JSON.stringify(after));
  const regs = await rig.simControl('/registrations');
  assert.deepEqual((regs.json as Array<Record<string, unknown>>).map((r) => r['btid']), [newBtid]);

  // The BSM rotates the news MSK and pushes it, unasked, to the registration: under the new B-TID's MUK.
  const pushMark = rig.mark();
  const rotated = await rig.simControl('/rotate', { serviceId: NEWS });
  assert.equal(rotated.status, 200);
  const pushed = await rig.simControl('/push', { terminal: TERMINAL, serviceId: NEWS });
  assert.equal(pushed.status, 200, JSON.stringify(pushed.json));
  assert.equal(pushed.json['btid'], newBtid);
  const mskId = ((KEY_GROUP.news << 16) + (rotated.json['keyNumber'] as number)).toString(16).padStart(8, '0');
  const outcome = await rig.waitFor('events', (p) => (p['type'] === 'key-stored' && p['mskId'] === mskId) || p['type'] === 'rejected', 15_000, { since: pushMark });
  assert.equal(outcome.payload['type'], 'key-stored', JSON.stringify(outcome.payload));
  await rig.waitFor(`keys/${KEY_DOMAIN}/${KEY_GROUP.news}`, (p) => (p['msks'] as Array<Record<string, unknown>>).some((m) => m['mskId'] === mskId), 5000, { since: pushMark });

  // Nothing was turned away in between: no LTKM under a MUK the card no longer holds.
  assert.deepEqual(rig.events('rejected', mark), []);
  const counters = await rig.healthAfter(Date.now());
  assert.equal(counters['ltkm']['dropped']['no-keys'], 0, JSON.stringify(counters['ltkm']));
  assert.equal(counters['terminal']['triggers']['renewal'], 1, JSON.stringify(counters['terminal']));
});
