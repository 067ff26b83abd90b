// The RSS floor's parts against real processes: the preload answers SIGUSR2 with what the process runs on and
// loaded; a bare node like it loads those built-ins, is measured and is ended.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { daemonRuntime, floorRssKb } from '../../../bench/lib/rss-floor.js';
import { isRunning, procStat } from '../../../src/util/proc-stat.js';

const preload = new URL('../../../bench/lib/builtins-preload.js', import.meta.url).href;

test('a process started with the preload reports its node, options and built-ins; the floor process loads them', { timeout: 30_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bcastd-rss-floor-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // A stand-in daemon: V8 options of its own, zlib loaded (a bare node does not load it), asleep.
  const script = join(dir, 'stand-in.cjs');
  writeFileSync(script, "require('zlib'); process.stdout.write('up\\n'); setInterval(() => {}, 1e6);");
  const daemon = spawn(process.execPath, ['--max-semi-space-size=2', script], {
    env: { ...process.env, NODE_OPTIONS: `--import ${preload}`, BENCH_BUILTINS_DIR: dir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => daemon.kill('SIGKILL'));
  await new Promise((r) => daemon.stdout.once('data', r));
  const rt = await daemonRuntime(daemon.pid!, dir);
  assert.equal(rt.execPath, process.execPath);
  assert.deepEqual(rt.execArgv, ['--max-semi-space-size=2'], 'its own options, not the preload (that came through NODE_OPTIONS)');
  assert.ok(rt.builtins.includes('zlib') && rt.builtins.includes('fs'), rt.builtins.join(' '));
  assert.equal(isRunning(daemon.pid!), true, 'SIGUSR2 is answered, not fatal');

  let floorPid = 0;
  const floor = await floorRssKb(rt, ['zlib', 'not-a-builtin'], 200, (pid) => {
    floorPid = pid;
    return procStat(pid)?.ppid;
  });
  assert.equal(floor.sample, process.pid, 'the floor process is ours');
  assert.ok(floor.rssKb > 10_000 && floor.rssKb < 200_000, `a node process: ${floor.rssKb} kB`);
  assert.equal(isRunning(floorPid), false, 'ended before floorRssKb returned');
});

test('no preload: daemonRuntime says so within its timeout', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bcastd-rss-floor-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const plain = spawn(process.execPath, ['-e', "process.on('SIGUSR2', () => {}); process.stdout.write('up\\n'); setInterval(() => {}, 1e6)"], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => plain.kill('SIGKILL'));
  await new Promise((r) => plain.stdout.once('data', r));
  await assert.rejects(daemonRuntime(plain.pid!, dir, 300), /wrote no .* within 300 ms \(started without the preload\?\)/);
});
