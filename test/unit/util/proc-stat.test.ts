// The /proc/<pid>/stat reader against real processes: names that break a naive split, zombies, a process tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { isRunning, procStat, runningChildren, runningDescendants, runningProcesses } from '../../../src/util/proc-stat.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, get: () => T | undefined): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = get();
    if (v !== undefined) return v;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function ended(child: ChildProcess): Promise<unknown> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r));
}

test('this process: its parent, a running state and CPU ticks', () => {
  const s = procStat(process.pid);
  assert.ok(s);
  assert.equal(s.ppid, process.ppid);
  assert.equal(s.state, 'R', 'reading its own stat, the process runs');
  assert.ok(s.utimeTicks > 0, 'a Node process has used CPU by now');
  assert.ok(Number.isInteger(s.stimeTicks) && s.stimeTicks >= 0);
  assert.equal(isRunning(process.pid), true);
});

test('a name with spaces and parentheses is read whole, and the fields after it stay in place', async (t) => {
  // The shell renames itself (PR_SET_NAME via /proc/self/comm), then waits on its stdin.
  const child = spawn('sh', ['-c', 'printf "x) S 1 (y" > /proc/$$/comm; echo renamed; read line'], { stdio: ['pipe', 'pipe', 'ignore'] });
  t.after(async () => {
    child.kill('SIGKILL');
    await ended(child);
  });
  await new Promise((r) => child.stdout.once('data', r));
  const s = procStat(child.pid!);
  assert.ok(s);
  assert.equal(s.comm, 'x) S 1 (y');
  assert.equal(s.ppid, process.pid, 'the "S 1" inside the name is not taken for state and parent');
  assert.equal(s.state, 'S', 'waiting on its stdin');
  assert.deepEqual(runningProcesses((p) => p.comm === 'x) S 1 (y').map((p) => p.pid), [child.pid]);
});

test('a zombie has a stat but does not run; a reaped process has neither', async () => {
  const child = spawn('true', { stdio: 'ignore' });
  const pid = child.pid!;
  // Blocking on purpose: while this loop runs, Node cannot reap the child, so it stays a zombie.
  const deadline = Date.now() + 10_000;
  while (procStat(pid)?.state !== 'Z') if (Date.now() > deadline) throw new Error('the child did not exit within 10 s');
  assert.equal(isRunning(pid), false);
  assert.equal(runningProcesses((p) => p.ppid === process.pid).some((p) => p.pid === pid), false);
  await ended(child);
  assert.equal(procStat(pid), undefined);
  assert.equal(isRunning(pid), false);
});

test('descendants: a child and its child, not the process itself; gone once they end', async (t) => {
  const child = spawn('sh', ['-c', 'sleep 30 & echo started; wait'], { stdio: ['ignore', 'pipe', 'ignore'] });
  t.after(async () => {
    for (const d of runningDescendants(process.pid)) if (d.comm === 'sleep') process.kill(d.pid, 'SIGKILL');
    child.kill('SIGKILL');
    await ended(child);
  });
  await new Promise((r) => child.stdout.once('data', r));
  const tree = await until('sleep under sh', () => {
    const d = runningDescendants(process.pid);
    return d.some((p) => p.comm === 'sleep') ? d : undefined;
  });
  const sh = tree.find((p) => p.pid === child.pid);
  assert.equal(sh?.comm, 'sh');
  const grandchild = tree.find((p) => p.comm === 'sleep')!;
  assert.equal(procStat(grandchild.pid)?.ppid, child.pid, 'the sleep is the shell’s child, found through it');
  assert.equal(tree.some((p) => p.pid === process.pid), false);
  const children = runningChildren(process.pid);
  assert.ok(children.some((p) => p.pid === child.pid), 'the shell is a child');
  assert.equal(children.some((p) => p.pid === grandchild.pid), false, 'its sleep is not');
  process.kill(grandchild.pid, 'SIGKILL');
  await ended(child);
  await until('the tree gone', () => (runningDescendants(process.pid).some((p) => p.pid === child.pid || p.pid === grandchild.pid) ? undefined : true));
});
