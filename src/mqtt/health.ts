/**
 * The periodic `health` topic: process uptime, memory, event-loop lag (perf_hooks histogram, reset each
 * period, so the figures describe the last period) and the counters the daemon hands in.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { MqttCounters, MqttPublisher } from './publisher.js';

export interface HealthPayload {
  uptimeS: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  /** Event-loop delay over the last period, in ms. */
  eventLoopLagMs: { mean: number; p99: number; max: number };
  counters: { mqtt: MqttCounters } & Record<string, unknown>;
}

export interface HealthReporterOptions {
  publisher: MqttPublisher;
  logger: Logger;
  /** mqtt.healthIntervalMs of the board config. */
  intervalMs: number;
  /** The daemon's counters (registrations, rejected triggers …), read at each publish. */
  counters?: () => Record<string, unknown>;
}

const NS_PER_MS = 1e6;
const ms = (ns: number) => (Number.isFinite(ns) ? Math.round((ns / NS_PER_MS) * 100) / 100 : 0);

export class HealthReporter {
  readonly #o: HealthReporterOptions;
  readonly #lag: IntervalHistogram;
  #timer: NodeJS.Timeout | undefined;

  constructor(opts: HealthReporterOptions) {
    this.#o = opts;
    this.#lag = monitorEventLoopDelay({ resolution: 10 });
  }

  /** Publishes now and then every intervalMs (the timer does not keep the process alive). */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#lag.enable();
    this.publishNow();
    this.#timer = setInterval(() => this.publishNow(), this.#o.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#lag.disable();
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
      eventLoopLagMs: { mean: ms(this.#lag.mean), p99: ms(this.#lag.percentile(99)), max: ms(this.#lag.max) },
      counters: { ...extra, mqtt: { ...this.#o.publisher.counters } },
    };
  }

  publishNow(): void {
    const payload = this.snapshot();
    this.#lag.reset();
    try {
      this.#o.publisher.publishState('health', payload as unknown as Record<string, unknown>);
    } catch (e) {
      this.#o.logger.debug({ err: (e as Error).message }, 'health not published');
    }
  }
}
