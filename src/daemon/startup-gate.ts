// When bcastd counts as started for systemd (READY=1): the MQTT broker connected (every later step is visible to
// field testers) and the modem's AT port open (the tty exists and is ours). Not the card, the PDP context, the BSF
// or the BSM: those come and go with coverage and the operator, and the terminal reports them as phases
// (STATUS=degraded: …) while the daemon stays up. Waiting on them made every outage a failed start and a restart.
//
// Both waits are events, not polls. Each has a timeout that only reports (log line + STATUS=starting: …), doubling
// from firstReportMs up to maxReportMs: the hard limit is the unit's TimeoutStartSec, which restarts a daemon
// whose broker or modem port never comes.
import type { Logger } from 'pino';
import type { LinkState } from '../modem/index.js';

/** Link states in which the AT port has been opened (opening → initialising is the open succeeding). */
const PORT_OPEN: ReadonlySet<LinkState> = new Set<LinkState>(['initialising', 'ready', 'probing']);

export interface StartupMqttView {
  readonly url: string;
  /** Resolves once connected; rejects after timeoutMs (the connection keeps trying). */
  waitConnected(timeoutMs: number): Promise<void>;
}

export interface StartupModemView {
  readonly state: LinkState;
  on(event: 'link', listener: (t: { state: LinkState }) => void): unknown;
  off(event: 'link', listener: (t: { state: LinkState }) => void): unknown;
}

export interface GateTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export interface StartupGateOptions {
  readonly mqtt: StartupMqttView;
  readonly modem: StartupModemView;
  /** The port the modem opens (for the report). */
  readonly modemPort: string;
  readonly logger: Logger;
  /** Told what start-up still waits for (a STATUS= line). */
  readonly onWaiting?: (what: string) => void;
  readonly firstReportMs?: number;
  readonly maxReportMs?: number;
  readonly timers?: GateTimers;
}

const realTimers: GateTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  now: () => performance.now(),
};

export class StartupGate {
  readonly #o: StartupGateOptions;
  readonly #timers: GateTimers;
  readonly #startedAt: number;
  #cancelled = false;
  readonly #cancelHooks = new Set<() => void>();
  readonly #cancelledP = new Promise<false>((resolve) => this.#cancelHooks.add(() => resolve(false)));

  constructor(o: StartupGateOptions) {
    this.#o = o;
    this.#timers = o.timers ?? realTimers;
    this.#startedAt = this.#timers.now();
  }

  /** Resolves true once MQTT is connected and the modem port open; false when cancelled first. */
  async wait(): Promise<boolean> {
    const [mqtt, port] = await Promise.all([this.#untilMqtt(), this.#untilPortOpen()]);
    if (!mqtt || !port || this.#cancelled) return false;
    this.#o.logger.info({ afterMs: Math.round(this.#timers.now() - this.#startedAt) }, 'started: MQTT connected and the modem port open');
    return true;
  }

  /** Shutdown before start-up finished: the waits end (false) and report nothing more. */
  cancel(): void {
    this.#cancelled = true;
    for (const hook of [...this.#cancelHooks]) hook();
  }

  #report(what: string): void {
    const afterS = Math.round((this.#timers.now() - this.#startedAt) / 1000);
    this.#o.logger.warn({ waitingFor: what, afterS }, `not started after ${afterS} s: READY=1 waits for ${what}`);
    this.#o.onWaiting?.(`starting: waiting for ${what}`);
  }

  #nextReport(previous: number | null): number {
    const first = this.#o.firstReportMs ?? 30_000;
    return previous === null ? first : Math.min(previous * 2, this.#o.maxReportMs ?? 300_000);
  }

  async #untilMqtt(): Promise<boolean> {
    for (let wait = this.#nextReport(null); !this.#cancelled; wait = this.#nextReport(wait)) {
      try {
        // The connection's own wait is not cancellable: race it against shutdown.
        if (await Promise.race([this.#o.mqtt.waitConnected(wait).then(() => true), this.#cancelledP])) return true;
      } catch {
        if (!this.#cancelled) this.#report(`the MQTT broker ${this.#o.mqtt.url}`);
      }
    }
    return false;
  }

  #untilPortOpen(): Promise<boolean> {
    const modem = this.#o.modem;
    if (PORT_OPEN.has(modem.state)) return Promise.resolve(true);
    return new Promise((resolve) => {
      let wait: number | null = null;
      let timer: unknown = null;
      const done = (result: boolean) => {
        modem.off('link', onLink);
        if (timer !== null) this.#timers.clearTimeout(timer);
        this.#cancelHooks.delete(onCancel);
        resolve(result);
      };
      const onLink = (t: { state: LinkState }) => {
        if (PORT_OPEN.has(t.state)) done(true);
      };
      const onCancel = () => done(false);
      const arm = () => {
        wait = this.#nextReport(wait);
        timer = this.#timers.setTimeout(() => {
          this.#report(`the modem port ${this.#o.modemPort} (link ${modem.state})`);
          arm();
        }, wait);
      };
      modem.on('link', onLink);
      this.#cancelHooks.add(onCancel);
      arm();
    });
  }
}
