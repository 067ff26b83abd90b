/**
 * The RSS floor: what a process of the daemon's own node executable, with its options, holds before any of
 * bcastd's code — bare, then with the built-in modules the idle daemon had loaded (learned through
 * bench/lib/builtins-preload.ts). The daemon's idle RSS minus the second is what bcastd's code and data cost;
 * a target below the second cannot be met by changing bcastd.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rssKb } from './proc.js';

export interface DaemonRuntime {
  execPath: string;
  execArgv: string[];
  builtins: string[];
}

/** Asks a daemon started with the preload for its runtime (SIGUSR2), waiting up to timeoutMs for the file. */
export async function daemonRuntime(pid: number, dir: string, timeoutMs = 5000): Promise<DaemonRuntime> {
  const file = join(dir, `bcastd-${pid}.json`);
  process.kill(pid, 'SIGUSR2');
  for (const deadline = Date.now() + timeoutMs; !existsSync(file); ) {
    if (Date.now() > deadline) throw new Error(`bcastd ${pid} wrote no ${file} within ${timeoutMs} ms (started without the preload?)`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return JSON.parse(readFileSync(file, 'utf8')) as DaemonRuntime;
}

/**
 * VmRSS (kB) of a bare node like the daemon's, loading `builtins`, `settleMs` after it said it had loaded them
 * (it runs full GCs first); `sample` reads more of it before it is ended.
 */
export async function floorRssKb<T>(rt: DaemonRuntime, builtins: readonly string[], settleMs: number, sample: (pid: number) => T): Promise<{ rssKb: number; sample: T }> {
  const script = new URL('./rss-floor-child.js', import.meta.url).pathname;
  const child = spawn(rt.execPath, [...rt.execArgv, '--expose-gc', script, ...builtins], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_OPTIONS: '' } });
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('the RSS floor process did not load its modules within 10 s')), 10_000);
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the RSS floor process exited (${code})`)));
      child.stdout.once('data', () => {
        clearTimeout(t);
        resolve();
      });
    });
    await new Promise((r) => setTimeout(r, settleMs));
    return { rssKb: rssKb(child.pid!), sample: sample(child.pid!) };
  } finally {
    child.removeAllListeners('exit');
    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once('exit', r)));
  }
}
