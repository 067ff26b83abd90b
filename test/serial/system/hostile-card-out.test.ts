// Issue 13, item 5, through the real daemon (virtual USIM through pcscd + vpcd): the card is pulled during a
// purchase. While it is out, `status` says degraded (with the reason) and the purchase's pull is kept, not lost;
// once the card is back the pull is processed and the terminal registers again (counted at the simulated BSM).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SystemRig, TERMINAL, pause } from './harness.js';

test('a pull that meets a pulled card is kept and processed once the card is back; degraded meanwhile', { timeout: 120_000 }, async (t) => {
  const rig = await SystemRig.start(t);
  await rig.waitFor('registration', (p) => p['state'] === 'registered', 20_000);
  await pause(2500);

  const out = rig.mark();
  assert.equal((await rig.simControl('/card', { present: false })).status, 200);
  const degraded = await rig.waitFor('status', (p) => p['state'] === 'degraded', 10_000, { since: out });
  assert.match(String(degraded.payload['reason']), /^card: /);

  const registers = async () => (await rig.simEvents('register')).length;
  const before = await registers();
  const bought = await rig.portal({ serviceId: 'urn:bcastd:sim:sport', terminal: TERMINAL, via: 'udp' });
  assert.equal(bought.status, 200, JSON.stringify(bought.json));
  await rig.waitForSimEvent((e) => e.type === 'ltkm-push' && e['solicitedPull'] === true && e.seq > 0 && String(e['to']).endsWith(':4359'), 10_000);
  const held = async () => (await rig.healthAfter(Date.now()))['ltkm']['held'] as number;
  const deadline = Date.now() + 10_000;
  while ((await held()) < 1 && Date.now() < deadline);
  assert.equal(await held(), 1, 'the pull is kept for the card');
  // Still degraded a while later: nothing pretends to be ready without a card.
  await pause(2000);
  assert.equal(rig.on('status').at(-1)!.payload['state'], 'degraded');
  assert.equal(rig.events('solicited-pull', out).length, 0);

  const back = rig.mark();
  assert.equal((await rig.simControl('/card', { present: true })).status, 200);
  await rig.waitFor('events', (p) => p['type'] === 'solicited-pull', 20_000, { since: back });
  await rig.waitFor('status', (p) => p['state'] === 'ready', 30_000, { since: back });
  const until = Date.now() + 20_000;
  while ((await registers()) <= before && Date.now() < until) await pause(200);
  assert.ok((await registers()) > before, 'registered again at the BSM after the card came back');
  assert.equal(await held(), 0);
  assert.doesNotMatch(rig.logText(), /LTKM dropped: processor failed: card removed/);
});
