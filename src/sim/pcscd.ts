// A private pcscd for the sim board when none is running: foreground, configured with only the vpcd reader,
// stopped by PID with the simulated world. Only one pcscd can run per machine (its socket is fixed), so a
// running one is used as it is and never touched.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { isRunning, procStat, runningProcesses } from '../util/proc-stat.js';

export const VPCD_READER_CONF = '/etc/reader.conf.d/vpcd';
const PCSCD_SOCKET = '/run/pcscd/pcscd.comm';

/** True while `pid` is a pcscd that has not exited (a zombie waiting for its parent's wait() has). */
function pcscdAlive(pid: number): boolean {
  return procStat(pid)?.comm === 'pcscd' && isRunning(pid);
}

/** How often a stop by PID looks whether pcscd is gone. */
const EXIT_POLL_MS = 20;

/**
 * Ends the pcscd `pid` from any process (its parent or not): SIGTERM, SIGKILL after graceMs, then waits (as long
 * again at most) until it is gone or a zombie. Nothing is sent when `pid` is no longer a live pcscd.
 */
async function endPcscd(pid: number, graceMs: number): Promise<void> {
  const waitGone = async (ms: number) => {
    const deadline = Date.now() + ms;
    while (pcscdAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, EXIT_POLL_MS));
  };
  if (!pcscdAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  await waitGone(graceMs);
  if (!pcscdAlive(pid)) return;
  process.kill(pid, 'SIGKILL');
  await waitGone(graceMs);
}

/** PIDs of live pcscd processes, from /proc. */
export function runningPcscd(): number[] {
  return runningProcesses((p) => p.comm === 'pcscd').map((p) => p.pid);
}

export function pcscdInstalled(): boolean {
  return existsSync(VPCD_READER_CONF) && ['/usr/sbin/pcscd', '/sbin/pcscd', '/usr/bin/pcscd'].some((p) => existsSync(p));
}

/**
 * A private pcscd outlives a SIGKILLed bcastd (it runs in its own process group). Its PID is kept in a file in
 * the state dir; the next start stops it when that PID still is a pcscd, so it does not leak or get reused.
 */
export async function stopStalePcscd(pidFile: string): Promise<number | null> {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return null;
  }
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 1 || !pcscdAlive(pid)) return null;
  await endPcscd(pid, 3000);
  return pid;
}

/** How often a start looks for pcscd's socket: pcscd is up ~50 ms after its spawn. */
const SOCKET_POLL_MS = 10;

/** True when something accepts connections on the Unix socket at path. */
function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ path });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** What another process needs to stop a private pcscd it did not start (sim-world-process.ts hands it over). */
export interface PcscdHandover {
  pid: number;
  /** The temp dir holding its reader.conf. */
  dir: string;
  pidFile?: string;
}

export class PrivatePcscd {
  private constructor(
    /** Ours when this process spawned it; null when adopted from the process that did. */
    private readonly child: ChildProcess | null,
    readonly pid: number,
    private readonly dir: string,
    private readonly pidFile: string | undefined,
  ) {}

  /**
   * Starts pcscd with the vpcd reader only; resolves once its socket answers (a socket file alone may be a
   * killed pcscd's leftover), rejects after timeoutMs.
   */
  static async start(timeoutMs = 10_000, pidFile?: string): Promise<PrivatePcscd> {
    const dir = mkdtempSync(join(tmpdir(), 'bcastd-pcscd-'));
    const conf = join(dir, 'reader.conf');
    copyFileSync(VPCD_READER_CONF, conf);
    // Own process group: a Ctrl-C on bcastd's terminal must not kill the card's pcscd before de-registration.
    const child = spawn('pcscd', ['--foreground', '--config', conf], { stdio: 'ignore', detached: true });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    const p = new PrivatePcscd(child, child.pid!, dir, pidFile);
    if (pidFile) writeFileSync(pidFile, `${child.pid}\n`, { mode: 0o600 });
    const deadline = Date.now() + timeoutMs;
    while (!(existsSync(PCSCD_SOCKET) && (await socketAnswers(PCSCD_SOCKET)))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await p.stop();
        throw new Error(child.exitCode !== null ? `pcscd exited with code ${child.exitCode}` : `pcscd socket not up within ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, SOCKET_POLL_MS));
    }
    return p;
  }

  /** Takes over a pcscd another process started (its handover()): stop() ends it by PID. */
  static adopt(h: PcscdHandover): PrivatePcscd {
    return new PrivatePcscd(null, h.pid, h.dir, h.pidFile);
  }

  /**
   * What the adopting process needs. This process keeps only the reaping of its child: its handle no longer holds
   * the event loop open, and stopping it is the adopter's job from now on.
   */
  handover(): PcscdHandover {
    this.child?.unref();
    return { pid: this.pid, dir: this.dir, ...(this.pidFile !== undefined ? { pidFile: this.pidFile } : {}) };
  }

  async stop(graceMs = 3000): Promise<void> {
    const c = this.child;
    if (c !== null) {
      if (c.exitCode === null && c.signalCode === null) {
        const exited = new Promise<void>((r) => c.once('exit', () => r()));
        c.kill('SIGTERM');
        const t = setTimeout(() => c.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(t);
      }
    } else await endPcscd(this.pid, graceMs);
    rmSync(this.dir, { recursive: true, force: true });
    if (this.pidFile) rmSync(this.pidFile, { force: true });
  }
}
