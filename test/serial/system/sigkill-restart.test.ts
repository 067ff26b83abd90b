// Acceptance 7: SIGKILL while the state file is being written hard (MSK rotations pulled by UDP, purchases
// re-registering), then a restart on the same state dir: state.json is whole and valid, the registration is
// restored (published from the file) and renewed (a new power-up registration at the BSM).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateState } from '../../../src/store/state-schema.js';
import { KEY_DOMAIN, KEY_GROUP, SUBSCRIBER, SystemRig, TERMINAL } from './harness.js';

const SERVICES = [
  { serviceId: 'urn:bcastd:sim:news', keyGroup: KEY_GROUP.news },
  { serviceId: 'urn:bcastd:sim:sport', keyGroup: KEY_GROUP.sport },
  { serviceId: 'urn:bcastd:sim:movies', keyGroup: KEY_GROUP.movies },
];

test('SIGKILL during heavy state writes, restart → valid state.json, registration restored and renewed', { timeout: 60_000 }, async (t) => {
  // Let every trigger through at once so that the store, not the rate gate, is what is stressed.
  const rig = await SystemRig.start(t, { overrides: { terminal: { triggerRateLimit: { perMinute: 6000, burst: 1000, minIntervalMs: 0 } } } });
  await rig.waitFor('registration', (p) => p['state'] === 'registered', 20_000);
  const loadStart = rig.mark();

  // One worker per service: rotate its MSK, pull its key group by UDP (→ MSK request → LTKM → key stored → state
  // write) and wait for the key to be stored; a fourth buys services (→ key group 0 pull → registration →
  // state write). Waiting for each outcome keeps the load on the store rather than in the daemon's queues.
  let running = true;
  // Set just before the SIGKILL: the world's process ends as soon as its daemon is gone, so requests in flight then
  // fail by design, possibly before this process has seen the daemon's exit.
  let killed = false;
  let rounds = 0;
  const failures: string[] = [];
  const post = async (what: Promise<{ status: number; json: unknown }>) => {
    const r = await what;
    if (r.status !== 200) throw new Error(`simulator answered ${r.status}: ${JSON.stringify(r.json)}`);
    return r.json as Record<string, unknown>;
  };
  const rotateAndPull = async (svc: (typeof SERVICES)[number]) => {
    while (running) {
      try {
        const { keyNumber } = await post(rig.simControl('/rotate', { serviceId: svc.serviceId }));
        const mskId = ((svc.keyGroup << 16) + Number(keyNumber)).toString(16).padStart(8, '0');
        const stored = rig.waitFor('events', (p) => p['type'] === 'key-stored' && p['mskId'] === mskId, 5000).catch(() => null);
        await post(rig.simControl('/pull', { terminal: TERMINAL, keyGroup: svc.keyGroup, via: 'udp' }));
        await stored;
        rounds++;
      } catch (e) {
        if (!killed) failures.push((e as Error).message);
      }
    }
  };
  const buyer = async () => {
    for (let i = 0; running; i++) {
      try {
        const svc = SERVICES[i % SERVICES.length]!;
        const since = rig.mark();
        await post(rig.portal({ serviceId: svc.serviceId, terminal: TERMINAL, via: 'udp' }));
        await rig.waitFor('events', (p) => p['type'] === 'registered', 5000, { since }).catch(() => null);
        rounds++;
      } catch (e) {
        if (!killed) failures.push((e as Error).message);
      }
    }
  };
  const workers = [...SERVICES.map((svc) => rotateAndPull(svc)), buyer()];

  // Kill once the store is busy: many updates (each registration and stored key is one), several files written
  // (the store writes at most once a second, folding the updates between), while the load goes on.
  const deadline = Date.now() + 20_000;
  let store: Record<string, number> = {};
  while (Date.now() < deadline) {
    store = (await rig.healthAfter(Date.now(), 3000))['store'] as Record<string, number>;
    if (store['updates']! >= 30 && store['writes']! >= 5) break;
  }
  const killedAt = Date.now();
  killed = true;
  const exit = await rig.signal('SIGKILL');
  running = false;
  await Promise.all(workers);
  assert.deepEqual(exit, { code: null, signal: 'SIGKILL' });
  assert.ok(store['updates']! >= 30 && store['writes']! >= 5, `the store was busy before the kill: ${JSON.stringify(store)}`);
  assert.deepEqual(failures, [], 'the simulator answered every request while the daemon ran');
  console.log(JSON.stringify({ metric: 'state-store-before-sigkill', ...store, rounds, keysStored: rig.events('key-stored', loadStart).length }));
  // The broker told the world the daemon was lost (its LWT).
  await rig.waitFor('status', (p) => p['state'] === 'lost', 5000, { since: killedAt });
  // The simulated world's process sees its daemon gone and ends, with its private pcscd: nothing is left behind.
  assert.deepEqual(await rig.childrenGone(10_000), [], 'the daemon\'s child processes ended on their own after the SIGKILL');

  // The file is whole and valid, and holds no secret.
  const stateFile = join(rig.stateDir, 'state.json');
  const text = readFileSync(stateFile, 'utf8');
  const state = validateState(JSON.parse(text));
  assert.equal(state.registration.state, 'registered');
  assert.ok(state.registration.registeredAt, 'registeredAt kept');
  assert.ok(state.keys.length >= 1, 'key metadata kept');
  for (const secret of [SUBSCRIBER.k, SUBSCRIBER.opc, SUBSCRIBER.imsi]) assert.ok(!text.toLowerCase().includes(secret), 'no subscriber secret in state.json');

  // Restart on the same state dir.
  const restartAt = Date.now();
  const restartMark = rig.mark();
  await rig.startDaemon();
  const restored = rig.on('registration', restartMark)[0];
  assert.ok(restored, 'the restarted daemon published its registration');
  assert.equal(restored.payload['state'], 'registered', 'restored from state.json before registering again');
  assert.equal(restored.payload['registeredAt'], state.registration.registeredAt);
  for (const group of new Set(state.keys.filter((k) => k.status === 'stored').map((k) => k.keyGroup))) {
    const m = rig.on(`keys/${KEY_DOMAIN}/${group}`, restartMark)[0];
    assert.ok(m, `keys/${KEY_DOMAIN}/${group} republished from state.json`);
    assert.ok((m.payload['count'] as number) >= state.keys.filter((k) => k.keyGroup === group && k.status === 'stored').length, JSON.stringify(m.payload));
  }

  const renewed = await rig.waitFor('registration', (p) => p['state'] === 'registered' && (p['lastTrigger'] as Record<string, unknown> | null)?.['kind'] === 'power-up' && Date.parse(String(p['registeredAt'])) >= restartAt, 20_000, { since: restartMark });
  assert.ok(renewed.at >= restored.at);
  const registers = await rig.simEvents('register');
  assert.equal(registers.length, 1, `the new BSM saw one registration: ${JSON.stringify(registers)}`);
  assert.deepEqual(registers[0]!['statuses'], [200]);

  // The interrupted writer's temp files are gone, and the renewed registration reached the file.
  const deadline2 = Date.now() + 5000;
  let after = validateState(JSON.parse(readFileSync(stateFile, 'utf8')));
  while (after.registration.registeredAt === state.registration.registeredAt && Date.now() < deadline2) {
    await new Promise((r) => setTimeout(r, 100));
    after = validateState(JSON.parse(readFileSync(stateFile, 'utf8')));
  }
  assert.equal(after.registration.lastTrigger?.kind, 'power-up');
  assert.deepEqual(readdirSync(rig.stateDir).filter((f) => f.startsWith('.state.json.tmp-')), []);
});
