// The terminal domain against in-memory ports: bring-up order, triggers, the solicited-pull policy, key status,
// shutdown order. (The same behaviour through the real daemon, pty modem, pcscd and mosquitto is in test/system.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { buildSolicitedPull, encodeMikey, encodeWspPush, decodeWspPush, fromHex } from '../../../src/codec/index.js';
import { Terminal, type TerminalOptions } from '../../../src/terminal/terminal.js';
import { LtkmIntake } from '../../../src/terminal/ltkm/intake.js';
import { SmsBearer } from '../../../src/terminal/ltkm/sms-bearer.js';
import type { LtkmSource } from '../../../src/terminal/ltkm/types.js';
import type { PersistedKey, PersistedRegistration, ServiceResult } from '../../../src/terminal/ports.js';
import { EventContract } from '../../helpers/event-contract.js';
import { FakeClock, flush } from '../../helpers/fake-clock.js';

const KDID = '00f110';
/** Every event the terminal emits in these tests, checked against docs/schema/events.json (last test). */
const contract = new EventContract();
const from = (via: LtkmSource['via']): LtkmSource => ({ via, address: via, port: 0 });

function mikeyPull(keyGroup: number): Uint8Array {
  return encodeMikey(
    buildSolicitedPull({ csbId: 7, counter: 5, rand: new Uint8Array(16), idi: 'bsm.example', idr: 'btid@bsf', keyDomainId: fromHex(KDID), keyGroup }),
  );
}

function rig(over: Partial<TerminalOptions> = {}) {
  const clock = new FakeClock();
  const calls: string[] = [];
  const published = new Map<string, Record<string, unknown>>();
  const events: Array<[string, Record<string, unknown>]> = [];
  const cleared: string[] = [];
  const statuses: string[] = [];
  const saved: { registration: PersistedRegistration | null; keys: PersistedKey[] } = { registration: null, keys: [] };
  const failures = { pdp: 0, register: 0 };
  const handedToIntake: Array<[Uint8Array, string]> = [];
  let registerResult: (services: string[]) => ServiceResult[] = (s) => s.map((serviceId) => ({ serviceId, status: 200 }));
  let pdpActive = false;
  /** Set by a test to hold the card's readiness or the BSM's answer to registrations until it resolves them. */
  const hooks: { cardWait?: Promise<void>; registerWait?: Promise<void> } = {};
  const terminal = new Terminal(
    {
      modem: { ready: async () => void calls.push('modem') },
      card: {
        ready: async () => {
          await hooks.cardWait;
          calls.push('card');
          return { homeKeyDomainId: KDID, gbaMode: 'gba-u' as const };
        },
      },
      pdp: {
        ensureActive: async () => {
          if (failures.pdp > 0) {
            failures.pdp--;
            throw new Error('+CME ERROR: 30');
          }
          if (!pdpActive) calls.push('pdp-up');
          pdpActive = true;
          return { address: '10.0.0.2' };
        },
        release: async () => {
          calls.push('pdp-release');
          pdpActive = false;
        },
        get active() {
          return pdpActive;
        },
      },
      gba: { ensure: async () => ({ btidMasked: 'QUJD…@bsf', lifetime: new Date(0) }), current: () => null },
      bsm: {
        register: async (services) => {
          calls.push(`register:${services.join(',')}`);
          await hooks.registerWait;
          if (hooks.registerWait) calls.push('register-answered');
          if (failures.register > 0) {
            failures.register--;
            throw new Error('BSM 503');
          }
          return registerResult(services);
        },
        deregister: async (services) => (calls.push(`deregister:${services.join(',')}`), services.map((serviceId) => ({ serviceId, status: 200 }))),
        requestMsk: async (kd, groups) => (calls.push(`msk:${kd}:${groups.join(',')}`), groups.map((keyGroup) => ({ keyDomainId: kd, keyGroup, keyNumber: 0, status: 200 }))),
      },
      // Retained payloads kept by topic path, as the daemon's port names them.
      publish: {
        registration: (payload) => void published.set('registration', payload),
        keyGroup: (kd, group, payload) => void published.set(`keys/${kd}/${group}`, payload),
        traffic: (kd, mskId, payload) => void published.set(`traffic/${kd}/${mskId}`, payload),
        clearTraffic: (kd, mskId) => void cleared.push(`traffic/${kd}/${mskId}`),
        event: (type, payload) => {
          events.push([type, payload]);
          contract.record(type, payload);
        },
        status: (s) => void statuses.push(s),
      },
      state: {
        registration: () => saved.registration,
        keys: () => saved.keys,
        saveRegistration: (r) => void (saved.registration = r),
        saveKey: (k, superseded = []) => {
          saved.keys = saved.keys.filter((x) => !superseded.some((o) => o.keyNumber === x.keyNumber && o.keyGroup === x.keyGroup));
          saved.keys.push(k);
        },
      },
      logger: pino({ level: 'silent' }),
    },
    {
      services: ['urn:allServices'],
      rateLimit: { perMinute: 60, burst: 5, minIntervalMs: 0 },
      retry: { baseMs: 1000, maxMs: 8000 },
      deregisterTimeoutMs: 5000,
      now: clock.now,
      timers: clock,
      random: () => 1,
      ...over,
    },
  );
  // The SMS bearer and the LTKM intake in front of it, as the daemon wires them; the key processor records what it
  // was handed and checks every message.
  const intake = new LtkmIntake({
    processor: { processMskMessage: async ({ raw }) => (handedToIntake.push([raw, 'sms']), { kind: 'processed', stored: null }) },
    onOutcome: (o) => terminal.ltkmOutcome(o),
    logger: pino({ level: 'silent' }),
  });
  const sms = new SmsBearer({ intake, onTriggerMessage: (source) => terminal.triggerMessage(source) });
  const settle = async () => {
    for (let i = 0; i < 10; i++) await flush();
  };
  return {
    clock, terminal, sms, calls, published, cleared, events, statuses, saved, failures, settle, handedToIntake, hooks,
    setRegisterResult: (f: typeof registerResult) => void (registerResult = f),
  };
}

test('power-up: modem → card → PDP → GBA → registration, with trigger power-up', async () => {
  const r = rig();
  r.terminal.start();
  await r.settle();
  assert.deepEqual(r.calls, ['modem', 'card', 'pdp-up', 'register:urn:allServices']);
  assert.deepEqual(r.statuses, ['init', 'modem', 'card', 'pdp', 'gba', 'registering', 'ready']);
  const reg = r.published.get('registration')!;
  assert.equal(reg['state'], 'registered');
  assert.deepEqual(reg['services'], ['urn:allServices']);
  assert.equal((reg['lastTrigger'] as { kind: string }).kind, 'power-up');
  assert.equal(r.saved.registration?.state, 'registered');
});

test('a phase listener that throws is counted; the terminal still comes up and registers', async () => {
  const r = rig();
  r.terminal.on('phase', () => {
    throw new Error('listener bug');
  });
  r.terminal.start();
  await r.settle();
  assert.equal(r.terminal.phase, 'ready');
  assert.equal(r.published.get('registration')!['state'], 'registered');
  assert.ok(r.terminal.listenerErrors >= 5, `every phase change reached the listener (${r.terminal.listenerErrors})`);
});

test('Key Group 0 solicited pull while registered re-registers for all services and requests no key', async () => {
  const r = rig();
  r.terminal.start();
  await r.settle();
  r.terminal.ltkmOutcome({ kind: 'pull', keyDomainId: KDID, keyGroup: 0, source: from('udp') });
  await r.settle();
  assert.deepEqual(r.calls.slice(-1), ['register:urn:allServices']);
  assert.equal(r.calls.filter((c) => c.startsWith('register')).length, 2);
  assert.equal(r.calls.some((c) => c.startsWith('msk:')), false);
  const last = r.published.get('registration')!['lastTrigger'] as { kind: string; source: string };
  assert.deepEqual([last.kind, last.source], ['solicited-pull', 'udp']);
});

test('a BCAST WAP push: the SMS bearer hands its MIKEY to the same intake as UDP, and the checked pull acts', async () => {
  const r = rig();
  r.terminal.start();
  await r.settle();
  const mikey = mikeyPull(0);
  const push = decodeWspPush(encodeWspPush({ tid: 1, contentType: 'application/mikey', applicationId: 'x-oma-application:bcast.ua', body: mikey }));
  const registers = () => r.calls.filter((c) => c.startsWith('register')).length;
  const before = registers();
  assert.equal(await r.sms.wapPush(push), 'mikey');
  assert.equal(r.handedToIntake.length, 1);
  assert.deepEqual(Buffer.from(r.handedToIntake[0]![0]), Buffer.from(mikey));
  assert.equal(r.handedToIntake[0]![1], 'sms');
  await r.settle();
  assert.equal(registers(), before + 1, 'the checked Key Group 0 pull registered again');
  assert.deepEqual(r.calls.slice(-1), ['register:urn:allServices']);
});

test('Key Group ≠ 0 solicited pull requests the MSKs of exactly that key group (home domain when none given)', async () => {
  const r = rig();
  r.terminal.start();
  await r.settle();
  r.terminal.ltkmOutcome({ kind: 'pull', keyDomainId: null, keyGroup: 0x0203, source: from('udp') });
  await r.settle();
  assert.deepEqual(r.calls.slice(-1), [`msk:${KDID}:515`]);
});

test('a rejection (forged MAC, replay …) leads to no registration, an event and a counter', async () => {
  const r = rig();
  r.terminal.start();
  await r.settle();
  r.terminal.ltkmOutcome({ kind: 'rejected', reason: 'mac', detail: 'KEMAC MAC mismatch', source: from('udp') });
  r.terminal.ltkmOutcome({ kind: 'rejected', reason: 'replay', detail: 'counter 5 ≤ 9', source: from('sms') });
  await r.settle();
  assert.equal(r.calls.filter((c) => c.startsWith('register')).length, 1);
  assert.deepEqual(r.terminal.counters.rejected, { mac: 1, replay: 1 });
  assert.deepEqual(r.events.filter(([t]) => t === 'rejected').map(([, p]) => p['reason']), ['mac', 'replay']);
});

test('a push for another application, not MIKEY, or a malformed trigger is rejected without reaching the intake', async () => {
  const r = rig();
  r.terminal.start();
  await r.settle();
  const mms = decodeWspPush(encodeWspPush({ tid: 2, contentType: 'application/mikey', applicationId: 'x-wap-application:mms.ua', body: mikeyPull(0) }));
  assert.equal(await r.sms.wapPush(mms), null);
  const text = decodeWspPush(encodeWspPush({ tid: 3, contentType: 'text/plain', applicationId: 'x-oma-application:bcast.ua', body: new Uint8Array([65]) }));
  assert.equal(await r.sms.wapPush(text), null);
  const badTrigger = decodeWspPush(encodeWspPush({ tid: 4, contentType: 'application/vnd.oma.bcast.smartcard-trigger+xml', applicationId: 'x-oma-application:bcast.ua', body: new TextEncoder().encode('<trigger') }));
  assert.equal(await r.sms.wapPush(badTrigger), null);
  assert.deepEqual(r.terminal.counters.rejected, { 'not-bcast': 1, unsupported: 1, malformed: 1 });
  assert.equal(r.handedToIntake.length, 0);
});

test('a well-formed Smartcard Profile Trigger Message registers with trigger trigger-message', async () => {
  const r = rig();
  r.terminal.start();
  await r.settle();
  const push = decodeWspPush(encodeWspPush({ tid: 5, contentType: 'application/vnd.oma.bcast.smartcard-trigger+xml', applicationId: 'x-oma-application:bcast.ua', body: new TextEncoder().encode('<smartcardTrigger><x/></smartcardTrigger>') }));
  assert.equal(await r.sms.wapPush(push), 'trigger-message');
  await r.settle();
  assert.equal((r.published.get('registration')!['lastTrigger'] as { kind: string }).kind, 'trigger-message');
});

test('a stored LTKM becomes key status on keys/ and traffic/', async () => {
  const r = rig();
  r.terminal.start();
  await r.settle();
  r.terminal.ltkmOutcome({ kind: 'stored', msk: { keyDomainId: KDID, mskId: { keyGroup: 3, keyNumber: 9 }, validity: { from: 1, to: 100 } }, source: from('udp') });
  const group = r.published.get(`keys/${KDID}/3`)!;
  assert.equal(group['count'], 1);
  const traffic = r.published.get(`traffic/${KDID}/00030009`)!;
  assert.equal(traffic['ready'], true);
  assert.deepEqual(traffic['mtkIdRange'], { from: 1, to: 100 });
  assert.equal(r.saved.keys.length, 1);
  assert.deepEqual(Object.keys(r.saved.keys[0]!).sort(), ['keyDomainId', 'keyGroup', 'keyNumber', 'storedAt', 'validity']);
});

test('a failing bring-up step degrades with a reason and is retried with backoff', async () => {
  const r = rig();
  r.failures.pdp = 2;
  r.terminal.start();
  await r.settle();
  assert.equal(r.terminal.phase, 'degraded');
  assert.deepEqual(r.events.filter(([t]) => t === 'bring-up-failed').map(([, p]) => [p['step'], p['retryInMs']]), [['pdp', 1000]]);
  r.clock.advance(1000);
  await r.settle();
  assert.deepEqual(r.events.filter(([t]) => t === 'bring-up-failed').map(([, p]) => p['retryInMs']), [1000, 2000]);
  r.clock.advance(2000);
  await r.settle();
  assert.equal(r.terminal.phase, 'ready');
});

test('a failed registration is retried until it succeeds, keeping its trigger', async () => {
  const r = rig();
  r.failures.register = 1;
  r.terminal.start();
  await r.settle();
  assert.equal(r.terminal.phase, 'degraded');
  r.clock.advance(1000);
  await r.settle();
  assert.equal(r.terminal.phase, 'ready');
  assert.equal((r.published.get('registration')!['lastTrigger'] as { kind: string }).kind, 'power-up');
});

test('registration refused for every service is a failure, not "registered"', async () => {
  const r = rig();
  r.setRegisterResult((s) => s.map((serviceId) => ({ serviceId, status: 403, reason: 'not subscribed' })));
  r.terminal.start();
  await r.settle();
  assert.equal(r.terminal.phase, 'degraded');
  assert.notEqual(r.published.get('registration')?.['state'], 'registered');
});

test('connectivity regained re-registers with trigger connectivity', async () => {
  const r = rig();
  r.terminal.start();
  await r.settle();
  r.terminal.connectivityRestored('+CGEV: NW DEACT');
  await r.settle();
  assert.equal(r.calls.filter((c) => c.startsWith('register')).length, 2);
  const last = r.published.get('registration')!['lastTrigger'] as { kind: string; source: string };
  assert.deepEqual([last.kind, last.source], ['connectivity', '+CGEV: NW DEACT']);
});

test('a GBA renewal (new B-TID, new MUK) re-registers at once with trigger renewal and the registered services', async () => {
  const r = rig();
  r.terminal.start();
  await r.settle();
  r.terminal.renewal('lifetime ending');
  await r.settle();
  assert.deepEqual(r.calls.filter((c) => c.startsWith('register')), ['register:urn:allServices', 'register:urn:allServices']);
  const last = r.published.get('registration')!['lastTrigger'] as { kind: string; source: string };
  assert.deepEqual([last.kind, last.source], ['renewal', 'lifetime ending']);
  assert.equal(r.terminal.counters.triggers.renewal, 1);
});

test('shutdown de-registers before releasing the PDP context, then goes offline', async () => {
  const r = rig();
  r.terminal.start();
  await r.settle();
  await r.terminal.stop();
  assert.deepEqual(r.calls.slice(-2), ['deregister:urn:allServices', 'pdp-release']);
  assert.equal(r.statuses.at(-1), 'offline');
  assert.equal(r.saved.registration?.state, 'unregistered');
});

test('restored state is published at start, before the new registration', async () => {
  const r = rig();
  r.saved.registration = { state: 'registered', services: ['svc-1'], registeredAt: '2026-01-01T00:00:00.000Z' };
  r.saved.keys.push({ keyDomainId: KDID, keyGroup: 3, keyNumber: 1, storedAt: '2026-01-01T00:00:00.000Z' });
  r.terminal.start();
  assert.deepEqual(r.published.get('registration')!['services'], ['svc-1']);
  assert.equal(r.published.get(`keys/${KDID}/3`)!['count'], 1);
  await r.settle();
  assert.equal(r.published.get('registration')!['state'], 'registered');
  assert.equal((r.published.get('registration')!['lastTrigger'] as { kind: string }).kind, 'power-up');
});

test('MSK rotation keeps the two newest MSKs of a key group; the superseded one is no longer decryptable', async () => {
  const r = rig();
  r.terminal.start();
  await r.settle();
  for (const keyNumber of [1, 2, 3]) r.terminal.ltkmOutcome({ kind: 'stored', msk: { keyDomainId: KDID, mskId: { keyGroup: 7, keyNumber } }, source: from('udp') });
  const group = r.published.get(`keys/${KDID}/7`)!;
  assert.equal(group['count'], 2);
  assert.deepEqual((group['msks'] as Array<{ keyNumber: number }>).map((m) => m.keyNumber), [2, 3]);
  assert.equal(r.published.get(`traffic/${KDID}/00070001`)!['ready'], false);
  assert.equal(r.published.get(`traffic/${KDID}/00070003`)!['ready'], true);
  // The superseded MSK's topic is said to be not ready, then removed: retained topics do not pile up.
  assert.deepEqual(r.cleared, [`traffic/${KDID}/00070001`]);
});

/** A promise and its resolver. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

const CONFIGURED = ['urn:oma:bcast:op:gpi:sport:pd:1', 'urn:oma:bcast:op:gpi:news:pd:2'];

test('Key Group 0 pull registers with exactly urn:allServices, never merged with the configured IDs, and the configured list stays in force', async () => {
  const r = rig({ services: CONFIGURED, rateLimit: { perMinute: 60, burst: 5, minIntervalMs: 0, settleMs: 0 } });
  const answer = gate();
  r.hooks.registerWait = answer.wait;
  r.terminal.start();
  await r.settle();
  // The power-up registration is in flight: a KG0 pull and a coverage trigger arrive meanwhile.
  r.terminal.ltkmOutcome({ kind: 'pull', keyDomainId: KDID, keyGroup: 0, source: from('sms') });
  r.terminal.connectivityRestored('coverage regained');
  answer.open();
  await r.settle();
  r.clock.advance(10_000);
  await r.settle();
  const bodies = r.calls.filter((c) => c.startsWith('register:'));
  // Power-up, then the waiting coverage registration (configured list) and the KG0 one, each a body of its own.
  assert.deepEqual(bodies, [`register:${CONFIGURED.join(',')}`, `register:${CONFIGURED.join(',')}`, 'register:urn:allServices']);
  assert.ok(bodies.every((b) => b === 'register:urn:allServices' || !b.includes('urn:allServices')), `no mixed body: ${bodies.join(' | ')}`);
  assert.equal(bodies.filter((b) => b === 'register:urn:allServices').length, 1);
  // After the KG0 registration, coverage regained registers the configured list again, not urn:allServices.
  r.hooks.registerWait = undefined;
  r.terminal.connectivityRestored('coverage regained');
  r.clock.advance(10_000);
  await r.settle();
  assert.equal(r.calls.filter((c) => c.startsWith('register:')).at(-1), `register:${CONFIGURED.join(',')}`);
  // What the BSM holds is everything registered: shutdown de-registers both the configured IDs and urn:allServices.
  await r.terminal.stop();
  const dereg = r.calls.find((c) => c.startsWith('deregister:'))!;
  assert.deepEqual(new Set(dereg.slice('deregister:'.length).split(',')), new Set([...CONFIGURED, 'urn:allServices']));
});

test('a register command mixing urn:allServices with other IDs is refused, not sent', async () => {
  const r = rig({ services: CONFIGURED });
  r.terminal.start();
  await r.settle();
  assert.throws(() => r.terminal.command('register', { services: ['urn:allServices', 'urn:x'] }), /registered alone/);
  await r.settle();
  assert.equal(r.calls.filter((c) => c.startsWith('register:')).length, 1);
});

test('shutdown while a registration is in flight: waits for it, de-registers, then releases the PDP context', async () => {
  const r = rig({ services: CONFIGURED });
  const answer = gate();
  r.hooks.registerWait = answer.wait;
  r.terminal.start();
  await r.settle();
  assert.equal(r.calls.at(-1), `register:${CONFIGURED.join(',')}`);
  assert.equal(r.saved.registration, null, 'not registered yet: the BSM has not answered');
  const stopped = r.terminal.stop();
  await r.settle();
  assert.ok(!r.calls.includes('pdp-release'), 'the context is kept while the registration is unanswered');
  answer.open();
  await stopped;
  assert.deepEqual(r.calls.slice(-3), ['register-answered', `deregister:${CONFIGURED.join(',')}`, 'pdp-release']);
  assert.equal(r.statuses.at(-1), 'offline');
});

test('shutdown with a registration that never answers: bounded, still de-registers its services, then releases', async () => {
  const r = rig({ services: CONFIGURED, deregisterTimeoutMs: 5000 });
  r.hooks.registerWait = new Promise(() => {});
  r.terminal.start();
  await r.settle();
  const stopped = r.terminal.stop();
  await r.settle();
  r.clock.advance(5000);
  await stopped;
  // The de-registration waits behind the hung request (one in flight at a time): the bound ends the wait.
  assert.equal(r.calls.at(-1), 'pdp-release');
  assert.equal(r.statuses.at(-1), 'offline');
});

test('a pull that arrives before the terminal is up is held, then acted on once it is (not dropped)', async () => {
  const r = rig({ services: CONFIGURED, rateLimit: { perMinute: 60, burst: 5, minIntervalMs: 0, settleMs: 0 } });
  const card = gate();
  r.hooks.cardWait = card.wait;
  r.terminal.start();
  await r.settle();
  assert.equal(r.terminal.phase, 'card');
  r.terminal.ltkmOutcome({ kind: 'pull', keyDomainId: null, keyGroup: 0x0202, source: from('sms') }); // home key domain: not known yet
  r.terminal.ltkmOutcome({ kind: 'pull', keyDomainId: KDID, keyGroup: 0, source: from('sms') });
  await r.settle();
  assert.deepEqual(r.calls, ['modem'], 'nothing reaches the BSM before bring-up');
  assert.equal(r.events.filter(([t]) => t === 'trigger-held').length, 2);
  assert.equal(r.terminal.counters.rejected['malformed'] ?? 0, 0);
  card.open();
  await r.settle();
  r.clock.advance(10_000);
  await r.settle();
  assert.deepEqual(r.calls.slice(0, 4), ['modem', 'card', 'pdp-up', `register:${CONFIGURED.join(',')}`]);
  assert.ok(r.calls.includes(`msk:${KDID}:${0x0202}`), `held KG 0x0202 pull requested with the home domain: ${r.calls.join(' | ')}`);
  assert.ok(r.calls.includes('register:urn:allServices'), `held KG0 pull registered: ${r.calls.join(' | ')}`);
  assert.equal(r.terminal.counters.triggers['solicited-pull'], 2);
});

// Runs last: the events of every test above, as a consumer of the published schema would validate them.
test('every event the terminal emitted above matches docs/schema/events.json', () => {
  assert.deepEqual(contract.violations, []);
  for (const t of ['trigger', 'registered', 'msk-requested', 'solicited-pull', 'key-stored', 'key-ready', 'rejected', 'bring-up-failed', 'trigger-held', 'request-failed', 'deregistered']) {
    assert.ok(contract.types.has(t), `no ${t} event was emitted: the check would not cover it`);
  }
});
