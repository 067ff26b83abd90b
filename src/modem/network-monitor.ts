/**
 * Registration monitor: +CEREG/+CREG (and +CGREG where the profile lists it) reports enabled with
 * AT+CxREG=2, plus a periodic read as a backstop for a missed report. The terminal is covered when any
 * of them says registered (home, roaming, SMS-only, …); coverage lost / regained is emitted on change.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { isDecodeError } from '../codec/errors.js';
import { parseCreg, regUrcMode, type RegCommand, type Registration, type UrcLine } from '../codec/at/index.js';
import type { AtEngine } from './at-engine.js';
import { AtCommandError } from './errors.js';

export interface CoverageChange {
  readonly covered: boolean;
  /** null for the first determination after start. */
  readonly previous: boolean | null;
  /** The report that decided it. */
  readonly registration: Registration;
  readonly via: 'urc' | 'poll';
}

export interface NetworkMonitorEvents {
  coverage: [change: CoverageChange];
  registration: [registration: Registration];
}

export interface NetworkMonitorOptions {
  readonly engine: AtEngine;
  readonly logger: Logger;
  readonly commands: readonly RegCommand[];
  /** Periodic read of the registration state (default 60 s). */
  readonly pollIntervalMs?: number | undefined;
}

export interface NetworkStats {
  covered: boolean | null;
  reports: number;
  polls: number;
  pollErrors: number;
  badReports: number;
  lost: number;
  regained: number;
}

const REG_NAMES = new Set(['+CREG', '+CGREG', '+CEREG', '+C5GREG']);

export class NetworkMonitor extends EventEmitter<NetworkMonitorEvents> {
  private readonly log: Logger;
  private readonly latest = new Map<RegCommand, Registration>();
  private enabled: RegCommand[] = [];
  private covered: boolean | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly counters = { reports: 0, polls: 0, pollErrors: 0, badReports: 0, lost: 0, regained: 0 };

  constructor(private readonly options: NetworkMonitorOptions) {
    super();
    this.log = options.logger;
    options.engine.on('urc', (line) => this.onUrc(line));
  }

  get coverage(): boolean | null {
    return this.covered;
  }

  stats(): NetworkStats {
    return { covered: this.covered, ...this.counters };
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.options.engine.attached) void this.poll().catch(() => {});
    }, this.options.pollIntervalMs ?? 60_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Part of the link initialisation: enable the reports (n=2, else n=1), read the state once. */
  async initialise(): Promise<void> {
    this.latest.clear();
    this.enabled = [];
    for (const command of this.options.commands) {
      for (const n of [2, 1]) {
        try {
          await this.options.engine.send(regUrcMode(command, n));
          this.enabled.push(command);
          break;
        } catch (err) {
          if (!(err instanceof AtCommandError)) throw err;
        }
      }
    }
    await this.poll();
  }

  /** Reads every enabled registration state; a refused read is skipped, timeouts propagate. */
  async poll(): Promise<void> {
    this.counters.polls++;
    for (const command of this.enabled) {
      let lines: readonly string[];
      try {
        lines = (await this.options.engine.send(`AT${command}?`)).lines;
      } catch (err) {
        this.counters.pollErrors++;
        if (err instanceof AtCommandError) continue;
        throw err;
      }
      for (const line of lines) {
        if (!line.toUpperCase().startsWith(command)) continue;
        this.take(line, 'read', 'poll');
      }
    }
  }

  private onUrc(line: UrcLine): void {
    if (!REG_NAMES.has(line.name.toUpperCase())) return;
    this.take(line.text, 'urc', 'urc');
  }

  private take(text: string, form: 'urc' | 'read', via: 'urc' | 'poll'): void {
    let reg: Registration;
    try {
      reg = parseCreg(text, form);
    } catch (err) {
      if (!isDecodeError(err)) throw err;
      this.counters.badReports++;
      this.log.debug({ line: text, err: err.message }, 'unusable registration report');
      return;
    }
    this.counters.reports++;
    this.latest.set(reg.command, reg);
    this.emit('registration', reg);
    const covered = [...this.latest.values()].some((r) => r.registered);
    if (covered === this.covered) return;
    const previous = this.covered;
    this.covered = covered;
    if (previous !== null) {
      if (covered) this.counters.regained++;
      else this.counters.lost++;
    }
    this.log.info({ covered, previous, stat: reg.statName, command: reg.command, via }, covered ? 'network coverage' : 'no network coverage');
    this.emit('coverage', { covered, previous, registration: reg, via });
  }
}
