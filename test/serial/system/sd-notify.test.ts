// systemd notifications from the real daemon: a unix datagram socket stands in for systemd's (NOTIFY_SOCKET,
// WATCHDOG_USEC=2 s). It receives READY=1 once MQTT and the modem port are open (the BSM outage case:
// sd-outage.test.ts), WATCHDOG=1 about every second; when
// the modem gets stuck the pings stop; when it answers again they resume; SIGTERM brings STOPPING=1.
//
// "Stuck" without touching the simulator: the daemon's AT port is a pty slave (<stateDir>/ttySIM0). A helper
// opens the same tty and suspends its output with tcflow(TCOOFF), so nothing the daemon writes reaches the
// simulated modem any more: every AT command times out, as with a hung modem. tcflow(TCOON) lets it through
// again. (The control API has no "silence the modem" route; SimModem's faults.silence('all') would be the
// simulator-side way, see the report.)
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { SystemRig, pause } from './harness.js';

interface Datagram {
  at: number;
  text: string;
}

/** python3 bound to `path` as systemd's notification socket: one JSON line per datagram (boundaries kept). */
const RECEIVER = `
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print(json.dumps({"bound": True}), flush=True)
while True:
    print(json.dumps({"text": s.recv(4096).decode("utf-8")}), flush=True)
`;

/** Holds the AT tty with its output suspended until a line arrives on stdin. */
const FREEZER = `
import os, sys, termios
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
termios.tcflow(fd, termios.TCOOFF)
print("frozen", flush=True)
sys.stdin.readline()
termios.tcflow(fd, termios.TCOON)
os.close(fd)
print("thawed", flush=True)
`;

function python(script: string, arg: string): { child: ChildProcess; lines: AsyncIterator<string>; stderr: () => string } {
  const child = spawn('python3', ['-c', script, arg], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return { child, lines, stderr: () => err };
}

async function until<T>(what: string, timeoutMs: number, get: () => T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await pause(50);
  }
}

test('sd_notify: READY=1, WATCHDOG=1 every WATCHDOG_USEC/2, withheld while the modem is stuck, STOPPING=1', { timeout: 120_000 }, async (t) => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const sockDir = mkdtempSync(join(tmpdir(), 'bcastd-sd-'));
  const socketPath = join(sockDir, 'notify.sock');
  const receiver = python(RECEIVER, socketPath);
  const got: Datagram[] = [];
  t.after(() => {
    receiver.child.kill();
    rmSync(sockDir, { recursive: true, force: true });
  });
  assert.equal((await receiver.lines.next()).value, '{"bound": true}', receiver.stderr());
  void (async () => {
    for (;;) {
      const r = await receiver.lines.next();
      if (r.done) return;
      got.push({ at: Date.now(), text: (JSON.parse(r.value) as { text: string }).text });
    }
  })();
  const pings = (from = 0, to = Infinity) => got.filter((d) => d.text === 'WATCHDOG=1' && d.at >= from && d.at <= to).map((d) => d.at);

  const rig = await SystemRig.start(t, { env: { NOTIFY_SOCKET: socketPath, WATCHDOG_USEC: '2000000' } });

  await t.test('READY=1 once MQTT and the modem port are open (with the phase then), STATUS lines for every phase', async () => {
    const ready = await until('READY=1', 10_000, () => got.find((d) => d.text.startsWith('READY=1')));
    assert.match(ready.text, /^READY=1\nSTATUS=(init|modem|card|pdp|gba|registering|ready)$/);
    const statuses = got.filter((d) => d.text.startsWith('STATUS=')).map((d) => d.text);
    assert.ok(['STATUS=modem', 'STATUS=card', 'STATUS=ready'].every((s) => statuses.includes(s) || ready.text.endsWith(s)), statuses.join(' | '));
    assert.equal(got.filter((d) => d.text.startsWith('READY=1')).length, 1);
  });

  await t.test('WATCHDOG=1 about every second (WATCHDOG_USEC/2) while healthy', async () => {
    const from = Date.now();
    await pause(4_500);
    const at = pings(from);
    assert.ok(at.length >= 3 && at.length <= 6, `pings in 4.5 s: ${at.length}`);
    const gaps = at.slice(1).map((x, i) => x - at[i]!);
    assert.ok(gaps.every((g) => g > 600 && g < 1_600), `gaps: ${gaps.join(', ')} ms`);
  });

  const tty = join(rig.stateDir, 'ttySIM0');
  assert.ok(existsSync(tty), `the sim modem's stable node ${tty}`);
  const freezer = python(FREEZER, tty);
  t.after(() => freezer.child.kill());

  await t.test('the modem stuck (its AT port stalls): the pings stop for longer than WATCHDOG_USEC', async () => {
    assert.equal((await freezer.lines.next()).value, 'frozen', freezer.stderr());
    const frozenAt = Date.now();
    const withheld = await until('STATUS=watchdog withheld', 20_000, () => got.find((d) => d.at >= frozenAt && d.text.startsWith('STATUS=watchdog withheld: ')));
    t.diagnostic(`${withheld.text} after ${withheld.at - frozenAt} ms`);
    assert.match(withheld.text, /^STATUS=watchdog withheld: modem (silent: \d+ AT timeouts in a row|link \w+ for \d+ ms)$/);
    await pause(3_000); // systemd (WatchdogSec=2s) would have restarted bcastd by now
    assert.deepEqual(pings(withheld.at), [], 'no WATCHDOG=1 while the modem is stuck');
  });

  await t.test('the modem answers again: the link recovers and the pings resume', async () => {
    freezer.child.stdin!.write('thaw\n');
    assert.equal((await freezer.lines.next()).value, 'thawed', freezer.stderr());
    const thawedAt = Date.now();
    await until('WATCHDOG=1 again', 45_000, () => (pings(thawedAt).length >= 2 ? true : undefined));
  });

  await t.test('SIGTERM: STOPPING=1 first, then a clean exit', async () => {
    const from = Date.now();
    const exit = await rig.signal('SIGTERM', 20_000);
    assert.deepEqual(exit, { code: 0, signal: null }, rig.logTail());
    const stopping = await until('STOPPING=1', 5_000, () => got.find((d) => d.at >= from && d.text.startsWith('STOPPING=1')));
    assert.equal(stopping.text, 'STOPPING=1\nSTATUS=stopping: SIGTERM');
    assert.deepEqual(pings(stopping.at + 1), [], 'no WATCHDOG=1 after STOPPING=1');
  });
});
