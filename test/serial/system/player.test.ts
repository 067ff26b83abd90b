// Acceptance 2, last step: the opt-in player exchange. The local player hands in an STKM (the MIKEY MTK message
// the broadcast carries) on player/stkm; the USIM generates the MTK; the TEK comes back on player/tek — and it is
// exactly the TEK the BSM generated. A TEK appears on no other topic.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KEY_DOMAIN, KEY_GROUP, SystemRig, TERMINAL } from './harness.js';

test('player exchange: STKM in → MTK generation on the USIM → the TEK the BSM generated out', { timeout: 60_000 }, async (t) => {
  const rig = await SystemRig.start(t);
  await rig.waitFor(`keys/${KEY_DOMAIN}/${KEY_GROUP.news}`, (p) => Number(p['count']) >= 1, 20_000);
  // The BSM remembers what the card stored once the verification message came back.
  await rig.waitForSimEvent((e) => e.type === 'verification' && e['ok'] === true, 10_000);

  for (const [i, salt] of [false, true].entries()) {
    const made = await rig.simControl('/stkm', { terminal: TERMINAL, serviceId: 'urn:bcastd:sim:news', salt });
    assert.equal(made.status, 200, JSON.stringify(made.json));
    const requestId = `req-${i}`;
    const mark = rig.mark();
    await rig.publish('player/stkm', { stkm: made.json.stkm, requestId });
    const answer = await rig.waitFor('player/tek', (p) => p['requestId'] === requestId, 10_000, { since: mark });
    assert.equal(answer.payload['ok'], true, JSON.stringify(answer.payload));
    assert.equal(answer.payload['tek'], made.json.tek, 'the TEK the BSM generated');
    assert.equal(answer.payload['salt'], made.json.salt ?? null);
    assert.equal(answer.payload['mtkId'], made.json.mtkId);
    assert.equal(answer.retain, false, 'a TEK is never retained');
    const elsewhere = rig.messages.filter((m) => m.suffix !== 'player/tek' && m.raw.includes(made.json.tek));
    assert.deepEqual(elsewhere.map((m) => m.topic), [], 'the TEK appears on no other topic');
  }

  // A replayed STKM (same counter) is refused by the card, with an error answer and no TEK.
  const again = await rig.simControl('/stkm', { terminal: TERMINAL, serviceId: 'urn:bcastd:sim:news' });
  const mark = rig.mark();
  await rig.publish('player/stkm', { stkm: again.json.stkm, requestId: 'first' });
  await rig.waitFor('player/tek', (p) => p['requestId'] === 'first' && p['ok'] === true, 10_000, { since: mark });
  await rig.publish('player/stkm', { stkm: again.json.stkm, requestId: 'replay' });
  const refused = await rig.waitFor('player/tek', (p) => p['requestId'] === 'replay', 10_000, { since: mark });
  assert.equal(refused.payload['ok'], false);
  assert.equal(refused.payload['tek'], undefined);
  assert.match(JSON.stringify(refused.payload['error']), /fresh/i);

  // Garbage gets a typed error, not a crash.
  await rig.publish('player/stkm', { stkm: 'zz', requestId: 'bad' });
  const bad = await rig.waitFor('player/tek', (p) => p['requestId'] === 'bad', 10_000, { since: mark });
  assert.deepEqual((bad.payload['error'] as Record<string, unknown>)['code'], 'malformed_request');
});
