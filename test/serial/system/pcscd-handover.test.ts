// The sim board's daemon starts the vpcd reader's pcscd itself (before the world's node is up) and hands it over
// to the world's process, which stops it with itself: by PID, as a process that is not its parent; the daemon
// stops it when the world died without doing so. A real pcscd, and the real daemon.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PrivatePcscd, pcscdInstalled } from '../../../src/sim/pcscd.js';
import { fromDaemon, toWorld, type VpcdPcscdHandover } from '../../../src/daemon/sim-world-pcscd.js';
import { runningChildren } from '../../../src/util/proc-stat.js';
import { runningPcscd } from '../../helpers/pcscd.js';
import { SystemRig } from './harness.js';

test('a private pcscd handed over is stopped by its adopter: process gone, config dir and PID file removed', { skip: !pcscdInstalled() && 'pcscd or vpcd not installed', timeout: 30_000 }, async (t) => {
  assert.deepEqual(runningPcscd(), [], 'no pcscd runs before the test (only one per machine)');
  const stateDir = mkdtempSync(join(tmpdir(), 'bcastd-handover-'));
  t.after(() => rmSync(stateDir, { recursive: true, force: true }));
  const pidFile = join(stateDir, 'pcscd.pid');
  const started = await PrivatePcscd.start(10_000, pidFile);
  t.after(() => started.stop());
  assert.equal(readFileSync(pidFile, 'utf8').trim(), String(started.pid));
  assert.deepEqual(runningPcscd(), [started.pid]);

  // Across the IPC channel: plain JSON.
  const wire: VpcdPcscdHandover = JSON.parse(JSON.stringify(toWorld({ ok: true, own: started })));
  assert.ok(wire.ok && wire.own !== null);
  assert.equal(wire.own.pid, started.pid);
  assert.ok(existsSync(join(wire.own.dir, 'reader.conf')), 'the handover names the config dir');
  const adopted = fromDaemon(wire);
  assert.ok(adopted.ok && adopted.own !== null);

  // This process is pcscd's parent: after the adopter's SIGTERM it is a zombie until reaped, which counts as gone.
  await adopted.own.stop();
  assert.deepEqual(runningPcscd(), [], 'pcscd ended');
  assert.ok(!existsSync(wire.own.dir), 'its config dir removed');
  assert.ok(!existsSync(pidFile), 'its PID file removed');
  // The starter's own stop after that (a world that failed after adopting) is a no-op, not an error.
  await started.stop();
});

test('a start that found no PC/SC crosses to the world as its reason, no process', () => {
  const wire: VpcdPcscdHandover = JSON.parse(JSON.stringify(toWorld({ ok: false, why: 'pcscd or vsmartcard-vpcd not installed', error: new Error('x') })));
  assert.deepEqual(wire, { ok: false, why: 'pcscd or vsmartcard-vpcd not installed' });
  assert.deepEqual(fromDaemon(wire), { ok: false, why: 'pcscd or vsmartcard-vpcd not installed' });
});

test('the world dies without stopping the pcscd it took over: the daemon stops it when it stops', { skip: !pcscdInstalled() && 'pcscd or vpcd not installed', timeout: 90_000 }, async (t) => {
  const rig = await SystemRig.start(t);
  const children = runningChildren(rig.pid!);
  const pcscd = children.find((c) => c.comm === 'pcscd');
  const world = children.find((c) => c.comm !== 'pcscd');
  assert.ok(pcscd && world, `the daemon started the world and its pcscd: ${JSON.stringify(children)}`);
  process.kill(world.pid, 'SIGKILL');
  await rig.waitFor('card', (p) => p['state'] !== 'ready', 20_000);
  assert.deepEqual(runningPcscd(), [pcscd.pid], 'pcscd outlived its world');
  const exit = await rig.signal('SIGTERM', 60_000);
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.deepEqual(await rig.childrenGone(5000), [], 'nothing left behind');
  assert.deepEqual(runningPcscd(), []);
});
