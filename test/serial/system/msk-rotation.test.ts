// The BSM rotates a service's MSK again and again (as operators do, e.g. daily); each new MSK reaches the
// terminal by a key group solicited pull and must be stored. The USIM keeps up to two MSKs per Key Domain /
// Key Group pair (TS 31.102 §4.2.80 EF_MSK), so a rotation replaces the older of them rather than filling it up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KEY_DOMAIN, KEY_GROUP, SystemRig, TERMINAL } from './harness.js';

const ROTATIONS = 5;

test(`${ROTATIONS} MSK rotations of one service: every new MSK is stored and shown`, { timeout: 60_000 }, async (t) => {
  const rig = await SystemRig.start(t);
  await rig.waitFor(`keys/${KEY_DOMAIN}/${KEY_GROUP.news}`, (p) => p['count'] === 1, 20_000);

  for (let i = 1; i <= ROTATIONS; i++) {
    const mark = rig.mark();
    const rotated = await rig.simControl('/rotate', { serviceId: 'urn:bcastd:sim:news' });
    assert.equal(rotated.status, 200);
    const keyNumber = rotated.json.keyNumber as number;
    assert.equal(keyNumber, i + 1);
    const mskId = ((KEY_GROUP.news << 16) + keyNumber).toString(16).padStart(8, '0');
    assert.equal((await rig.simControl('/pull', { terminal: TERMINAL, keyGroup: KEY_GROUP.news, via: 'udp' })).status, 200);
    const outcome = await rig.waitFor('events', (p) => (p['type'] === 'key-stored' && p['mskId'] === mskId) || p['type'] === 'rejected', 15_000, { since: mark });
    assert.equal(outcome.payload['type'], 'key-stored', `rotation ${i} (MSK ${mskId}): ${JSON.stringify(outcome.payload)}`);
    const group = await rig.waitFor(`keys/${KEY_DOMAIN}/${KEY_GROUP.news}`, (p) => (p['msks'] as Array<Record<string, unknown>>).some((m) => m['mskId'] === mskId), 5000, { since: mark });
    assert.equal(group.payload['keyGroup'], KEY_GROUP.news);
    await rig.waitFor(`traffic/${KEY_DOMAIN}/${mskId}`, (p) => p['ready'] === true, 5000, { since: mark });
  }
});
