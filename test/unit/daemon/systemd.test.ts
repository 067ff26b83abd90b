// SystemdNotifier: what goes to the notification socket, driven by a fake clock, a fake modem and a real
// EventEmitter for the terminal's phases. (The datagrams themselves: test/unit/native/sd-notify.test.ts and
// test/serial/system/sd-notify.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import pino from 'pino';
import { MAX_SILENT_TIMEOUTS, SystemdNotifier, systemdEnv, type Clock, type ModemHealthView } from '../../../src/daemon/systemd.js';
import type { LinkState } from '../../../src/modem/index.js';
import type { TerminalPhase } from '../../../src/terminal/terminal.js';

class FakeClock implements Clock {
  t = 0;
  timers: Array<{ fn: () => void; ms: number; next: number } | null> = [];
  now = () => this.t;
  setInterval = (fn: () => void, ms: number) => this.timers.push({ fn, ms, next: this.t + ms }) - 1;
  clearInterval = (h: unknown) => void (this.timers[h as number] = null);
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x !== null && x.next <= end).sort((a, b) => a!.next - b!.next)[0];
      if (!due) break;
      this.t = due.next;
      due.next += due.ms;
      due.fn();
    }
    this.t = end;
  }
}

class FakeModem implements ModemHealthView {
  state: LinkState = 'closed';
  engine = { ok: 0, failed: 0, timeouts: 0 };
  /** What an `AT` probe does: answered (ok++) or silent (timeouts++), settled at once. */
  answers = true;
  probes = 0;
  stats() {
    return { engine: { ...this.engine } };
  }
  command(command: string): Promise<unknown> {
    assert.equal(command, 'AT');
    this.probes++;
    if (this.answers) {
      this.engine.ok++;
      return Promise.resolve({});
    }
    this.engine.timeouts++;
    return Promise.reject(new Error('AT: timeout'));
  }
}

class FakeTerminal extends EventEmitter {
  phase: TerminalPhase = 'init';
  go(phase: TerminalPhase, reason: string | null = null): void {
    this.phase = phase;
    this.emit('phase', phase, reason);
  }
}

function rig(o: { watchdogUsec?: number; loopDelay?: (() => number) | 'tick-lateness'; send?: (m: string) => void } = {}) {
  const sent: Array<{ at: number; m: string }> = [];
  const clock = new FakeClock();
  const modem = new FakeModem();
  const terminal = new FakeTerminal();
  const env = systemdEnv({ NOTIFY_SOCKET: '/run/test.sock', ...(o.watchdogUsec ? { WATCHDOG_USEC: String(o.watchdogUsec) } : {}) }, 1)!;
  const n = new SystemdNotifier({
    env,
    send: o.send ?? ((m) => sent.push({ at: clock.t, m })),
    modem,
    terminal,
    logger: pino({ level: 'silent' }),
    clock,
    ...(o.loopDelay === 'tick-lateness' ? {} : { loopDelay: o.loopDelay ?? (() => 5) }),
  });
  const pings = () => sent.filter((s) => s.m === 'WATCHDOG=1').map((s) => s.at);
  return { sent, clock, modem, terminal, n, pings, settle: () => new Promise((r) => setImmediate(r)) };
}

test('systemdEnv: NOTIFY_SOCKET, WATCHDOG_USEC, and WATCHDOG_PID naming another process', () => {
  const cases: Array<[NodeJS.ProcessEnv, ReturnType<typeof systemdEnv>]> = [
    [{}, null],
    [{ NOTIFY_SOCKET: '' }, null],
    [{ NOTIFY_SOCKET: '@sd', WATCHDOG_USEC: '30000000' }, { notifySocket: '@sd', watchdogMs: 30_000 }],
    [{ NOTIFY_SOCKET: '/run/n', WATCHDOG_USEC: '2000000', WATCHDOG_PID: '42' }, { notifySocket: '/run/n', watchdogMs: 2000 }],
    [{ NOTIFY_SOCKET: '/run/n', WATCHDOG_USEC: '2000000', WATCHDOG_PID: '43' }, { notifySocket: '/run/n', watchdogMs: null }],
    [{ NOTIFY_SOCKET: '/run/n', WATCHDOG_USEC: 'soon' }, { notifySocket: '/run/n', watchdogMs: null }],
    [{ NOTIFY_SOCKET: '/run/n', WATCHDOG_USEC: '0' }, { notifySocket: '/run/n', watchdogMs: null }],
  ];
  for (const [env, expected] of cases) assert.deepEqual(systemdEnv(env, 42), expected, JSON.stringify(env));
});

test('READY=1 once, when start-up completes (not when the terminal is ready), with the phase and its reason', () => {
  const r = rig();
  r.n.start();
  r.terminal.go('modem');
  r.terminal.go('degraded', 'gba: connect ECONNREFUSED 10.0.0.1:8080');
  r.n.status('starting: waiting for the MQTT broker mqtt://127.0.0.1:1883');
  r.n.startupComplete();
  r.terminal.go('ready');
  r.terminal.go('degraded', 'BSM unreachable');
  r.n.startupComplete();
  r.terminal.go('ready');
  r.n.stopping('SIGTERM');
  r.terminal.go('stopping');
  r.n.stopping('SIGTERM');
  r.n.startupComplete();
  assert.deepEqual(r.sent.map((s) => s.m), [
    'STATUS=init',
    'STATUS=modem',
    'STATUS=degraded: gba: connect ECONNREFUSED 10.0.0.1:8080',
    'STATUS=starting: waiting for the MQTT broker mqtt://127.0.0.1:1883',
    'READY=1\nSTATUS=degraded: gba: connect ECONNREFUSED 10.0.0.1:8080',
    'STATUS=ready',
    'STATUS=degraded: BSM unreachable',
    'STATUS=ready',
    'STOPPING=1\nSTATUS=stopping: SIGTERM',
  ]);
  assert.equal(r.n.counts.ready, 1);
  assert.equal(r.n.intervalMs, null, 'no WATCHDOG_USEC: no pings');
  assert.equal(r.clock.timers.length, 0);
});

test('no READY=1 once shutdown began before start-up completed', () => {
  const r = rig();
  r.n.start();
  r.n.stopping('SIGTERM');
  r.n.startupComplete();
  assert.deepEqual(r.sent.map((s) => s.m), ['STATUS=init', 'STOPPING=1\nSTATUS=stopping: SIGTERM']);
});

test('WATCHDOG=1 every WATCHDOG_USEC/2 while healthy; an idle modem is probed with AT', async () => {
  const r = rig({ watchdogUsec: 2_000_000 });
  r.modem.state = 'ready';
  r.n.start();
  for (let i = 0; i < 4; i++) {
    r.clock.advance(1000);
    await r.settle();
  }
  assert.deepEqual(r.pings(), [1000, 2000, 3000, 4000]);
  // an answer seen at a tick postpones the next probe by one interval: one AT per WATCHDOG_USEC when idle
  assert.equal(r.modem.probes, 2);
  r.n.stopping('SIGTERM');
  r.clock.advance(5000);
  assert.equal(r.pings().length, 4, 'no pings after STOPPING=1');
  assert.equal(r.sent.at(-1)!.m, 'STOPPING=1\nSTATUS=stopping: SIGTERM');
});

test(`a silent modem (${MAX_SILENT_TIMEOUTS} AT timeouts without an answer) stops the pings until it answers again`, async () => {
  const r = rig({ watchdogUsec: 2_000_000 });
  r.modem.state = 'ready';
  r.n.start();
  r.clock.advance(1000);
  await r.settle();
  r.modem.answers = false;
  for (let i = 0; i < 5; i++) {
    r.clock.advance(1000);
    await r.settle();
  }
  // probes at 3000 and 4000 time out; the tick at 5000 sees two timeouts in a row
  assert.deepEqual(r.pings(), [1000, 2000, 3000, 4000]);
  assert.ok(r.sent.some((s) => /^STATUS=watchdog withheld: modem silent: \d+ AT timeouts in a row$/.test(s.m)), JSON.stringify(r.sent));
  r.modem.answers = true;
  r.modem.engine.ok++; // any answer (a probe's, a command's) clears it
  r.clock.advance(1000);
  assert.equal(r.pings().at(-1), 7000);
});

test('a link not ready for longer than WATCHDOG_USEC withholds the pings; ready again resumes them', () => {
  const r = rig({ watchdogUsec: 2_000_000 });
  r.modem.state = 'ready';
  r.n.start();
  r.clock.advance(1000);
  const probes = r.modem.probes;
  r.modem.state = 'probing';
  r.clock.advance(1000); // not ready since 2000
  r.modem.state = 'backoff';
  r.clock.advance(3000); // 3000, 4000 within the bound; 5000 is beyond
  assert.deepEqual(r.pings(), [1000, 2000, 3000, 4000]);
  assert.equal(r.sent.at(-1)!.m, 'STATUS=watchdog withheld: modem link backoff for 3000 ms');
  assert.equal(r.modem.probes, probes, 'no AT probes while the link supervisor owns the link');
  r.modem.state = 'ready';
  r.clock.advance(1000);
  assert.deepEqual(r.pings(), [1000, 2000, 3000, 4000, 6000]);
  assert.equal(r.sent.at(-2)!.m, 'WATCHDOG=1');
  assert.equal(r.sent.at(-1)!.m, 'STATUS=init');
});

test('a blocked event loop (delay over WATCHDOG_USEC/4) withholds that ping', () => {
  const delays = [5, 600, 20];
  const r = rig({ watchdogUsec: 2_000_000, loopDelay: () => delays.shift() ?? 5 });
  r.modem.state = 'ready';
  r.modem.answers = true;
  r.n.start();
  r.clock.advance(3000);
  assert.deepEqual(r.pings(), [1000, 3000]);
  assert.ok(r.sent.some((s) => s.m === 'STATUS=watchdog withheld: event loop blocked for 600 ms'));
});

test('by default the loop delay is how late the tick itself fired: no timer of its own, a blocked loop still withholds', () => {
  const r = rig({ watchdogUsec: 2_000_000, loopDelay: 'tick-lateness' });
  r.modem.state = 'ready';
  r.n.start();
  r.clock.advance(2000);
  assert.deepEqual(r.pings(), [1000, 2000], 'on time: pings');
  assert.equal(r.clock.timers.filter((x) => x !== null).length, 1, 'the ping timer is the only timer');
  // The loop blocked: the next tick (due at 3000) runs at 3700.
  const timer = r.clock.timers.find((x) => x !== null)!;
  r.clock.t = 3700;
  timer.next = 4700;
  timer.fn();
  assert.deepEqual(r.pings(), [1000, 2000]);
  assert.ok(r.sent.some((s) => s.m === 'STATUS=watchdog withheld: event loop blocked for 700 ms'), JSON.stringify(r.sent));
  r.clock.advance(1000);
  assert.deepEqual(r.pings(), [1000, 2000, 4700], 'on time again: pings resume');
});

test('send failures are counted and never thrown at the daemon', () => {
  const r = rig({
    watchdogUsec: 2_000_000,
    send: () => {
      throw Object.assign(new Error('ECONNREFUSED'), { code: 'ECONNREFUSED' });
    },
  });
  r.modem.state = 'ready';
  r.n.start();
  r.clock.advance(2000);
  r.n.stopping('SIGTERM');
  assert.equal(r.n.counts.watchdog, 0);
  assert.equal(r.n.counts.sendErrors, 4); // STATUS=init, 2 pings, STOPPING
});
