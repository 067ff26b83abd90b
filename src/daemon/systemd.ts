// systemd integration (sd_notify(3) protocol, Type=notify + WatchdogSec): READY=1 once the daemon is started
// (startupComplete: MQTT connected and the modem's AT port open, see startup-gate.ts) — not once the terminal is
// registered: a BSM or coverage outage is a degraded daemon, not a failed start, and systemd would otherwise
// restart it every TimeoutStartSec. STATUS=<phase>[: reason] on every phase change (degraded reasons included),
// WATCHDOG=1 every WATCHDOG_USEC/2 while the health check passes, STOPPING=1 when shutdown starts. Nothing at
// all without $NOTIFY_SOCKET.
//
// Health check (all must hold for a WATCHDOG=1):
//   - event loop not blocked: the longest loop delay since the previous tick is below half the ping
//     interval (WATCHDOG_USEC/4); a loop blocked longer than WATCHDOG_USEC sends nothing anyway.
//   - modem link not stuck, where stuck means either
//       a) the link state has not been `ready` for longer than WATCHDOG_USEC (bring-up, probing, reopening,
//          resetting, backoff: the recovery ladder is not getting anywhere), or
//       b) MAX_SILENT_TIMEOUTS (2) AT commands in a row timed out with no answer from the modem in between.
//     An idle modem is not evidence of a live one: while the link is `ready` and nothing was answered for
//     a ping interval, the watchdog sends `AT` itself (timeout: the ping interval), so a silent modem
//     turns into timeouts within two intervals. Only while watchdog pings are wanted (WATCHDOG_USEC set).
import type { Logger } from 'pino';
import type { LinkState } from '../modem/index.js';
import type { TerminalPhase } from '../terminal/terminal.js';

export const MAX_SILENT_TIMEOUTS = 2;

export interface SystemdEnv {
  readonly notifySocket: string;
  /** WATCHDOG_USEC in ms, when the watchdog is meant for this process; null otherwise. */
  readonly watchdogMs: number | null;
}

/** $NOTIFY_SOCKET / $WATCHDOG_USEC / $WATCHDOG_PID as systemd sets them; null when not run under systemd. */
export function systemdEnv(env: NodeJS.ProcessEnv = process.env, pid: number = process.pid): SystemdEnv | null {
  const notifySocket = env['NOTIFY_SOCKET'];
  if (!notifySocket) return null;
  const usec = Number(env['WATCHDOG_USEC']);
  const forPid = env['WATCHDOG_PID'];
  // WATCHDOG_PID, when set, names the process that must ping (not a forked helper).
  const mine = forPid === undefined || forPid === '' || Number(forPid) === pid;
  const watchdogMs = Number.isSafeInteger(usec) && usec > 0 && mine ? usec / 1000 : null;
  return { notifySocket, watchdogMs };
}

/** The modem as the health check sees it (Modem). */
export interface ModemHealthView {
  readonly state: LinkState;
  stats(): { engine: { ok: number; failed: number; timeouts: number } };
  command(command: string, options: { timeoutMs: number }): Promise<unknown>;
}

/** The terminal's phase events (Terminal). */
export interface PhaseSource {
  readonly phase: TerminalPhase;
  on(event: 'phase', listener: (phase: TerminalPhase, reason: string | null) => void): unknown;
  off(event: 'phase', listener: (phase: TerminalPhase, reason: string | null) => void): unknown;
}

export interface Clock {
  now(): number;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const realClock: Clock = {
  now: () => performance.now(),
  setInterval: (fn, ms) => setInterval(fn, ms).unref(),
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

/**
 * Event-loop delay in ms, sampled once per watchdog tick. By default: how late this tick fired after the
 * previous one — the loop blocked at least that long, measured with no timer of its own (an idle daemon
 * wakes up for the ping and nothing else).
 */
export type LoopDelayProbe = () => number;

export interface SystemdNotifierOptions {
  readonly env: SystemdEnv;
  readonly send: (message: string) => void;
  readonly modem: ModemHealthView;
  readonly terminal: PhaseSource;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly loopDelay?: LoopDelayProbe;
}

export interface HealthVerdict {
  readonly ok: boolean;
  readonly reason: string | null;
}

export class SystemdNotifier {
  readonly counts = { ready: 0, status: 0, watchdog: 0, withheld: 0, probes: 0, sendErrors: 0 };
  readonly #o: SystemdNotifierOptions;
  readonly #clock: Clock;
  readonly #loopDelay: LoopDelayProbe;
  #lastTickAt: number | null = null;
  readonly #onPhase = (phase: TerminalPhase, reason: string | null) => this.#phase(phase, reason);
  #timer: unknown = null;
  #ready = false;
  #phaseReason: string | null = null;
  #stopping = false;
  #notReadySince: number | null;
  #lastAnswered: number;
  #answers: number;
  #timeouts: number;
  #silentTimeouts = 0;
  #probing = false;
  #lastVerdict: HealthVerdict = { ok: true, reason: null };

  constructor(o: SystemdNotifierOptions) {
    this.#o = o;
    this.#clock = o.clock ?? realClock;
    this.#loopDelay = o.loopDelay ?? (() => this.#tickLateness());
    const now = this.#clock.now();
    this.#notReadySince = o.modem.state === 'ready' ? null : now;
    this.#lastAnswered = now;
    const e = o.modem.stats().engine;
    this.#answers = e.ok + e.failed;
    this.#timeouts = e.timeouts;
  }

  /** Ping interval: half of WATCHDOG_USEC, as sd_watchdog_enabled(3) recommends; null without a watchdog. */
  get intervalMs(): number | null {
    return this.#o.env.watchdogMs === null ? null : this.#o.env.watchdogMs / 2;
  }

  start(): void {
    this.#o.terminal.on('phase', this.#onPhase);
    this.#phase(this.#o.terminal.phase, null);
    const interval = this.intervalMs;
    if (interval !== null) {
      this.#lastTickAt = this.#clock.now();
      this.#timer = this.#clock.setInterval(() => this.tick(), interval);
    }
  }

  #tickLateness(): number {
    const now = this.#clock.now();
    const interval = this.intervalMs;
    const late = this.#lastTickAt === null || interval === null ? 0 : Math.max(0, now - this.#lastTickAt - interval);
    this.#lastTickAt = now;
    return late;
  }

  /** One watchdog period: judge health, ping or withhold, probe an idle modem. */
  tick(): HealthVerdict {
    const verdict = this.check();
    if (verdict.ok) {
      if (this.#send('WATCHDOG=1')) this.counts.watchdog++;
    } else {
      this.counts.withheld++;
    }
    if (verdict.ok !== this.#lastVerdict.ok || verdict.reason !== this.#lastVerdict.reason) {
      if (verdict.ok) this.#o.logger.info('watchdog: healthy again, pinging');
      else this.#o.logger.error({ reason: verdict.reason }, 'watchdog: health check failed, WATCHDOG=1 withheld');
      this.#send(verdict.ok ? this.#status(this.#o.terminal.phase, this.#phaseReason) : `STATUS=watchdog withheld: ${verdict.reason}`);
    }
    this.#lastVerdict = verdict;
    this.#maybeProbe();
    return verdict;
  }

  /** The health check on its own (samples the modem and the loop delay). */
  check(): HealthVerdict {
    const now = this.#clock.now();
    const watchdogMs = this.#o.env.watchdogMs ?? Infinity;
    const loopMs = this.#loopDelay();
    const state = this.#o.modem.state;
    if (state === 'ready') this.#notReadySince = null;
    else this.#notReadySince ??= now;
    const e = this.#o.modem.stats().engine;
    const answers = e.ok + e.failed;
    if (answers > this.#answers) {
      this.#silentTimeouts = 0;
      this.#lastAnswered = now;
    }
    this.#silentTimeouts += e.timeouts - this.#timeouts;
    this.#answers = answers;
    this.#timeouts = e.timeouts;

    if (loopMs > watchdogMs / 4) return { ok: false, reason: `event loop blocked for ${Math.round(loopMs)} ms` };
    if (this.#notReadySince !== null && now - this.#notReadySince > watchdogMs) {
      return { ok: false, reason: `modem link ${state} for ${Math.round(now - this.#notReadySince)} ms` };
    }
    if (this.#silentTimeouts >= MAX_SILENT_TIMEOUTS) return { ok: false, reason: `modem silent: ${this.#silentTimeouts} AT timeouts in a row` };
    return { ok: true, reason: null };
  }

  #maybeProbe(): void {
    const interval = this.intervalMs;
    if (interval === null || this.#probing || this.#stopping || this.#o.modem.state !== 'ready') return;
    if (this.#clock.now() - this.#lastAnswered < interval) return;
    this.#probing = true;
    this.counts.probes++;
    void this.#o.modem
      .command('AT', { timeoutMs: interval })
      .catch(() => {}) // a timeout is counted by the engine and judged at the next tick
      .finally(() => (this.#probing = false));
  }

  #phase(phase: TerminalPhase, reason: string | null): void {
    if (this.#stopping) return;
    this.#phaseReason = reason;
    if (this.#send(this.#status(phase, reason))) this.counts.status++;
  }

  #status(phase: TerminalPhase, reason: string | null): string {
    return `STATUS=${phase}${reason ? `: ${reason}` : ''}`;
  }

  /** Start-up is over (MQTT and the modem port open): READY=1 with the current phase, once. */
  startupComplete(): void {
    if (this.#ready || this.#stopping) return;
    this.#ready = true;
    if (this.#send(`READY=1\n${this.#status(this.#o.terminal.phase, this.#phaseReason)}`)) this.counts.ready++;
  }

  /** A line for `systemctl status` that is not a phase (what start-up still waits for). */
  status(text: string): void {
    if (this.#stopping) return;
    if (this.#send(`STATUS=${text}`)) this.counts.status++;
  }

  /** Shutdown began: STOPPING=1, and no more pings. */
  stopping(reason: string): void {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#halt();
    this.#send(`STOPPING=1\nSTATUS=stopping: ${reason}`);
  }

  close(): void {
    this.#halt();
  }

  #halt(): void {
    this.#o.terminal.off('phase', this.#onPhase);
    if (this.#timer !== null) this.#clock.clearInterval(this.#timer);
    this.#timer = null;
  }

  #send(message: string): boolean {
    try {
      this.#o.send(message);
      return true;
    } catch (err) {
      // systemd gone or its queue full: log the first few, keep running (a missed ping is the watchdog's call)
      if (++this.counts.sendErrors <= 3) this.#o.logger.warn({ err: (err as Error).message, message: message.split('\n')[0] }, 'sd_notify failed');
      return false;
    }
  }
}
