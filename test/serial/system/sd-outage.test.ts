// The operator network out from the very start, against the real daemon under a stand-in for systemd
// (NOTIFY_SOCKET, WATCHDOG_USEC=4 s): READY=1 comes within seconds anyway, the daemon says why it is degraded
// (STATUS=degraded: registration: …), keeps pinging the watchdog through a 60 s outage with no gap systemd would
// restart it on, never exits; when the BSM is back it registers (STATUS=ready). Ten minutes of the same on a
// fake clock: test/unit/daemon/sd-outage.test.ts.
//
// The outage: the daemon reaches the simulated BSM through a TCP relay of this test's (network.bsmUrl). While
// "down" the relay accepts connections and never answers — packets into a coverage hole — so every request
// runs into the client's timeout; "up" relays to the sim BSM. network.retry.maxAttempts: 2 makes a failed
// request reach the terminal (degraded, its own backoff) instead of retrying inside the BSM client for ever.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { SystemRig, pause } from './harness.js';

const WATCHDOG_MS = 4_000;
const OUTAGE_MS = 60_000;
const SIM_BSM_PORT = 18081; // board-configs/sim.yaml sim.bsmPort

/** python3 bound to `path` as systemd's notification socket: one JSON line per datagram. */
const RECEIVER = `
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print(json.dumps({"bound": True}), flush=True)
while True:
    print(json.dumps({"text": s.recv(4096).decode("utf-8")}), flush=True)
`;

/** A loopback TCP relay to `port` that can black-hole every connection. */
async function relay(port: number): Promise<{ url: string; up: boolean; held: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const state = { up: false, held: 0 };
  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (!state.up) {
      state.held++; // accepted, read, never answered: the client's own timeout ends it
      client.resume();
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port });
    sockets.add(upstream);
    upstream.on('close', () => (sockets.delete(upstream), client.destroy()));
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    get up() {
      return state.up;
    },
    set up(v: boolean) {
      state.up = v;
    },
    get held() {
      return state.held;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

test('BSM unreachable from the start: READY=1 within seconds, pings through a 60 s outage, no exit; registered when it is back', { timeout: 180_000 }, async (t) => {
  const sockDir = mkdtempSync(join(tmpdir(), 'bcastd-sd-'));
  const socketPath = join(sockDir, 'notify.sock');
  const receiver = spawn('python3', ['-c', RECEIVER, socketPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  const bsm = await relay(SIM_BSM_PORT);
  t.after(async () => {
    receiver.kill();
    await bsm.close();
    rmSync(sockDir, { recursive: true, force: true });
  });
  const lines = createInterface({ input: receiver.stdout! })[Symbol.asyncIterator]();
  assert.equal((await lines.next()).value, '{"bound": true}');
  const got: Array<{ at: number; text: string }> = [];
  void (async () => {
    for (let r = await lines.next(); !r.done; r = await lines.next()) got.push({ at: Date.now(), text: (JSON.parse(r.value) as { text: string }).text });
  })();

  const spawnedAt = Date.now();
  const rig = await SystemRig.start(t, {
    waitReady: false,
    env: { NOTIFY_SOCKET: socketPath, WATCHDOG_USEC: String(WATCHDOG_MS * 1000) },
    overrides: { network: { bsmUrl: bsm.url, httpTimeoutMs: 3000, retry: { baseMs: 500, maxMs: 10_000, maxAttempts: 2 } } },
  });
  const pid = rig.pid;
  assert.ok(pid !== undefined);

  const until = async <T>(what: string, ms: number, get: () => T | undefined): Promise<T> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = get();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}; datagrams: ${JSON.stringify(got.map((d) => d.text))}\n${rig.logTail()}`);
      await pause(100);
    }
  };

  await t.test('READY=1 within seconds although the BSM does not answer', async () => {
    const ready = await until('READY=1', 20_000, () => got.find((d) => d.text.startsWith('READY=1')));
    t.diagnostic(`READY=1 ${ready.at - spawnedAt} ms after spawn: ${JSON.stringify(ready.text)}`);
    assert.match(ready.text, /^READY=1\nSTATUS=(init|modem|card|pdp|gba|registering|degraded: .+)$/, 'the terminal is not ready (no registration)');
  });

  const outageFrom = Date.now();
  await t.test(`${OUTAGE_MS / 1000} s of outage: degraded with the reason, a ping every ${WATCHDOG_MS / 2000} s, the same process`, async () => {
    await pause(OUTAGE_MS);
    const during = got.filter((d) => d.at >= outageFrom);
    const degraded = during.filter((d) => d.text.startsWith('STATUS=degraded: registration: '));
    assert.ok(degraded.length >= 1, `no degraded status: ${JSON.stringify(during.filter((d) => d.text.startsWith('STATUS')).map((d) => d.text))}`);
    t.diagnostic(degraded[0]!.text);
    assert.ok(bsm.held >= 2, `requests black-holed: ${bsm.held}`);
    assert.deepEqual(during.filter((d) => /^(STOPPING=1|STATUS=watchdog withheld)/.test(d.text)).map((d) => d.text), []);
    const pings = during.filter((d) => d.text === 'WATCHDOG=1').map((d) => d.at);
    const gaps = pings.slice(1).map((p, i) => p - pings[i]!);
    t.diagnostic(`${pings.length} pings, largest gap ${Math.max(...gaps)} ms`);
    // What systemd restarts on: no WATCHDOG=1 for WatchdogSec.
    assert.ok(pings.length >= OUTAGE_MS / WATCHDOG_MS, `pings: ${pings.length}`);
    assert.ok(Math.max(...gaps, Date.now() - pings.at(-1)!) < WATCHDOG_MS, `gaps: ${gaps.join(', ')}`);
    assert.equal(rig.pid, pid, 'still the same bcastd process');
  });

  await t.test('the BSM is back: registered, STATUS=ready, READY=1 still only once', async () => {
    bsm.up = true;
    const back = Date.now();
    await until('STATUS=ready', 40_000, () => got.find((d) => d.at >= back && d.text === 'STATUS=ready'));
    await rig.waitFor('status', (p) => p['state'] === 'ready', 10_000, { since: back });
    assert.equal(got.filter((d) => d.text.startsWith('READY=1')).length, 1);
    assert.equal(rig.pid, pid);
  });

  await t.test('SIGTERM: STOPPING=1 and a clean exit', async () => {
    const exit = await rig.signal('SIGTERM', 20_000);
    assert.deepEqual(exit, { code: 0, signal: null }, rig.logTail());
    assert.ok(got.some((d) => d.text === 'STOPPING=1\nSTATUS=stopping: SIGTERM'));
  });
});
