// Acceptance 2: a service bought out of band while registered. The portal makes the BSM send a Key Group 0
// solicited pull by SMS; the terminal re-registers with urn:allServices and asks for no MSK; the BSM pushes the
// LTKMs of everything bought; the new key group's MSK shows on MQTT and its traffic becomes decryptable.
// Prints one JSON line with the time from the purchase POST to the key topic arriving.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KEY_DOMAIN, KEY_GROUP, SystemRig, TERMINAL, pause } from './harness.js';

test('out-of-band purchase: KG0 pull by SMS → re-registration (no MSK request) → LTKM → keys and traffic on MQTT', { timeout: 60_000 }, async (t) => {
  const rig = await SystemRig.start(t);
  await rig.waitFor('registration', (p) => p['state'] === 'registered', 20_000);
  // The start-up registration pushed the MSK of what was bought before (news) and nothing of sport.
  await rig.waitFor(`keys/${KEY_DOMAIN}/${KEY_GROUP.news}`, (p) => p['count'] === 1, 10_000);
  assert.equal(rig.on(`keys/${KEY_DOMAIN}/${KEY_GROUP.sport}`).length, 0, 'no sport key before the purchase');
  // The user buys while watching, not in the first seconds: past the rate gate's 2 s after the start-up
  // registration (right after it, the gate alone holds the re-registration back ~2 s).
  await pause(2500);
  const seqBefore = (await rig.simEvents()).length;
  const mark = rig.mark();

  const t0 = Date.now();
  const bought = await rig.portal({ serviceId: 'urn:bcastd:sim:sport', terminal: TERMINAL, via: 'sms' });
  assert.equal(bought.status, 200, JSON.stringify(bought.json));
  assert.deepEqual(bought.json.pull, { keyGroup: 0, via: 'sms' });

  const key = await rig.waitFor(`keys/${KEY_DOMAIN}/${KEY_GROUP.sport}`, (p) => (p['count'] as number) >= 1, 20_000, { since: mark });
  const elapsedMs = key.at - t0;
  console.log(JSON.stringify({ metric: 'purchase-to-key-on-mqtt', elapsedMs, serviceId: 'urn:bcastd:sim:sport', via: 'sms' }));
  assert.equal(key.payload['keyDomainId'], KEY_DOMAIN);
  assert.equal(key.payload['keyGroup'], KEY_GROUP.sport);
  const msk = (key.payload['msks'] as Array<Record<string, unknown>>)[0]!;
  assert.equal(msk['mskId'], '02020001', 'key group 0x0202, key number 1');

  const traffic = await rig.waitFor(`traffic/${KEY_DOMAIN}/02020001`, (p) => p['ready'] === true, 5000, { since: mark });
  assert.equal(traffic.payload['keyGroup'], KEY_GROUP.sport);

  // What the terminal did, in order: a solicited pull by SMS with key group 0 → a registration with
  // urn:allServices, trigger solicited-pull → the key stored.
  const pull = rig.events('solicited-pull', mark);
  assert.equal(pull.length, 1, JSON.stringify(pull));
  assert.equal(pull[0]!['keyGroup'], 0);
  assert.equal(pull[0]!['source'], 'sms');
  const reg = await rig.waitFor('registration', (p) => p['state'] === 'registered', 5000, { since: mark });
  assert.equal((reg.payload['lastTrigger'] as Record<string, unknown>)['kind'], 'solicited-pull');
  assert.ok((reg.payload['services'] as string[]).includes('urn:allServices'), JSON.stringify(reg.payload));

  // The BSM side: the pull went by SMS, then exactly one registration with urn:allServices and no MSK request.
  await pause(1500);
  const after = (await rig.simEvents()).filter((e) => e.seq > seqBefore);
  const types = after.map((e) => e.type);
  assert.ok(types.includes('sms-pull'), types.join(','));
  const registers = after.filter((e) => e.type === 'register');
  assert.equal(registers.length, 1, JSON.stringify(registers));
  assert.deepEqual(registers[0]!['services'], ['urn:allServices']);
  assert.deepEqual(registers[0]!['statuses'], [200]);
  assert.equal(after.filter((e) => e.type === 'msk-request').length, 0, `no MSK request after a key group 0 pull: ${types.join(',')}`);
  const pushes = after.filter((e) => e.type === 'ltkm-push' && e['solicitedPull'] === false);
  assert.ok(pushes.some((e) => e['keyGroup'] === KEY_GROUP.sport), `the BSM pushed the sport LTKM: ${JSON.stringify(pushes)}`);
  assert.ok(types.indexOf('sms-pull') < types.indexOf('register'), `pull before registration: ${types.join(',')}`);
  // The terminal answered the UDP-borne LTKM with a good verification message.
  const verifications = after.filter((e) => e.type === 'verification');
  assert.ok(verifications.length >= 1 && verifications.every((v) => v['ok'] === true), JSON.stringify(verifications));
});
