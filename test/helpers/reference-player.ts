// examples/player/player.py as a child process (by PID, killed on close): its JSON lines, collected and waited on.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from './repo.js';

export const PLAYER_SCRIPT = join(repoRoot, 'examples', 'player', 'player.py');
/** Debian's interpreter carries python3-gi and python3-paho-mqtt (a pyenv python3 on PATH does not). */
export const SYSTEM_PYTHON = process.env['BCASTD_PYTHON'] ?? '/usr/bin/python3';

export interface PlayerLine {
  ts: number;
  service: string;
  event?: string;
  decrypted?: number;
  droppedNoKey?: number;
  authFailed?: number;
  tekRequests?: number;
  tekRefused?: number;
  keyId?: string | null;
  keys?: number;
  lastError?: string | null;
  [k: string]: unknown;
}

export class ReferencePlayer {
  readonly lines: PlayerLine[] = [];
  readonly stderr: string[] = [];
  readonly #child: ChildProcess;
  readonly #exit: Promise<number | null>;
  #waiters = new Set<() => void>();

  constructor(o: { brokerUrl: string; prefix: string; device: string; service: string; rtpPort: number; stkmPort: number; snapshot?: string; env?: Record<string, string>; login?: { username: string; password: string } }) {
    const args = [PLAYER_SCRIPT, '--broker', o.brokerUrl, '--prefix', o.prefix, '--device', o.device, '--service', o.service, '--rtp-port', String(o.rtpPort), '--stkm-port', String(o.stkmPort)];
    if (o.snapshot) args.push('--snapshot', o.snapshot);
    // The login goes by environment, never argv: /proc/<pid>/cmdline is readable by every user.
    this.#child = spawn(SYSTEM_PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...(o.login ? { BCASTD_PLAYER_USERNAME: o.login.username, BCASTD_PLAYER_PASSWORD: o.login.password } : {}), ...o.env } });
    this.#exit = new Promise((r) => this.#child.once('close', (code) => r(code)));
    createInterface({ input: this.#child.stdout! }).on('line', (l) => {
      try {
        this.lines.push(JSON.parse(l) as PlayerLine);
      } catch {
        this.stderr.push(`stdout: ${l}`);
      }
      for (const w of [...this.#waiters]) w();
    });
    createInterface({ input: this.#child.stderr! }).on('line', (l) => {
      this.stderr.push(l);
      if (this.stderr.length > 50) this.stderr.shift();
    });
  }

  get alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** The latest per-second status line. */
  get last(): PlayerLine | undefined {
    return this.lines.filter((l) => l.event === undefined).at(-1);
  }

  events(name: string): PlayerLine[] {
    return this.lines.filter((l) => l.event === name);
  }

  /** The first line (from index `since`) that satisfies pred. */
  waitFor(pred: (l: PlayerLine) => boolean, timeoutMs: number, since = 0): Promise<PlayerLine> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.lines.slice(since).find(pred);
        if (!hit) return false;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`player: timed out after ${timeoutMs} ms; last lines: ${this.lines.slice(-4).map((l) => JSON.stringify(l)).join(' | ')}; stderr: ${this.stderr.slice(-6).join(' | ')}`));
      }, timeoutMs);
      if (!check()) this.#waiters.add(check);
    });
  }

  /** SIGTERM (the player writes a last line and leaves), SIGKILL after 5 s. */
  async close(): Promise<number | null> {
    if (this.alive) this.#child.kill('SIGTERM');
    const killer = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
    const code = await this.#exit;
    clearTimeout(killer);
    return code;
  }
}
