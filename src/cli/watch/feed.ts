// The watcher's MQTT subscription. Unlike bcastctl's one-shot session it outlives broker outages: the first
// connection must succeed (a wrong URL is an error, at once), later drops are reported and retried, and the
// broker re-sends the retained state after each reconnect.
import { UnreachableError } from '../io.js';
import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { connectBroker } from '../../mqtt/broker-connection.js';
import type { TopicMessage } from '../daemon/mqtt-session.js';
import { parseTopic } from './model.js';

export type LinkState = 'connected' | 'reconnecting';

export interface FeedOptions {
  url: string;
  /** TLS and login (see src/cli/daemon/broker-options.ts). */
  connectOptions?: Record<string, unknown>;
  topicPrefix: string;
  filters: string[];
  /** Messages of other devices (a prefix subscribes to all of them) are dropped here. */
  accept: (m: TopicMessage) => boolean;
  connectTimeoutMs?: number;
  reconnectMs?: number;
}

export interface FeedHandlers {
  message(m: TopicMessage): void;
  link?(state: LinkState, at: number): void;
}

export class WatchFeed {
  private closing = false;

  private constructor(private readonly client: MqttClient) {}

  /** Connects and subscribes; rejects when the broker cannot be reached at first. */
  static async open(o: FeedOptions, h: FeedHandlers): Promise<WatchFeed> {
    const timeoutMs = o.connectTimeoutMs ?? 5000;
    // MQTT 3.1.1: subscribing needs nothing of 5, and every broker bcastd runs with (aedes too) speaks it.
    const client = await connectBroker(o.url, { ...o.connectOptions, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: timeoutMs, clientId: `bcastctl-watch-${randomBytes(4).toString('hex')}` });
    const ok = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), timeoutMs);
      client.once('connect', () => (clearTimeout(t), resolve(true)));
      client.once('close', () => (clearTimeout(t), resolve(false)));
    });
    if (!ok) {
      client.end(true);
      throw new UnreachableError(`cannot reach the MQTT broker at ${o.url} within ${timeoutMs} ms`);
    }
    client.options.reconnectPeriod = o.reconnectMs ?? 1000;
    let connected = true;
    let feed: WatchFeed | undefined;
    client.on('connect', () => {
      connected = true;
      h.link?.('connected', Date.now());
    });
    client.on('close', () => {
      if (!connected || feed?.closing) return;
      connected = false;
      h.link?.('reconnecting', Date.now());
    });
    client.on('error', () => undefined); // reported as a close; the reconnect timer does the rest
    client.on('message', (topic, payload, packet) => {
      const m = parseTopic(o.topicPrefix, topic, payload, packet.retain === true);
      if (m && o.accept(m)) h.message(m);
    });
    feed = new WatchFeed(client);
    try {
      await client.subscribeAsync(o.filters, { qos: 1 });
    } catch (e) {
      await feed.close();
      throw e;
    }
    return feed;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.client.endAsync(true);
  }
}
