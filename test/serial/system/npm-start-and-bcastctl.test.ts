// The README's run command as a user types it — `npm start`, the shipped sim board with embedded defaults (its own
// local broker, no config) — driven with bcastctl as a field tester would: status, watch, register, pull, sim
// purchase, sim coverage. Ctrl-C (SIGINT) then de-registers and exits 0.
import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { bcastctlBin, repoRoot } from '../../helpers/repo.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

test('npm start on a fresh state dir, driven by bcastctl; Ctrl-C ends it cleanly', { timeout: 90_000 }, async (t) => {
  const stateDir = mkdtempSync(join(tmpdir(), 'bcastd-npm-start-'));
  const env = { ...process.env, BCASTD_STATE_DIR: stateDir };
  const out: string[] = [];
  // npm runs bcastd as its child: signal the whole group, as a terminal's Ctrl-C does.
  const daemon: ChildProcess = spawn('npm', ['start', '--silent'], { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  daemon.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
  daemon.stderr!.on('data', (d: Buffer) => out.push(d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => daemon.once('exit', (code, signal) => r({ code, signal })));
  t.after(async () => {
    // A daemon that had to be killed leaves its detached helpers (local broker, private pcscd): stop them by PID.
    const leftovers: number[] = [];
    try {
      const rt = JSON.parse(readFileSync(join(stateDir, 'runtime.json'), 'utf8')) as { brokerPid?: number };
      if (rt.brokerPid) leftovers.push(rt.brokerPid);
    } catch {
      // no runtime file: a clean stop removed it
    }
    try {
      leftovers.push(Number(readFileSync(join(stateDir, 'pcscd.pid'), 'utf8')));
    } catch {
      // no private pcscd left
    }
    if (daemon.exitCode === null && daemon.signalCode === null && daemon.pid) {
      try {
        process.kill(-daemon.pid, 'SIGKILL');
      } catch {
        // the group is already gone
      }
      await exited;
    }
    for (const pid of leftovers) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(stateDir, { recursive: true, force: true });
  });

  const bcastctl = async (...args: string[]) => {
    const { stdout } = await run(process.execPath, [bcastctlBin, ...args], { env, timeout: 30_000 });
    return stdout;
  };
  const status = async () => JSON.parse(await bcastctl('status', '--json')) as Record<string, Record<string, unknown> | null>;

  await until('runtime.json', () => (existsSync(join(stateDir, 'runtime.json')) ? true : undefined), 30_000);
  const runtime = JSON.parse(readFileSync(join(stateDir, 'runtime.json'), 'utf8')) as { mqttUrl: string; sim: { portalUrl: string } };
  assert.match(runtime.mqttUrl, /^mqtt:\/\/127\.0\.0\.1:\d+$/, 'the embedded defaults start a local broker');
  await until('registered', async () => ((await status())['sim/registration']?.['state'] === 'registered' ? true : undefined), 30_000);
  assert.match(out.join(''), /npx bcastctl watch/, 'the log says how to watch');
  assert.match(out.join(''), /npx bcastctl sim purchase/, 'and how to buy a service out of band');

  // One screen of the retained topics.
  const screen = await bcastctl('status');
  for (const line of ['status        ready', 'registration  registered', 'pdp           active', 'card          ready', 'gba           bootstrapped']) {
    assert.ok(screen.includes(line), `status shows "${line}":\n${screen}`);
  }

  // watch follows live changes while we buy a service out of band.
  const watchOut: string[] = [];
  const watch = spawn(process.execPath, [bcastctlBin, 'watch', '--for', '12'], { env });
  watch.stdout.on('data', (d: Buffer) => watchOut.push(d.toString()));
  const watchDone = new Promise<number | null>((r) => watch.once('exit', (c) => r(c)));
  await sleep(1000);
  const bought = JSON.parse(await bcastctl('sim', 'purchase', 'urn:bcastd:sim:sport')) as { purchased: boolean };
  assert.equal(bought.purchased, true);
  await until('the sport key', async () => (Number((await status())['sim/keys/00f110/514']?.['count']) >= 1 ? true : undefined), 20_000);

  // Commands over MQTT (request/response), answered by the daemon.
  const reg = JSON.parse(await bcastctl('register')) as { ok: boolean; result: { accepted: boolean } };
  assert.equal(reg.ok, true);
  const pull = JSON.parse(await bcastctl('pull', '--key-group', '514')) as { ok: boolean; result: { action: string } };
  assert.deepEqual([pull.ok, pull.result.action], [true, 'msk-request']);
  assert.equal(JSON.parse(await bcastctl('sim', 'coverage', 'off')).coverage, false);
  assert.equal(JSON.parse(await bcastctl('sim', 'coverage', 'on')).coverage, true);
  await until('re-registration after coverage regained', async () => {
    const trig = (await status())['sim/registration']?.['lastTrigger'] as { kind?: string } | undefined;
    return trig?.kind === 'connectivity' ? true : undefined;
  }, 20_000);

  assert.equal(await watchDone, 0);
  const watched = watchOut.join('');
  assert.match(watched, /event\s+solicited-pull/, watched);
  assert.match(watched, /keys\s+domain 00f110 group 514/, watched);
  assert.match(watched, /registration\s+registered .*last trigger solicited-pull via (sms|udp)/, watched);

  // Ctrl-C reaches npm and bcastd alike: bcastd de-registers, releases the PDP context, goes offline and exits 0
  // (npm then ends by the same signal, as it does on a terminal).
  const bcastdPid = (JSON.parse(readFileSync(join(stateDir, 'runtime.json'), 'utf8')) as { pid: number }).pid;
  process.kill(-daemon.pid!, 'SIGINT');
  const npmExit = await exited;
  assert.ok(npmExit.code === 0 || npmExit.signal === 'SIGINT', JSON.stringify(npmExit));
  await until('bcastd gone', () => (existsSync(`/proc/${bcastdPid}`) ? undefined : true), 20_000);
  const lines = out.join('').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg?: string; component?: string });
  const order = lines.map((l) => l.msg ?? '');
  assert.ok(order.includes('stopped'), 'bcastd logged its clean stop');
  assert.ok(order.indexOf('stopped') > order.findIndex((m) => /stopping: de-registering/.test(m)), order.slice(-15).join(' | '));
  assert.ok(!existsSync(join(stateDir, 'runtime.json')), 'the runtime file is gone after a clean stop');
  const all = out.join('');
  for (const secret of ['465b5ce8b199b49faa5f0a2ee238a6bc', 'cd63cb71954a9f4e48a5994e37a02baf', '001010000000001']) {
    assert.ok(!all.includes(secret), `secret ${secret.slice(0, 6)}… in the log`);
  }
  assert.doesNotMatch(all, /[A-Za-z0-9+/]{16,}={0,2}@bsf/, 'no whole B-TID in the log');
});
