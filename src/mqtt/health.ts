/**
 * The periodic `health` topic: process uptime, memory, event-loop lag over the last period (watched only
 * around real work, so an idle daemon sleeps between health messages — see util/loop-lag) and the
 * counters the daemon hands in.
 */
import type { Logger } from 'pino';
import { LoopLagMonitor, type LoopLag } from '../util/loop-lag.js';
import type { MqttCounters, MqttPublisher } from './publisher.js';

export interface HealthPayload {
  uptimeS: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  /** Event-loop delay over the last period, in ms, while there was work (zeros for an idle period). */
  eventLoopLagMs: LoopLag;
  counters: { mqtt: MqttCounters } & Record<string, unknown>;
}

export interface HealthReporterOptions {
  publisher: MqttPublisher;
  logger: Logger;
  /** mqtt.healthIntervalMs of the board config. */
  intervalMs: number;
  /** The daemon's counters (registrations, rejected triggers …), read at each publish. */
  counters?: () => Record<string, unknown>;
  /** For tests: the lag monitor. */
  lag?: LoopLagMonitor;
}

export class HealthReporter {
  readonly #o: HealthReporterOptions;
  readonly #lag: LoopLagMonitor;
  #timer: NodeJS.Timeout | undefined;
  #ownPublish = false;
  #offActivity: (() => void) | undefined;

  constructor(opts: HealthReporterOptions) {
    this.#o = opts;
    this.#lag = opts.lag ?? new LoopLagMonitor();
  }

  /** Publishes now and then every intervalMs (the timer does not keep the process alive). */
  start(): void {
    if (this.#timer !== undefined) return;
    // Every publication but our own means work: watch the loop around it.
    this.#offActivity = this.#o.publisher.onActivity(() => {
      if (!this.#ownPublish) this.#lag.activity();
    });
    this.publishNow();
    this.#timer = setInterval(() => this.publishNow(), this.#o.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#offActivity?.();
    this.#lag.stop();
  }

  snapshot(): HealthPayload {
    const mem = process.memoryUsage();
    let extra: Record<string, unknown> = {};
    try {
      extra = this.#o.counters?.() ?? {};
    } catch (e) {
      this.#o.logger.warn({ err: (e as Error).message }, 'health counters callback failed');
    }
    return {
      uptimeS: Math.round(process.uptime()),
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      heapTotalBytes: mem.heapTotal,
      eventLoopLagMs: this.#lag.current(),
      counters: { ...extra, mqtt: { ...this.#o.publisher.counters } },
    };
  }

  publishNow(): void {
    const payload = this.snapshot();
    this.#lag.reset();
    this.#ownPublish = true;
    try {
      this.#o.publisher.publishState('health', payload as unknown as Record<string, unknown>);
    } catch (e) {
      this.#o.logger.debug({ err: (e as Error).message }, 'health not published');
    } finally {
      this.#ownPublish = false;
    }
  }
}
