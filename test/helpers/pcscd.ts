// Starts a private pcscd with only the vpcd reader for the PC/SC tests, waits until its reader is
// listed, and stops it by PID (SIGTERM, then SIGKILL). Only one pcscd can run per machine (fixed socket
// /run/pcscd/pcscd.comm), so a pcscd found running that this helper did not start is an error naming
// its PID: the helper never kills what it did not start.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runningPcscd } from '../../src/sim/pcscd.js';

/** PIDs of running pcscd processes (the daemon's own reader of /proc). */
export { runningPcscd };

export const VPCD_CONF = '/etc/reader.conf.d/vpcd';
/** The first slot of the vpcd driver (TCP 35963). */
export const VPCD_READER = 'Virtual PCD 00 00';

const require = createRequire(import.meta.url);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Reader = { name: string; once(e: 'status', f: () => void): void; close(): void };
type Ctx = { on(e: 'reader', f: (r: Reader) => void): void; on(e: 'error', f: (e: Error) => void): void; close(): void };

/**
 * pcsclite's reader.close() cancels the reader's status thread and joins it; the cancel is lost (and
 * the join blocks the process) unless the thread is already waiting inside pcscd: after its first
 * status and a quiet moment. Wait for both before closing.
 */
async function closeContext(ctx: Ctx, readers: { r: Reader; status: Promise<void> }[]): Promise<void> {
  await Promise.race([Promise.all(readers.map((x) => x.status)), sleep(2000)]);
  await sleep(150);
  for (const x of readers) x.r.close();
  ctx.close();
}

/** Polls pcscd through libpcsclite until `reader` is listed. */
async function waitForReader(reader: string, timeoutMs: number, alive: () => boolean): Promise<void> {
  const pcsc = require('pcsclite') as () => Ctx;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error('pcscd exited during start-up');
    let ctx: Ctx;
    try {
      ctx = pcsc();
    } catch {
      await sleep(50);
      continue;
    }
    const readers: { r: Reader; status: Promise<void> }[] = [];
    const seen = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 500);
      ctx.on('reader', (r) => {
        readers.push({ r, status: new Promise((ok) => r.once('status', ok)) });
        if (r.name === reader) {
          clearTimeout(t);
          resolve(true);
        }
      });
      // Also emitted after close() ("Command cancelled"): keep a listener for good.
      ctx.on('error', () => resolve(false));
    });
    await closeContext(ctx, readers);
    if (seen) return;
  }
  throw new Error(`pcscd did not list "${reader}" within ${timeoutMs} ms`);
}

export class Pcscd {
  #child: ChildProcess | null = null;
  #log = '';
  readonly #dir: string;
  readonly #conf: string;

  private constructor() {
    this.#dir = mkdtempSync(join(tmpdir(), 'bcastd-pcscd-'));
    this.#conf = join(this.#dir, 'reader.conf');
    copyFileSync(VPCD_CONF, this.#conf);
  }

  /** Starts pcscd (foreground, config = a copy of the vpcd reader.conf) and waits for its reader. */
  static async start(timeoutMs = 10_000): Promise<Pcscd> {
    if (!existsSync(VPCD_CONF)) throw new Error(`${VPCD_CONF} missing: install vsmartcard-vpcd`);
    const others = runningPcscd();
    if (others.length > 0) {
      throw new Error(`a pcscd is already running (PID ${others.join(', ')}); stop it (e.g. systemctl stop pcscd.socket pcscd) so the PC/SC tests can run their own`);
    }
    const p = new Pcscd();
    try {
      await p.#spawn(timeoutMs);
    } catch (e) {
      await p.stop();
      throw e;
    }
    return p;
  }

  get pid(): number | null {
    return this.#child?.pid ?? null;
  }

  /** pcscd's own log (info level), for failure messages. */
  get log(): string {
    return this.#log;
  }

  async #spawn(timeoutMs: number): Promise<void> {
    const child = spawn('pcscd', ['--foreground', '--info', '--config', this.#conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    const keep = (d: Buffer) => {
      this.#log = (this.#log + d.toString()).slice(-20_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    await spawned;
    // Never leave our pcscd behind, even when the test process is stopped from outside.
    const reap = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    process.once('exit', reap);
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      process.once(sig, () => {
        reap();
        process.exit(128 + (sig === 'SIGTERM' ? 15 : 2));
      });
    }
    await waitForReader(VPCD_READER, timeoutMs, () => child.exitCode === null && child.signalCode === null).catch((e: Error) => {
      throw new Error(`${e.message}\n--- pcscd log ---\n${this.#log}`);
    });
  }

  /** Stops our pcscd: SIGTERM, then SIGKILL after `graceMs`. Leaves the config dir for restart(). */
  async kill(signal: NodeJS.Signals = 'SIGTERM', graceMs = 3000): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** A new pcscd process with the same configuration (the pcscd-restart test). */
  async restart(timeoutMs = 10_000): Promise<void> {
    await this.kill();
    await this.#spawn(timeoutMs);
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
