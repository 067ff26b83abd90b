/**
 * The slow-board profile: the daemon process under a CPU quota that emulates a board several times slower
 * than this machine (a Cortex-A53 set-top box). Linux cgroup v1 `cpu` controller (this machine has no cgroup
 * v2 and no systemd to ask for `CPUQuota=`): a group with cpu.cfs_quota_us / cpu.cfs_period_us = 1/slowdown
 * of one core, entered by the daemon itself through a launcher shim (BCASTD_NODE) before node starts.
 * Only the daemon is slowed: its descendants (the simulated world, its pcscd) stand for the operator's network
 * and the modem, so a watcher moves them back to the root group as soon as they appear.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runningDescendants } from '../../src/util/proc-stat.js';

const CPU_ROOT = '/sys/fs/cgroup/cpu';
const PERIOD_US = 100_000;

export interface CpuQuota {
  /** Environment for the daemon's launcher: BCASTD_NODE points at the shim that joins the group. */
  env: Record<string, string>;
  /** Starts moving the descendants of `pid` out of the group (call once the daemon runs). */
  release(pid: number): void;
  /** Stops watching, moves everything left back to the root group and removes the group. */
  close(): void;
  readonly description: string;
}

/** Null when cgroup v1's cpu controller cannot be used here (not mounted, not root). */
export function cpuQuota(o: { name: string; slowdown: number; shimDir: string }): CpuQuota | null {
  if (!existsSync(join(CPU_ROOT, 'cgroup.procs'))) return null;
  const group = join(CPU_ROOT, o.name);
  try {
    mkdirSync(group, { recursive: true });
    writeFileSync(join(group, 'cpu.cfs_period_us'), String(PERIOD_US));
    writeFileSync(join(group, 'cpu.cfs_quota_us'), String(Math.round(PERIOD_US / o.slowdown)));
  } catch {
    return null;
  }
  const shim = join(o.shimDir, 'node-in-slow-board');
  writeFileSync(shim, `#!/bin/sh\necho $$ > '${join(group, 'cgroup.procs')}'\nexec "$BCASTD_SLOW_BOARD_NODE" "$@"\n`);
  chmodSync(shim, 0o755);
  const toRoot = (pid: number) => {
    try {
      writeFileSync(join(CPU_ROOT, 'cgroup.procs'), String(pid));
    } catch {
      // gone meanwhile
    }
  };
  const watched = new Set<number>();
  const moved = new Set<number>();
  const timer = setInterval(() => {
    for (const pid of watched) {
      for (const { pid: c } of runningDescendants(pid)) {
        if (moved.has(c)) continue;
        toRoot(c);
        moved.add(c);
      }
    }
  }, 20);
  timer.unref();
  return {
    env: { BCASTD_NODE: shim, BCASTD_SLOW_BOARD_NODE: process.execPath },
    release: (pid) => void watched.add(pid),
    close: () => {
      clearInterval(timer);
      for (const pid of readFileSync(join(group, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) toRoot(Number(pid));
      try {
        rmdirSync(group);
      } catch {
        // a process still inside: left for the next run to reuse
      }
    },
    description: `cgroup v1 cpu controller, ${CPU_ROOT}/${o.name}: cfs_quota_us ${Math.round(PERIOD_US / o.slowdown)} per cfs_period_us ${PERIOD_US} (1/${o.slowdown} of one core), daemon process only`,
  };
}

