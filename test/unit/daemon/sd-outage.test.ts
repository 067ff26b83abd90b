// Ten minutes of operator outage, on a fake clock: the real Terminal (bring-up, registration retries with backoff),
// the real StartupGate and the real SystemdNotifier (WatchdogSec=30 as the shipped unit), with the BSF and/or the
// BSM refusing every request. What systemd would see, datagram by datagram: READY=1 at once although nothing at
// the operator answers, STATUS=degraded with the reason, WATCHDOG=1 every 15 s for all 600 s (no gap systemd would
// restart on), never STOPPING; then the operator is back: STATUS=ready. The same through the real daemon with a
// real (shorter) outage: test/serial/system/sd-notify.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import pino from 'pino';
import { SystemdNotifier, systemdEnv, type Clock } from '../../../src/daemon/systemd.js';
import { StartupGate, type StartupModemView } from '../../../src/daemon/startup-gate.js';
import type { LinkState } from '../../../src/modem/index.js';
import { Terminal } from '../../../src/terminal/terminal.js';
import { FakeClock, flush } from '../../helpers/fake-clock.js';

const WATCHDOG_USEC = 30_000_000; // packaging/systemd/bcastd.service: WatchdogSec=30
const OUTAGE_MS = 10 * 60_000;
const silent = pino({ level: 'silent' });

class FakeModem extends EventEmitter implements StartupModemView {
  state: LinkState = 'closed';
  engine = { ok: 0, failed: 0, timeouts: 0 };
  stats() {
    return { engine: { ...this.engine } };
  }
  command(): Promise<unknown> {
    this.engine.ok++; // the modem itself is fine: an operator outage, not a hung modem
    return Promise.resolve({});
  }
  link(state: LinkState): void {
    this.state = state;
    this.emit('link', { state });
  }
}

/** The notifier's interval timer on top of the one-shot fake clock the Terminal uses. */
function intervalClock(clock: FakeClock): Clock {
  return {
    now: clock.now,
    setInterval: (fn, ms) => {
      const h = { id: null as unknown };
      const arm = () => (h.id = clock.setTimeout(() => (arm(), fn()), ms));
      arm();
      return h;
    },
    clearInterval: (h) => clock.clearTimeout((h as { id: unknown }).id),
  };
}

function world(outage: { bsf: boolean; bsm: boolean }) {
  const clock = new FakeClock();
  const modem = new FakeModem();
  const attempts = { gba: 0, register: 0 };
  const refused = (what: string) => Object.assign(new Error(`${what}: connect ECONNREFUSED 10.0.0.1:8080`), { code: 'ECONNREFUSED' });
  const terminal = new Terminal(
    {
      modem: { ready: async () => undefined },
      card: { ready: async () => ({ homeKeyDomainId: '00f110', gbaMode: 'gba-u' as const }) },
      pdp: { ensureActive: async () => ({ address: '10.0.0.2' }), release: async () => undefined, active: true },
      gba: {
        ensure: async () => {
          attempts.gba++;
          if (outage.bsf) throw refused('BSF');
          return { btidMasked: 'QUJD…@bsf', lifetime: new Date(0) };
        },
        current: () => null,
      },
      bsm: {
        register: async (services) => {
          attempts.register++;
          if (outage.bsm) throw refused('BSM');
          return services.map((serviceId) => ({ serviceId, status: 200 }));
        },
        deregister: async (services) => services.map((serviceId) => ({ serviceId, status: 200 })),
        requestMsk: async () => [],
      },
      publish: { registration: () => undefined, keyGroup: () => undefined, traffic: () => undefined, clearTraffic: () => undefined, event: () => undefined, status: () => undefined },
      state: { registration: () => null, keys: () => [], saveRegistration: () => undefined, saveKey: () => undefined },
      logger: silent,
    },
    // The sim board's retry policy (board-configs/sim.yaml): 0.5 s doubling to 10 s, for ever.
    { services: ['urn:allServices'], rateLimit: { perMinute: 60, burst: 5, minIntervalMs: 0 }, retry: { baseMs: 500, maxMs: 10_000 }, deregisterTimeoutMs: 5000, now: clock.now, timers: clock },
  );
  const sent: Array<{ at: number; m: string }> = [];
  const env = systemdEnv({ NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: String(WATCHDOG_USEC) }, 1)!;
  const notifier = new SystemdNotifier({ env, send: (m) => void sent.push({ at: clock.now(), m }), modem, terminal, logger: silent, clock: intervalClock(clock) });
  const gate = new StartupGate({
    mqtt: { url: 'mqtt://127.0.0.1:1883', waitConnected: () => Promise.resolve() },
    modem,
    modemPort: '/dev/bcastd-modem',
    logger: silent,
    onWaiting: (s) => notifier.status(s),
    timers: { ...clock, now: clock.now },
  });
  return { clock, modem, terminal, notifier, gate, sent, attempts };
}

/** Runs the fake clock in 1 s steps, letting the Terminal's promises settle between them. */
async function run(clock: FakeClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 1000) {
    clock.advance(1000);
    for (let i = 0; i < 5; i++) await flush();
  }
}

for (const [name, outage] of [
  ['the BSM', { bsf: false, bsm: true }],
  ['the BSF and the BSM', { bsf: true, bsm: true }],
] as const) {
  test(`${name} unreachable for 10 minutes: READY=1 at once, WATCHDOG=1 every 15 s throughout, no restart`, async () => {
    const net: { bsf: boolean; bsm: boolean } = { ...outage }; // what the fake operator refuses; the test ends the outage through it
    const w = world(net);
    w.notifier.start();
    w.terminal.start();
    w.modem.link('opening');
    void w.gate.wait().then((started) => started && w.notifier.startupComplete());
    w.modem.link('initialising'); // the AT port opened
    for (let i = 0; i < 5; i++) await flush();
    w.modem.link('ready');

    const ready = w.sent.filter((s) => s.m.startsWith('READY=1'));
    assert.equal(ready.length, 1, JSON.stringify(w.sent));
    assert.equal(ready[0]!.at, 0, 'READY=1 as soon as MQTT and the modem port are open');

    await run(w.clock, OUTAGE_MS);

    const pings = w.sent.filter((s) => s.m === 'WATCHDOG=1').map((s) => s.at);
    assert.equal(pings.length, OUTAGE_MS / (WATCHDOG_USEC / 2000), 'one ping per WatchdogSec/2 for ten minutes');
    const gaps = [pings[0]!, ...pings.slice(1).map((p, i) => p - pings[i]!)];
    // systemd restarts a unit whose pings stop for WatchdogSec; here no gap ever comes near it.
    assert.ok(Math.max(...gaps) <= WATCHDOG_USEC / 2000, `largest gap ${Math.max(...gaps)} ms`);
    assert.equal(w.notifier.counts.withheld, 0);
    assert.equal(w.sent.filter((s) => s.m.startsWith('STOPPING=1') || s.m.startsWith('STATUS=watchdog withheld')).length, 0);
    // systemctl status says why: degraded, with the operator's error.
    const statuses = w.sent.filter((s) => s.m.startsWith('STATUS=')).map((s) => s.m);
    const why = outage.bsf ? /^STATUS=degraded: gba: BSF: connect ECONNREFUSED/ : /^STATUS=degraded: registration: BSM: connect ECONNREFUSED/;
    assert.ok(statuses.some((m) => why.test(m)), statuses.join(' | '));
    assert.equal(w.terminal.phase, 'degraded');
    // Still trying, with the capped backoff (10 s): about 60 attempts in 10 minutes, not thousands.
    const tries = outage.bsf ? w.attempts.gba : w.attempts.register;
    assert.ok(tries >= 50 && tries <= 130, `attempts in 10 minutes: ${tries}`);

    // The operator is back: the next retry registers and systemctl status says ready.
    net.bsf = false;
    net.bsm = false;
    const back = w.clock.now();
    await run(w.clock, 30_000);
    assert.ok(w.sent.some((s) => s.at >= back && s.m === 'STATUS=ready'), JSON.stringify(w.sent.slice(-6)));
    assert.equal(w.terminal.phase, 'ready');
    assert.equal(w.sent.filter((s) => s.m.startsWith('READY=1')).length, 1, 'READY=1 only once');
    w.notifier.close();
  });
}

test('start-up gate: READY=1 waits for the modem port; a late port is reported (log + STATUS) with doubling intervals', async () => {
  const w = world({ bsf: false, bsm: false });
  const gate = new StartupGate({
    mqtt: { url: 'mqtt://127.0.0.1:1883', waitConnected: () => Promise.resolve() },
    modem: w.modem,
    modemPort: '/dev/bcastd-modem',
    logger: silent,
    onWaiting: (s) => w.notifier.status(s),
    firstReportMs: 10_000,
    maxReportMs: 40_000,
    timers: { ...w.clock, now: w.clock.now },
  });
  w.notifier.start();
  let started: boolean | null = null;
  void gate.wait().then((s) => (started = s));
  w.modem.link('opening');
  w.modem.link('backoff'); // no such device yet (the modem still enumerating on USB)
  w.clock.advance(100_000);
  await flush();
  const reports = w.sent.filter((s) => s.m.startsWith('STATUS=starting:'));
  assert.deepEqual(reports.map((s) => s.at), [10_000, 30_000, 70_000], 'reported after 10 s, 20 s more, then every 40 s');
  assert.equal(reports[0]!.m, 'STATUS=starting: waiting for the modem port /dev/bcastd-modem (link backoff)');
  assert.equal(started, null);
  w.modem.link('opening');
  w.modem.link('initialising');
  await flush();
  assert.equal(started, true);
});

test('start-up gate: cancelled by shutdown, it ends false at once, whatever the broker does', async () => {
  const w = world({ bsf: false, bsm: false });
  let connected = false;
  const gate = new StartupGate({
    mqtt: { url: 'mqtt://broker.invalid', waitConnected: () => ((connected = true), new Promise<void>(() => undefined)) },
    modem: w.modem,
    modemPort: '/dev/bcastd-modem',
    logger: silent,
    timers: { ...w.clock, now: w.clock.now },
  });
  let started: boolean | null = null;
  void gate.wait().then((s) => (started = s));
  gate.cancel();
  await flush();
  assert.equal(started, false);
  assert.ok(connected, 'it was waiting for the broker');
  assert.equal(w.clock.pendingTimers, 0, 'no report timer left behind');
});
