/**
 * Figures of another process read from /proc (Linux): CPU time (utime + stime), resident set size, wake-ups
 * (src/util/proc-stat.ts finds processes). Used by the daemon benchmark and the soak test to watch the real bcastd process from outside.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { procStat, type ProcStat } from '../../src/util/proc-stat.js';

let tick: number | undefined;
/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK`, 100 on every Linux we run on). */
export function clockTicks(): number {
  if (tick === undefined) {
    try {
      tick = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      tick = 100;
    }
  }
  return tick;
}

function stat(pid: number): ProcStat {
  const s = procStat(pid);
  if (s === undefined) throw new Error(`no process ${pid}`);
  return s;
}

/** CPU time (user + system) the process has used, in ms; resolution one clock tick (10 ms at 100 Hz). */
export function cpuMs(pid: number): number {
  const s = stat(pid);
  return ((s.utimeTicks + s.stimeTicks) * 1000) / clockTicks();
}

/** CPU time split: user (JavaScript, V8, the addons) and system (the kernel: syscalls, sockets), in ms. */
export function cpuSplitMs(pid: number): { user: number; sys: number } {
  const s = stat(pid);
  return { user: (s.utimeTicks * 1000) / clockTicks(), sys: (s.stimeTicks * 1000) / clockTicks() };
}

/**
 * Voluntary context switches of every thread of the process (/proc/<pid>/task/<tid>/status): each is a thread
 * going to sleep after it woke up, so their rate over an idle window counts the process's wake-ups.
 */
export function voluntarySwitches(pid: number): { total: number; byThread: Record<string, number> } {
  const byThread: Record<string, number> = {};
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      const n = Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      // Threads by id (Node 20 names its V8 and libuv workers "node" too): the main thread marked as such.
      const name = /^Name:\s+(.*)$/m.exec(status)?.[1] ?? 'thread';
      const key = Number(tid) === pid ? `${name} (main)` : `${name} #${tid}`;
      byThread[key] = (byThread[key] ?? 0) + n;
      total += n;
    } catch {
      // the thread ended while we looked
    }
  }
  return { total, byThread };
}

/** VmRSS of the process, in kB. */
export function rssKb(pid: number): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}


/** The p-th percentile (0..100) by nearest rank. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
