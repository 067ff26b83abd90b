// The one reader of /proc/<pid>/stat (Linux): who a process is, whether it still runs, its parent and CPU ticks.
// Used to stop helpers by PID (pcscd), and by the tests and benchmarks that watch the daemon from outside.
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcStat {
  /** The command name (at most 15 characters, as in /proc/<pid>/comm). */
  comm: string;
  /** One letter: R running, S sleeping, D disk wait, T stopped, Z zombie, X dead … */
  state: string;
  ppid: number;
  /** CPU time in clock ticks (see `getconf CLK_TCK`), user and system. */
  utimeTicks: number;
  stimeTicks: number;
}

/** The process's stat line, parsed; undefined when there is no such process (or it ended while read). */
export function procStat(pid: number): ProcStat | undefined {
  let line: string;
  try {
    line = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The name may hold spaces and parentheses: it runs from the first '(' to the last ')'.
  const close = line.lastIndexOf(')');
  const f = line.slice(close + 2).split(' ');
  // Fields after the name, 0-based: 0 state (field 3), 1 ppid (4), 11 utime (14), 12 stime (15).
  return { comm: line.slice(line.indexOf('(') + 1, close), state: f[0]!, ppid: Number(f[1]), utimeTicks: Number(f[11]), stimeTicks: Number(f[12]) };
}

/** Has not exited: a zombie waiting for its parent's wait() (PID 1 may never reap one here) has, and holds nothing. */
const running = (s: ProcStat | undefined): s is ProcStat => s !== undefined && s.state !== 'Z' && s.state !== 'X';

export function isRunning(pid: number): boolean {
  return running(procStat(pid));
}

/** Every running process, with its stat, that `match` accepts. */
export function runningProcesses(match: (s: ProcStat) => boolean): Array<{ pid: number } & ProcStat> {
  const out: Array<{ pid: number } & ProcStat> = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = procStat(Number(d));
    if (running(s) && match(s)) out.push({ pid: Number(d), ...s });
  }
  return out;
}

/** The running children of `ppid`, with their command names. */
export function runningChildren(ppid: number): Array<{ pid: number; comm: string }> {
  return runningProcesses((p) => p.ppid === ppid).map(({ pid, comm }) => ({ pid, comm }));
}

/** Every running descendant of `ppid` (children, their children …), with its command name. */
export function runningDescendants(ppid: number): Array<{ pid: number; comm: string }> {
  const all = runningProcesses(() => true);
  const out: Array<{ pid: number; comm: string }> = [];
  const parents = new Set([ppid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (parents.has(p.ppid) && !parents.has(p.pid)) {
        parents.add(p.pid);
        out.push({ pid: p.pid, comm: p.comm });
        grew = true;
      }
    }
  }
  return out;
}
