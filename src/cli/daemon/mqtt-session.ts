// A short-lived MQTT 5 client for bcastctl: read retained topics, follow live ones, send commands and wait for
// the answer on a response topic with correlation data.
import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { connectBroker } from '../../mqtt/broker-connection.js';
import type { DaemonLocation } from './locate.js';
import { brokerConnectOptions, connectFailureText } from './broker-options.js';
import { UnreachableError } from '../io.js';

export interface TopicMessage {
  topic: string;
  /** The part after `<prefix>/<device>/`. */
  name: string;
  device: string;
  payload: Record<string, unknown> | null;
  retained: boolean;
}

export class MqttSession {
  private constructor(
    private readonly client: MqttClient,
    readonly where: DaemonLocation,
    /** 5, or 4 on a 3.1.1-only broker (the embedded aedes): then commands carry a `transaction` id. */
    readonly protocolVersion: 4 | 5,
  ) {}

  /** Connects with MQTT 5, falling back to 3.1.1 when the broker refuses version 5. */
  static async connect(where: DaemonLocation, timeoutMs = 5000): Promise<MqttSession> {
    const extra = await brokerConnectOptions(where.mqttUrl, where.auth);
    let failure: unknown = null;
    for (const version of [5, 4] as const) {
      const client = await connectBroker(where.mqttUrl, { ...extra, protocolVersion: version, reconnectPeriod: 0, connectTimeout: timeoutMs, clientId: `bcastctl-${randomBytes(4).toString('hex')}` });
      const outcome = await new Promise<'ok' | 'refused' | 'unreachable' | 'failed'>((resolve) => {
        const t = setTimeout(() => resolve('unreachable'), timeoutMs);
        client.once('connect', () => (clearTimeout(t), resolve('ok')));
        client.once('error', (e: Error & { code?: number | string }) => {
          clearTimeout(t);
          failure = e;
          // Only a protocol refusal is worth a retry with 3.1.1; TLS and auth failures are the answer.
          resolve(/protocol|version/i.test(e.message) || e.code === 1 || e.code === 132 ? 'refused' : typeof e.code === 'string' && !/ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT/.test(e.code) ? 'failed' : 'unreachable');
        });
        client.once('close', () => (clearTimeout(t), resolve(version === 5 ? 'refused' : 'unreachable')));
      });
      if (outcome === 'ok') return new MqttSession(client, where, version);
      client.end(true);
      if (outcome === 'failed') throw new Error(`cannot connect to the MQTT broker at ${where.mqttUrl}: ${connectFailureText(failure, where.mqttUrl, where.auth)}`);
      if (outcome === 'unreachable') break;
    }
    throw new UnreachableError(`cannot reach the MQTT broker at ${where.mqttUrl} within ${timeoutMs} ms${failure ? ` (${connectFailureText(failure, where.mqttUrl, where.auth)})` : ''}`);
  }

  private parse(topic: string, payload: Buffer, retained: boolean): TopicMessage | null {
    const base = `${this.where.topicPrefix}/`;
    if (!topic.startsWith(base)) return null;
    const rest = topic.slice(base.length);
    const slash = rest.indexOf('/');
    if (slash < 0) return null;
    let parsed: Record<string, unknown> | null = null;
    try {
      const v: unknown = payload.length ? JSON.parse(payload.toString('utf8')) : null;
      parsed = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
    } catch {
      parsed = null;
    }
    return { topic, device: rest.slice(0, slash), name: rest.slice(slash + 1), payload: parsed, retained };
  }

  /** Every message under the device(s), retained ones first; returns an unsubscribe function. */
  follow(onMessage: (m: TopicMessage) => void): () => void {
    const filter = `${this.where.topicPrefix}/${this.where.deviceId}/#`;
    const handler = (topic: string, payload: Buffer, packet: { retain?: boolean }) => {
      const m = this.parse(topic, payload, packet.retain === true);
      if (m && !m.name.startsWith('cmd/')) onMessage(m);
    };
    this.client.on('message', handler);
    this.client.subscribe(filter, { qos: 1 });
    return () => {
      this.client.off('message', handler);
      this.client.unsubscribe(filter);
    };
  }

  /** Collects the retained state for `settleMs` (retained messages arrive right after subscribing). */
  async snapshot(settleMs = 700): Promise<TopicMessage[]> {
    const out = new Map<string, TopicMessage>();
    const stop = this.follow((m) => {
      if (m.retained) out.set(m.topic, m);
    });
    await new Promise((r) => setTimeout(r, settleMs));
    stop();
    return [...out.values()];
  }

  /** Sends `cmd/<name>` to one device and waits for its answer. */
  async command(name: string, args: Record<string, unknown>, timeoutMs = 15_000): Promise<Record<string, unknown>> {
    if (this.where.deviceId === '+') throw new Error('a command needs one device: give --device');
    const correlation = randomBytes(8);
    const transaction = correlation.toString('hex');
    const v5 = this.protocolVersion === 5;
    // MQTT 5: a private response topic + correlation data; 3.1.1: the shared response topic and our transaction id.
    const responseTopic = `${this.where.topicPrefix}/${this.where.deviceId}/cmd/${name}/response${v5 ? `/${transaction}` : ''}`;
    await this.client.subscribeAsync(responseTopic, { qos: 1 });
    try {
      return await new Promise<Record<string, unknown>>((resolve, reject) => {
        const t = setTimeout(() => {
          this.client.off('message', onMessage);
          reject(new UnreachableError(`no answer to ${name} within ${timeoutMs} ms (is bcastd running?)`));
        }, timeoutMs);
        const onMessage = (topic: string, payload: Buffer) => {
          if (topic !== responseTopic) return;
          let answer: Record<string, unknown>;
          try {
            answer = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
          } catch {
            answer = {};
          }
          if (!v5 && answer['transaction'] !== transaction) return; // someone else's answer
          clearTimeout(t);
          this.client.off('message', onMessage);
          resolve(answer);
        };
        this.client.on('message', onMessage);
        const topic = `${this.where.topicPrefix}/${this.where.deviceId}/cmd/${name}`;
        if (v5) this.client.publish(topic, JSON.stringify(args), { qos: 1, properties: { responseTopic, correlationData: correlation } });
        else this.client.publish(topic, JSON.stringify({ ...args, transaction }), { qos: 1 });
      });
    } finally {
      await this.client.unsubscribeAsync(responseTopic).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}
