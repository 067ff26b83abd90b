// The change request's corners through the real daemon (pty modem, pcscd + vpcd, simulated BSF/BSM, mosquitto):
// a key-less message with the V bit set is rejected (event, counters, one log line); configured service pairs
// register as GlobalPurchaseItemID || PurchaseDataReference; a Key Group 0 pull registers with exactly
// urn:allServices and leaves the configured list in force; SIGTERM while a registration is in flight waits for
// it, de-registers, and only then releases the PDP context (CR change 3), read from the simulated BSM's event
// log and the simulated modem's AT log, both kept on disk by the sim world.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SystemRig, TERMINAL, pause, type AtLogEntry, type SimEvent } from './harness.js';

const jsonLines = <T>(file: string): T[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);

// {urn:bcastd:sim:} || {news} is the sim BSM's news service, which the sim subscriber has bought.
const PAIR = { globalPurchaseItemId: 'urn:bcastd:sim:', purchaseDataReference: 'news' };
const NEWS = 'urn:bcastd:sim:news';

test('CR corners: V-set key-less message rejected; pairs and Key Group 0 bodies; SIGTERM during a registration', { timeout: 90_000 }, async (t) => {
  const rig = await SystemRig.start(t, { overrides: { terminal: { services: [PAIR] }, log: { components: { sim: 'debug', modem: 'trace' } } } });
  await rig.waitFor('registration', (p) => p['state'] === 'registered', 20_000);
  await rig.waitForSimEvent((e) => e.type === 'verification', 10_000);
  const registerBodies = async () => (await rig.simEvents('register')).map((e) => e['services'] as string[]);

  await t.test('power-up registers the configured pair as one service ID', async () => {
    assert.deepEqual(await registerBodies(), [[NEWS]]);
  });

  await t.test('a key-less MSK message with V set: one log line, a rejected event, two counters, no registration', async () => {
    const mark = rig.mark();
    const before = (await registerBodies()).length;
    assert.equal((await rig.simControl('/faults', { fault: 'vBitPull' })).status, 200);
    assert.equal((await rig.simControl('/pull', { terminal: TERMINAL, keyGroup: 0, via: 'udp' })).status, 200);
    const ev = await rig.waitFor('events', (p) => p['type'] === 'rejected', 10_000, { since: mark });
    assert.equal(ev.payload['reason'], 'keyless-v-set', JSON.stringify(ev.payload));
    assert.equal(ev.payload['source'], 'udp');
    const counters = await rig.healthAfter(Date.now());
    assert.equal(counters['terminal']['rejected']['keyless-v-set'], 1, JSON.stringify(counters['terminal']));
    assert.equal(counters['ltkm']['dropped']['keyless-v-set'], 1, JSON.stringify(counters['ltkm']));
    const lines = rig.logLines().filter((l) => l['reason'] === 'keyless-v-set');
    assert.equal(lines.length, 1, JSON.stringify(lines));
    assert.match(String(lines[0]!['msg']), /V bit set: not a solicited pull/);
    assert.equal(SystemRig.levelOf(lines[0]!), 40, 'a warning');
    assert.equal(rig.events('solicited-pull', mark).length, 0);
    await pause(2500);
    assert.equal((await registerBodies()).length, before, 'the BSM saw no registration');
  });

  await t.test('a Key Group 0 pull registers with exactly urn:allServices; coverage regained then registers the pair again', async () => {
    const before = (await registerBodies()).length;
    assert.equal((await rig.simControl('/pull', { terminal: TERMINAL, keyGroup: 0, via: 'sms' })).status, 200);
    await rig.waitForSimEvent((e) => e.type === 'register' && (e['services'] as string[]).includes('urn:allServices'), 15_000);
    assert.deepEqual((await registerBodies()).slice(before), [['urn:allServices']]);
    const mark = rig.mark();
    assert.equal((await rig.simControl('/coverage', { on: false })).status, 200);
    await pause(300);
    assert.equal((await rig.simControl('/coverage', { on: true })).status, 200);
    await rig.waitFor('events', (p) => p['type'] === 'registered' && p['trigger'] === 'connectivity', 15_000, { since: mark });
    assert.deepEqual((await registerBodies()).slice(before), [['urn:allServices'], [NEWS]]);
  });

  await t.test('SIGTERM while a registration is in flight: register answered 200, then deregister, then AT+CGACT=0', async () => {
    // Unregistered first, so only the registration in flight makes the terminal registered.
    const mark = rig.mark();
    await rig.publish('cmd/deregister', { transaction: 'cr-1' });
    await rig.waitFor('registration', (p) => p['state'] === 'unregistered', 15_000, { since: mark });
    assert.equal((await rig.simControl('/faults', { registerDelayMs: 3000 })).status, 200);
    const lastSeq = (await rig.simEvents()).at(-1)!.seq;
    await pause(2100); // past the rate gate's least interval
    await rig.publish('cmd/register', { transaction: 'cr-2' });
    // The BSM records the registration, then holds its answer for 3 s: SIGTERM lands in that window.
    const inFlight = await rig.waitForSimEvent((e) => e.type === 'register' && e.seq > lastSeq, 10_000);
    assert.equal(rig.events('registered', mark).length, 0, 'not answered yet');
    const exit = await rig.signal('SIGTERM', 30_000);
    assert.deepEqual(exit, { code: 0, signal: null }, `bcastd exit:\n${rig.logTail()}`);

    const net = jsonLines<SimEvent>(join(rig.stateDir, 'sim-events.jsonl'));
    const after = net.filter((e) => e.seq >= inFlight.seq && (e.type === 'register' || e.type === 'deregister'));
    assert.deepEqual(after.map((e) => e.type), ['register', 'deregister'], JSON.stringify(after));
    assert.deepEqual(after[0]!['statuses'], [200]);
    assert.deepEqual(after[1]!['services'], [NEWS]);
    const registered = rig.events('registered', mark).at(-1)!;
    const deregisteredEv = rig.events('deregistered', mark).at(-1)!;
    assert.ok(Date.parse(String(registered['ts'])) <= Date.parse(String(deregisteredEv['ts'])), 'the daemon had the 200 before it de-registered');
    assert.ok(Date.parse(String(registered['ts'])) - Date.parse(inFlight.ts) >= 2900, 'the answer was held by the BSM: SIGTERM landed while it was in flight');

    const at = jsonLines<AtLogEntry>(join(rig.stateDir, 'sim-at-log.jsonl'));
    const release = at.filter((e) => /^AT\+CGACT=0/i.test(e.command));
    assert.equal(release.length, 1, at.slice(-5).map((e) => e.command).join(' | '));
    assert.ok(Date.parse(after[1]!.ts) <= Date.parse(release[0]!.ts), `deregister at ${after[1]!.ts}, AT+CGACT=0 at ${release[0]!.ts}`);
  });
});
