// `bcastctl watch` into a pipe (one line per message, no escape bytes) and with --json (one object per line),
// against a real mosquitto; and the errors a wrong broker or pattern give.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { bcastctlBin } from '../../helpers/repo.js';
import { freePort, startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js';
import { publish, publishFleet, publisher, waitFor } from './harness.js';

let broker: Mosquitto;
before(async () => {
  broker = await startMosquitto();
});
after(async () => {
  await broker?.close();
});

/** Starts the watch with stdout/stderr as pipes; collects both. */
function watchPiped(args: string[]) {
  const child = spawn(process.execPath, [bcastctlBin, 'watch', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TERM: 'xterm' } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    out: () => out,
    err: () => err,
    lines: () => out.split('\n').filter(Boolean),
    kill: async () => {
      if (child.exitCode === null && child.pid !== undefined) {
        process.kill(child.pid, 'SIGKILL');
        await exited;
      }
    },
  };
}

test('into a pipe: one plain line per message of the matching devices, live ones included', async () => {
  const pub = await publisher(broker.url);
  const w = watchPiped(['--broker', broker.url, '--device', 'box-*', '--for', '3']);
  try {
    await publishFleet(pub);
    await waitFor('retained state', () => w.lines().some((l) => / box-2 pdp +failed/.test(l)), 8000, w.out);
    await publish(pub, 'box-1', 'events', { type: 'trigger', kind: 'command', source: 'mqtt', action: 'register', ts: new Date().toISOString() }, false);
    await publish(pub, 'box-2', 'status', '{"state":"lost"}');
    assert.equal(await w.exited, 0, w.err());
    const lines = w.lines();
    assert.ok(lines.some((l) => / box-1 status +ready$/.test(l)), w.out());
    assert.ok(lines.some((l) => / box-1 event +trigger kind=command source=mqtt action=register$/.test(l)), w.out());
    assert.ok(lines.some((l) => / box-2 status +lost$/.test(l)), w.out());
    assert.ok(!w.out().includes('other-1'), 'the prefix leaves other devices out');
    assert.ok(!w.out().includes('\x1b'), 'no escape bytes into a pipe');
  } finally {
    await w.kill();
    await pub.endAsync(true);
  }
});

test('--json: every line parses, secrets never pass, device and retained flag are given', async () => {
  const pub = await publisher(broker.url);
  await publishFleet(pub);
  const w = watchPiped(['--broker', broker.url, '--device', 'box-1', '--json', '--for', '2']);
  try {
    await waitFor('retained state', () => w.lines().length >= 9, 8000, w.out);
    await publish(pub, 'box-1', 'events', { type: 'key-stored', mskId: '00010003', msk: 'SECRET-MSK', nested: { ks: 'SECRET-KS' }, ts: new Date().toISOString() }, false);
    assert.equal(await w.exited, 0, w.err());
    const objs = w.lines().map((l) => JSON.parse(l) as { topic: string; device: string; name: string; retained: boolean; payload: Record<string, unknown> | null });
    assert.ok(objs.every((o) => o.device === 'box-1' && o.topic === `bcastd/v1/box-1/${o.name}`));
    const status = objs.find((o) => o.name === 'status')!;
    assert.equal(status.retained, true);
    assert.equal(status.payload?.['state'], 'ready');
    const ev = objs.find((o) => o.name === 'events')!;
    assert.equal(ev.retained, false);
    assert.deepEqual(ev.payload, { type: 'key-stored', mskId: '00010003', nested: {}, ts: ev.payload?.['ts'] });
    assert.ok(!w.out().includes('SECRET'));
  } finally {
    await w.kill();
    await pub.endAsync(true);
  }
});

test('no broker at the URL: exit 3 (not reachable) with the reason; a pattern MQTT cannot express: exit 2', async () => {
  const run = promisify(execFile);
  const port = await freePort();
  const unreachable = await run(process.execPath, [bcastctlBin, 'watch', '--broker', `mqtt://127.0.0.1:${port}`, '--for', '1'], { timeout: 20_000 }).catch((e: { code: number; stderr: string }) => e);
  assert.equal((unreachable as { code: number }).code, 3);
  assert.match((unreachable as { stderr: string }).stderr, /cannot reach the MQTT broker at mqtt:\/\/127\.0\.0\.1:\d+/);
  const bad = await run(process.execPath, [bcastctlBin, 'watch', '--broker', broker.url, '--device', 'a*b'], { timeout: 20_000 }).catch((e: { code: number; stderr: string }) => e);
  assert.equal((bad as { code: number }).code, 2);
  assert.match((bad as { stderr: string }).stderr, /only a trailing \*/);
});
