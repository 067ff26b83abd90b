// The daemon bench whose reader goes away (`npm run bench -- daemon | head -3`): the next figure's write fails
// with EPIPE, and the bench must tear its rig down before it exits — mosquitto, the daemon, its world and pcscd
// run in processes of their own and would otherwise be left running.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRunning, runningDescendants } from '../../../src/util/proc-stat.js';
import { repoRoot } from '../../helpers/repo.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The daemon and its world: named `node` by Node 20, `MainThread` by Node 24 (its main thread's name is the process's). */
const isNode = (p: { comm: string }) => p.comm !== 'mosquitto' && p.comm !== 'pcscd';

test('bench with its reader gone: the rig is torn down, then exit 141', { timeout: 120_000 }, async (t) => {
  const bench = spawn(process.execPath, ['--expose-gc', join(repoRoot, 'dist', 'bench', 'daemon.bench.js')], {
    cwd: repoRoot,
    env: { ...process.env, BENCH_DAEMON_ONLY: 'idle', BENCH_DAEMON_IDLE_S: '5' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  bench.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => bench.once('exit', (code) => resolve(code)));
  // The first figure (the environment) is printed before the rig starts; then wait for the rig's processes.
  await new Promise<void>((resolve, reject) => {
    bench.stdout.once('data', () => resolve());
    bench.once('exit', () => reject(new Error(`the bench exited before its first figure: ${stderr}`)));
  });
  let rig: Array<{ pid: number; comm: string }> = [];
  // A failing run must not leave them for the next test: the daemon first (it stops its world and pcscd), by PID.
  t.after(async () => {
    const order = [...rig].sort((a, b) => Number(isNode(b)) - Number(isNode(a)));
    for (const p of order) if (isRunning(p.pid)) process.kill(p.pid, 'SIGTERM');
    for (let i = 0; i < 50 && rig.some((p) => isRunning(p.pid)); i++) await sleep(100);
    for (const p of rig) if (isRunning(p.pid)) process.kill(p.pid, 'SIGKILL');
  });
  for (let i = 0; i < 300; i++) {
    rig = runningDescendants(bench.pid!);
    if (rig.some((p) => p.comm === 'mosquitto') && rig.some((p) => p.comm === 'pcscd') && rig.filter(isNode).length >= 2) break;
    await sleep(100);
  }
  assert.ok(rig.some((p) => p.comm === 'mosquitto'), `the rig's mosquitto runs: ${JSON.stringify(rig)}`);
  assert.ok(rig.some((p) => p.comm === 'pcscd'), `the world's pcscd runs: ${JSON.stringify(rig)}`);
  assert.ok(rig.filter(isNode).length >= 2, `the daemon and its world run: ${JSON.stringify(rig)}`);

  // The reader goes away: the idle section's figure (printed ~10 s after ready) is the write that fails.
  bench.stdout.destroy();
  assert.equal(await exited, 141, `exit code (stderr: ${stderr.slice(-2000)})`);
  const left = rig.filter((p) => isRunning(p.pid));
  assert.deepEqual(left, [], 'nothing of the rig left running');
});
