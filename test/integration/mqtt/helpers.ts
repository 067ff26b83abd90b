// Shared pieces of the MQTT adapter tests: a capturing pino logger, a raw observer client that keeps
// the wire bytes, a bounded waitFor, and a board-like MqttConfig.
import { PassThrough } from 'node:stream';
import mqtt, { type MqttClient } from 'mqtt';
import pino, { type Logger } from 'pino';
import { after, afterEach, before } from 'node:test';
import type { MqttConfig } from '../../../src/daemon/config/index.js';
import type { MqttPublisher } from '../../../src/mqtt/publisher.js';
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js';

/** Any unhandled rejection fails the test run (the adapter must never leak one). */
export function failOnUnhandledRejection(): void {
  process.on('unhandledRejection', (e) => {
    throw e;
  });
}

export function captureLogger(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  const logger = pino({ level: 'debug' }, stream);
  return { logger, lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

export function mqttConfig(url: string, over: Partial<MqttConfig> = {}): MqttConfig {
  return { url, clientId: `bcastd-test-${process.pid}-${Math.random().toString(16).slice(2, 8)}`, topicPrefix: 'bcastd/v1', healthIntervalMs: 1000, protocolVersion: 5, ...over };
}

export interface Received {
  topic: string;
  payload: Buffer;
  retain: boolean;
  packet: mqtt.IPublishPacket;
}

/** A separate client (as a field tester's MQTT Explorer would be) recording everything it gets. */
export async function observer(url: string, filter: string, protocolVersion: 4 | 5 = 5): Promise<{ client: MqttClient; got: Received[]; close: () => Promise<void> }> {
  const client = await mqtt.connectAsync(url, { protocolVersion, reconnectPeriod: 200, clientId: `obs-${Math.random().toString(16).slice(2, 10)}` });
  const got: Received[] = [];
  client.on('message', (topic, payload, packet) => got.push({ topic, payload, retain: packet.retain, packet }));
  await client.subscribeAsync(filter, { qos: 1 });
  return { client, got, close: () => client.endAsync(true) };
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const json = (b: Buffer): Record<string, unknown> => JSON.parse(b.toString('utf8')) as Record<string, unknown>;

/** A TCP pass-through to the broker whose connections the test can cut, like a network failure. */
export async function tcpProxy(targetPort: number): Promise<{ url: string; cut: () => void; close: () => Promise<void> }> {
  const { createServer, connect } = await import('node:net');
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((inbound) => {
    const outbound = connect({ host: '127.0.0.1', port: targetPort });
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (typeof addr !== 'object' || addr === null) throw new Error('proxy has no port');
  return {
    url: `mqtt://127.0.0.1:${addr.port}`,
    cut: () => {
      for (const s of sockets) s.destroy();
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * One real mosquitto for a whole test file, and the publishers its tests opened: a failed assertion would leave
 * them reconnecting (and the file running), so every one is closed after each test.
 */
export function mosquittoPerFile(): { readonly broker: Mosquitto; readonly opened: MqttPublisher[] } {
  let broker: Mosquitto | undefined;
  const opened: MqttPublisher[] = [];
  before(async () => {
    broker = await startMosquitto();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((p) => p.close()));
  });
  after(async () => {
    await broker?.close();
  });
  return {
    get broker(): Mosquitto {
      if (!broker) throw new Error('mosquitto is not started yet (use it inside a test)');
      return broker;
    },
    opened,
  };
}
