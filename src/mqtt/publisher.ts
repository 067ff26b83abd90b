/**
 * The daemon's MQTT connection (npm mqtt). zigbee2mqtt style: a retained `status` with LWT `lost`, the
 * last payload of every retained topic kept and republished on each (re)connect (so a broker restart or a
 * fresh broker loses nothing), events queued (bounded) while offline. Every payload passes sanitize()
 * first. Reconnects are ours (capped exponential backoff with jitter), not mqtt.js's fixed period.
 * A failing connection is logged once per distinct cause, in field terms (see connect-errors.ts), with the
 * repeat count kept in the counters (and so in `health`) rather than a line per attempt.
 */
import { readFile } from 'node:fs/promises';
import { storeReplay } from './mqttjs-store-replay.js';
import type { IClientOptions, IClientPublishOptions, IPublishPacket, MqttClient } from 'mqtt';
import { connectBroker } from './broker-connection.js';
import type { Logger } from 'pino';
import { describeConnectFailure, isTlsUrl, type ConnectFailure, type ConnectFailureKind } from './connect-errors.js';
import { MqttError } from './errors.js';
import type { MqttSettings } from './options.js';
import { hexInto } from '../crypto/index.js';
import { Backoff } from '../util/backoff.js';
import { sanitize } from './sanitize.js';
import { clientCertCn, loadTlsOptions, type TlsConnectOptions } from './tls.js';
import { LogLimiter } from '../util/log-limiter.js';
import { DEFAULT_TOPIC_PREFIX, DeviceTopics, LWT_PAYLOAD, type StateTopicName, type Topic } from './topics.js';

export interface MqttPublisherOptions {
  config: MqttSettings;
  deviceId: string;
  logger: Logger;
  /** Broker URL overriding config.url (e.g. the local broker the sim board started). */
  url?: string;
  /** Login overriding config.username/passwordFile (the `bcastd` account of the local broker). */
  login?: { username: string; password: string };
  /** Events and responses held while disconnected; the oldest are dropped beyond it. */
  queueLimit?: number;
  /** Reconnect delay: doubles from minMs up to maxMs, each with up to 50 % jitter off. */
  backoff?: { minMs?: number; maxMs?: number };
  connectTimeoutMs?: number;
  keepaliveSec?: number;
  /** The opt-in player exchange (terminal.playerExchange.enabled): `tek` may pass on the player topic. */
  playerExchange?: boolean;
  /** MNC length of the home network, for masking IMSIs (see sanitize). */
  mncLength?: 2 | 3;
}

export interface MqttCounters {
  /** Messages the broker acknowledged (QoS 1). */
  published: number;
  /** Messages lost: queue overflow or a failed publish. */
  dropped: number;
  /** Successful connections after the first. */
  reconnects: number;
  /** Payloads that had fields removed by the sanitizer. */
  sanitized: number;
  /** Connection attempts that failed (TLS handshake, CONNACK refusal, socket error) since start. */
  connectFailures: number;
  /** Inbound messages refused (bad shape, too large, over a rate limit, or a handler that threw). */
  inputRefused: number;
  /** The latest distinct connect failure (kept after a later success, as history); absent if none yet. */
  lastConnectError?: ConnectErrorState;
}

/** One distinct connect failure and how often it repeated back to back. */
export interface ConnectErrorState {
  kind: ConnectFailureKind;
  /** What went wrong, naming the config option to check (connect-errors.ts). */
  message: string;
  code?: string | number;
  /** Consecutive attempts that failed this way. */
  count: number;
  /** ISO times of the first and the latest of them. */
  since: string;
  last: string;
}

export type JsonObject = Record<string, unknown>;
export type MessageHandler = (topic: string, payload: Buffer, packet: IPublishPacket) => void;

interface Outgoing {
  topic: string;
  body: Buffer;
  retain: boolean;
  /** Default 1. Events go at 0: telemetry a live watcher sees or not, as zigbee2mqtt sends its own. */
  qos?: 0 | 1;
  properties?: IClientPublishOptions['properties'];
}

export class MqttPublisher {
  readonly topics: DeviceTopics;
  readonly url: string;
  readonly #o: MqttPublisherOptions;
  readonly #log: Logger;
  readonly #retained = new Map<string, Buffer>();
  /** Per retained topic, its last content without `ts`: an unchanged state is not published again. */
  readonly #retainedContent = new Map<string, string>();
  readonly #queue: Outgoing[] = [];
  readonly #subs = new Map<string, MessageHandler>();
  readonly #activity = new Set<() => void>();
  readonly #counters: MqttCounters = { published: 0, dropped: 0, reconnects: 0, sanitized: 0, connectFailures: 0, inputRefused: 0 };
  /** One warn line per source and reason per interval for refused input. */
  readonly #refusals = new LogLimiter();
  #client: MqttClient | undefined;
  #connected = false;
  #everConnected = false;
  #closing = false;
  readonly #backoff: Backoff;
  #timer: NodeJS.Timeout | undefined;
  #lastError: string | undefined;
  /** The failure of the current outage (undefined once connected). */
  #failure: ConnectErrorState | undefined;
  /** The current attempt already reported its failure (an error precedes the close). */
  #attemptFailed = false;
  #tls: TlsConnectOptions | undefined;
  /** Topics the broker's ACL refused (warned about once each; bounded, reply topics are the requester's). */
  readonly #deniedTopics = new Set<string>();
  readonly #connectWaiters = new Set<() => void>();
  /** The socket held corked until the end of this event-loop turn (see #coalesce); undefined when none is. */
  #corked: MqttClient['stream'] | undefined;
  /** QoS 0 packets of this turn, written to the corked socket as one chunk when the turn ends (see #writeQos0). */
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Per topic, what follows a QoS 0 PUBLISH's remaining length up to the payload (see #writeQos0); bounded. */
  readonly #qos0Heads = new Map<string, Buffer>();
  #protocolVersion: 3 | 4 | 5 = 5;

  constructor(opts: MqttPublisherOptions) {
    const url = opts.url ?? opts.config.url;
    if (url === undefined) throw new MqttError('config_invalid', 'no MQTT broker URL: set mqtt.url or start the local broker');
    this.url = url;
    this.#o = opts;
    this.#log = opts.logger;
    this.topics = new DeviceTopics(opts.config.topicPrefix ?? DEFAULT_TOPIC_PREFIX, opts.deviceId);
    const minMs = opts.backoff?.minMs ?? 500;
    this.#backoff = new Backoff({ baseMs: minMs, maxMs: Math.max(minMs, opts.backoff?.maxMs ?? 30_000), jitter: 0.5 });
  }

  get connected(): boolean {
    return this.#connected;
  }

  get counters(): Readonly<MqttCounters> {
    const last = this.#counters.lastConnectError;
    return { ...this.#counters, ...(last !== undefined ? { lastConnectError: { ...last } } : {}) };
  }

  /** Events/responses waiting for a connection. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Reads the password and TLS files (typed errors, see tls.ts), then connects in the background; never waits for the broker. */
  async start(): Promise<void> {
    if (this.#client !== undefined) return;
    const c = this.#o.config;
    let password: string | undefined = this.#o.login?.password;
    if (password === undefined && c.passwordFile !== undefined) {
      try {
        password = (await readFile(c.passwordFile)).toString('utf8').replace(/\r?\n$/, '');
      } catch (e) {
        throw new MqttError('config_invalid', `cannot read MQTT password file ${c.passwordFile}: ${(e as Error).message}`, { cause: e });
      }
    }
    const tls = await loadTlsOptions(c.tls, this.#log);
    // mqtt.js would quietly switch mqtt:// to mqtts:// when given a cert and key: TLS only when the URL says so.
    if (tls !== undefined && !isTlsUrl(this.url)) this.#log.warn({ url: this.url }, `mqtt.tls is ignored: ${this.url} is not an mqtts:// or wss:// URL`);
    this.#tls = isTlsUrl(this.url) ? tls : undefined;
    const cn = clientCertCn(this.#tls);
    if (cn !== undefined && cn !== this.#o.deviceId) {
      this.#log.warn({ cn, deviceId: this.#o.deviceId }, `client certificate CN ${cn} is not the device id ${this.#o.deviceId}: a broker with per-device ACLs (use_identity_as_username) will refuse our topics`);
    }
    const options: IClientOptions = {
      clientId: c.clientId ?? `bcastd-${this.#o.deviceId}`,
      protocolVersion: c.protocolVersion ?? 5,
      clean: true,
      keepalive: this.#o.keepaliveSec ?? 30,
      // A PINGREQ every keepalive interval, busy or not: re-arming its timer on every packet cost more CPU per
      // trigger than the publishes themselves.
      reschedulePings: false,
      // No table of 65,536 pre-built packet-id buffers (mqtt-packet's number cache: ~6 MB of heap for a client
      // that publishes a few messages a second).
      writeCache: false,
      connectTimeout: this.#o.connectTimeoutMs ?? 10_000,
      reconnectPeriod: 0, // ours: see #scheduleReconnect
      resubscribe: false, // ours: see #onConnect
      queueQoSZero: false,
      will: { topic: this.topics.state('status').full, payload: Buffer.from(LWT_PAYLOAD), qos: 1, retain: true },
      ...(this.#o.login !== undefined ? { username: this.#o.login.username } : c.username !== undefined ? { username: c.username } : {}),
      ...(password !== undefined ? { password } : {}),
      ...(this.#tls ?? {}),
    };
    if (this.#tls !== undefined) this.#log.info({ url: this.url, ...(cn !== undefined ? { cn } : {}), ca: c.tls?.ca ?? 'system', servername: this.#tls.servername }, 'mqtt TLS configured');
    this.#protocolVersion = options.protocolVersion as 3 | 4 | 5;
    const client = await connectBroker(this.url, options);
    this.#client = client;
    if (storeReplay(client) === 'unknown') this.#log.warn('this mqtt.js does not show when it replays its store: events go through mqtt.js (slower)');
    client.on('connect', () => this.#onConnect());
    client.on('close', () => this.#onClose());
    client.on('error', (e) => this.#onError(e));
    client.on('message', (topic, payload, packet) => this.#onMessage(topic, payload, packet));
  }

  /** Resolves once connected; rejects after timeoutMs (the connection keeps trying). */
  waitConnected(timeoutMs: number): Promise<void> {
    if (this.#connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(t);
        this.#connectWaiters.delete(done);
        resolve();
      };
      const t = setTimeout(() => {
        this.#connectWaiters.delete(done);
        const why = [this.#failure?.message, this.#lastError].filter((x) => x !== undefined);
        reject(new MqttError('closed', `not connected to ${this.url} within ${timeoutMs} ms${why.length > 0 ? ` (${why.join('; ')})` : ''}`));
      }, timeoutMs);
      this.#connectWaiters.add(done);
    });
  }

  /** Retained state: kept and republished on every reconnect. `ts` is added when absent. */
  publishState(topic: Topic | StateTopicName, payload: JsonObject): void {
    const t = typeof topic === 'string' ? this.topics.state(topic) : topic;
    if (!t.spec.retained) throw new MqttError('not_retained', `${t.path} is not a retained topic; use publishEvent`);
    const { content, body } = this.#encodeParts(t.full, payload, false);
    // The broker (and #retained, for reconnects) already holds this state; only its time would change.
    if (this.#retainedContent.get(t.full) === content && this.#retained.has(t.full)) return;
    this.#retainedContent.set(t.full, content);
    this.#retained.set(t.full, body);
    this.#send({ topic: t.full, body, retain: true });
  }

  /** Removes a retained topic (e.g. a key group gone): empty retained payload, no longer republished. */
  clearState(topic: Topic): void {
    if (!topic.spec.retained) throw new MqttError('not_retained', `${topic.path} is not a retained topic`);
    this.#retained.delete(topic.full);
    this.#retainedContent.delete(topic.full);
    this.#send({ topic: topic.full, body: Buffer.alloc(0), retain: true });
  }

  /** A timestamped event on `events` (not retained); queued while offline. */
  publishEvent(event: JsonObject): void {
    const t = this.topics.topic('events');
    this.#send({ topic: t.full, body: this.#encode(t.full, event, false), retain: false, qos: 0 });
  }

  /** The retained `status`: { state, reason?, ts }. */
  setStatus(state: string, reason?: string): void {
    this.publishState('status', reason === undefined ? { state } : { state, reason });
  }

  /**
   * The player exchange (only when enabled): the one place a TEK may be published, on `player/tek` or a response
   * topic below it (only the player role reads there). Key bytes are spliced into the JSON as hex ASCII straight
   * from their Buffers, never as JS strings; the payload is zeroed once sent, and never queued while offline.
   */
  publishPlayer(topic: string, payload: JsonObject, keys: Readonly<Record<string, Uint8Array | null>> = {}, properties?: IClientPublishOptions['properties']): boolean {
    if (this.#o.playerExchange !== true) throw new MqttError('not_enabled', 'the player exchange is not enabled on this board');
    const tek = this.topics.topic('playerTek').full;
    if (topic !== tek && !topic.startsWith(`${tek}/`)) throw new MqttError('topic_invalid', `TEK replies go only below ${tek}`);
    if (!this.#connected || this.#client === undefined) return false;
    const head = this.#encode(topic, payload, false);
    const fields = Object.entries(keys);
    let size = head.length;
    for (const [name, bytes] of fields) size += name.length + (bytes === null ? 8 : bytes.length * 2 + 6);
    const body = Buffer.alloc(size);
    let at = head.copy(body, 0, 0, head.length - 1);
    for (const [name, bytes] of fields) {
      at += body.write(`,"${name}":`, at, 'latin1');
      if (bytes === null) at += body.write('null', at, 'latin1');
      else {
        body[at++] = 0x22;
        at = hexInto(bytes, body, at);
        body[at++] = 0x22;
      }
    }
    body[at++] = 0x7d;
    const sent = body.subarray(0, at);
    const opts: IClientPublishOptions = { qos: 1, retain: false, ...(properties !== undefined ? { properties } : {}) };
    this.#client.publish(topic, sent, opts, (err) => {
      body.fill(0);
      if (err) this.#counters.dropped++;
      else this.#counters.published++;
    });
    return true;
  }

  /** A non-retained reply (command responses); same sanitizing and queueing as events. */
  publishReply(topic: string, payload: JsonObject, properties?: IClientPublishOptions['properties']): void {
    this.#send({ topic, body: this.#encode(topic, payload, false), retain: false, ...(properties !== undefined ? { properties } : {}) });
  }

  /** Subscribes now (when connected) and again on every reconnect. */
  subscribe(filter: string, handler: MessageHandler): void {
    this.#subs.set(filter, handler);
    if (this.#connected) this.#client?.subscribe(filter, { qos: 1 }, (e) => e && this.#log.warn({ filter, err: e.message }, 'mqtt subscribe failed'));
  }

  /** Publishes the final status (retained) and disconnects cleanly, so the broker does not send the LWT. */
  async close(opts: { finalStatus?: string; reason?: string; timeoutMs?: number } = {}): Promise<void> {
    if (this.#closing) return;
    const client = this.#client;
    if (opts.finalStatus !== undefined && client !== undefined) this.setStatus(opts.finalStatus, opts.reason);
    this.#closing = true;
    clearTimeout(this.#timer);
    if (client === undefined) return;
    this.#flushPending();
    const timeoutMs = opts.timeoutMs ?? 3000;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => client.end(true, {}, () => resolve()), timeoutMs);
      // Graceful end waits for in-flight QoS 1 publishes (the final status) before DISCONNECT.
      client.end(false, {}, () => {
        clearTimeout(t);
        resolve();
      });
    });
    this.#connected = false;
    this.#log.info({ url: this.url }, 'mqtt closed');
  }

  #encode(topic: string, payload: JsonObject, allowTek: boolean): Buffer {
    return this.#encodeParts(topic, payload, allowTek).body;
  }

  /** The sanitized JSON without `ts` (to compare states) and the body with it (ts last, added when absent). */
  #encodeParts(topic: string, payload: JsonObject, allowTek: boolean): { content: string; body: Buffer } {
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new MqttError('payload_invalid', `payload for ${topic} must be a JSON object`);
    const ts = payload['ts'];
    // A plain object is walked as it is, `ts` left out; anything else is copied to one first (its own fields).
    const proto = Object.getPrototypeOf(payload) as unknown;
    const fields = proto === Object.prototype || proto === null ? payload : { ...payload };
    const { value, removed } = sanitize<JsonObject>(fields, { allowTek, omit: 'ts', ...(this.#o.mncLength !== undefined ? { mncLength: this.#o.mncLength } : {}) });
    if (removed.length > 0) {
      this.#counters.sanitized++;
      this.#log.warn({ topic, removed }, 'secret fields removed before publishing');
    }
    const content = JSON.stringify(value);
    const stamp = JSON.stringify(typeof ts === 'string' ? ts : new Date().toISOString());
    return { content, body: Buffer.from(`${content.slice(0, -1)}${content.length > 2 ? ',' : ''}"ts":${stamp}}`) };
  }

  /** Called on every outgoing publication: the daemon is doing real work (see util/loop-lag). */
  onActivity(listener: () => void): () => void {
    this.#activity.add(listener);
    return () => this.#activity.delete(listener);
  }

  #send(m: Outgoing): void {
    if (this.#closing) throw new MqttError('closed', 'MQTT publisher is closed');
    for (const f of this.#activity) f();
    if (this.#connected && this.#client !== undefined) return this.#publish(m);
    // Retained state waits in #retained; only the rest needs the queue.
    if (m.retain) return;
    this.#queue.push(m);
    if (this.#queue.length > (this.#o.queueLimit ?? 1000)) {
      this.#queue.shift();
      this.#counters.dropped++;
    }
  }

  /**
   * Everything published in one event-loop turn leaves in one socket write: a trigger's events and states come
   * in bursts (a pull's outcome, its event and its key state), and each write to the broker was a syscall that
   * cost more than building the packet. mqtt-packet corks the stream per packet until the next tick; this holds
   * it until setImmediate, after the turn's microtasks and ticks, so the delay is that turn's remaining work.
   */
  #coalesce(): void {
    if (this.#corked !== undefined) return;
    const stream = this.#client?.stream;
    if (stream === undefined || stream.destroyed) return;
    this.#corked = stream;
    stream.cork();
    setImmediate(() => {
      this.#flushPending();
      this.#corked = undefined;
      stream.uncork();
    });
  }

  /** Hands the turn's QoS 0 packets to the corked socket, as one chunk, ahead of whatever is written next. */
  #flushPending(): void {
    const n = this.#pending.length;
    if (n === 0) return;
    const chunk = n === 1 ? this.#pending[0]! : Buffer.concat(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    const stream = this.#corked;
    if (stream !== undefined && !stream.destroyed) stream.write(chunk);
  }

  #publish(m: Outgoing): void {
    this.#coalesce();
    if (m.qos === 0 && this.#writeQos0(m)) return;
    // What this turn queued goes out before mqtt.js writes this packet: publications keep their order.
    this.#flushPending();
    const opts: IClientPublishOptions = { qos: m.qos ?? 1, retain: m.retain, ...(m.properties !== undefined ? { properties: m.properties } : {}) };
    this.#client!.publish(m.topic, m.body, opts, (err) => {
      if (err) {
        this.#counters.dropped++;
        // MQTT 5 PUBACK 0x87: the broker's ACL refuses this topic (on 3.1.1 mosquitto drops it silently).
        if ((err as { code?: unknown }).code === 0x87 && !this.#deniedTopics.has(m.topic) && this.#deniedTopics.size < 64) {
          this.#deniedTopics.add(m.topic);
          this.#log.warn({ topic: m.topic, code: 0x87 }, `broker refused to accept ${m.topic}: not authorised by its ACL (check that the certificate CN / mqtt.username is the device id)`);
        } else this.#log.debug({ topic: m.topic, err: err.message }, 'mqtt publish failed');
      } else this.#counters.published++;
    });
  }

  /**
   * A QoS 0 PUBLISH without properties written straight to the socket: the packet is a fixed header, the topic
   * (pre-encoded once per topic) and the payload, with no packet id, no store and no acknowledgement. mqtt.js's
   * publish (option merging, its debug calls, the packet object, mqtt-packet's generic writer) cost several times
   * what this does, on the 7–12 events of every trigger. Falls back to mqtt.js whenever it might be holding
   * packets back (not connected, disconnecting, replaying its store after a connect), so order is kept.
   */
  #writeQos0(m: Outgoing): boolean {
    const c = this.#client!;
    const stream = c.stream as (typeof c.stream & { writable?: boolean }) | undefined;
    if (m.properties !== undefined || !c.connected || c.disconnecting || stream === undefined || stream.destroyed || stream.writable === false) return false;
    if (storeReplay(c) !== 'idle') return false;
    let head = this.#qos0Heads.get(m.topic);
    if (head === undefined) {
      const topic = Buffer.from(m.topic, 'utf8');
      // Topic length, topic, and for MQTT 5 an empty property set (length 0).
      head = Buffer.alloc(2 + topic.length + (this.#protocolVersion === 5 ? 1 : 0));
      head.writeUInt16BE(topic.length, 0);
      topic.copy(head, 2);
      // Reply topics are the requesters' own: keep only a few.
      if (this.#qos0Heads.size < 32) this.#qos0Heads.set(m.topic, head);
    }
    let remaining = head.length + m.body.length;
    // MQTT's variable byte integer: 7 bits a byte, at most 4 bytes (268,435,455).
    if (remaining > 268_435_455) return false;
    const lengthBytes = remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4;
    const packet = Buffer.allocUnsafe(1 + lengthBytes + remaining);
    packet[0] = 0x30 | (m.retain ? 1 : 0);
    let at = 1;
    do {
      const byte = remaining % 128;
      remaining = Math.floor(remaining / 128);
      packet[at++] = remaining > 0 ? byte | 0x80 : byte;
    } while (remaining > 0);
    at += head.copy(packet, at);
    m.body.copy(packet, at);
    // One write per turn instead of one per packet: the stream's per-write bookkeeping cost more than the packet.
    if (stream === this.#corked) {
      this.#pending.push(packet);
      this.#pendingBytes += packet.length;
    } else stream.write(packet);
    this.#counters.published++;
    return true;
  }

  #onConnect(): void {
    this.#connected = true;
    if (this.#everConnected) this.#counters.reconnects++;
    const after = this.#failure !== undefined ? { afterFailure: { reason: this.#failure.message, count: this.#failure.count } } : {};
    this.#log.info({ url: this.url, reconnect: this.#everConnected, attempt: this.#backoff.attempts, ...after }, 'mqtt connected');
    this.#everConnected = true;
    this.#backoff.reset();
    this.#lastError = undefined;
    this.#failure = undefined;
    this.#attemptFailed = false;
    for (const filter of this.#subs.keys()) this.#client!.subscribe(filter, { qos: 1 }, (e) => e && this.#log.warn({ filter, err: e.message }, 'mqtt subscribe failed'));
    for (const [topic, body] of this.#retained) this.#publish({ topic, body, retain: true });
    for (const m of this.#queue.splice(0)) this.#publish(m);
    for (const w of [...this.#connectWaiters]) w();
  }

  #onError(e: Error): void {
    this.#lastError = e.message;
    // A lost connection (#onClose says so), or a second error of an attempt already counted (the first is the specific one).
    if (this.#connected || this.#closing || this.#attemptFailed) return;
    this.#recordFailure(describeConnectFailure(e, { url: this.url, caConfigured: this.#tls?.ca !== undefined, certConfigured: this.#tls?.cert !== undefined, ...(this.#tls?.servername !== undefined ? { servername: this.#tls.servername } : {}) }));
  }

  /** One warn line per distinct failure; repeats only count (and show in counters.lastConnectError). */
  #recordFailure(f: ConnectFailure): void {
    this.#attemptFailed = true;
    this.#counters.connectFailures++;
    const now = new Date().toISOString();
    const cur = this.#failure;
    if (cur !== undefined && cur.kind === f.kind && cur.message === f.message) {
      cur.count++;
      cur.last = now;
      this.#log.debug({ url: this.url, kind: f.kind, count: cur.count }, 'mqtt connect failed again');
    } else {
      this.#failure = { kind: f.kind, message: f.message, ...(f.code !== undefined ? { code: f.code } : {}), count: 1, since: now, last: now };
      const previous = cur !== undefined ? { previous: { reason: cur.message, count: cur.count } } : {};
      this.#log.warn({ url: this.url, kind: f.kind, ...(f.code !== undefined ? { code: f.code } : {}), reason: f.message, ...previous }, f.headline);
    }
    this.#counters.lastConnectError = { ...this.#failure! };
  }

  #onClose(): void {
    if (this.#closing) return;
    if (this.#connected) this.#log.warn({ url: this.url, err: this.#lastError }, 'mqtt connection lost; reconnecting');
    else if (!this.#attemptFailed) this.#recordFailure(describeConnectFailure(undefined, { url: this.url }));
    this.#connected = false;
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#timer !== undefined || this.#closing) return;
    const delay = this.#backoff.next();
    this.#log.debug({ delayMs: delay, attempt: this.#backoff.attempts }, 'mqtt reconnect scheduled');
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#attemptFailed = false;
      if (!this.#closing) this.#client?.reconnect();
    }, delay);
  }

  /**
   * Counts one refused inbound message and logs it, at most one line per (source, code) per interval: a flood
   * of bad input costs a counter, not a log line each.
   */
  refuseInput(source: string, code: string, message: string): void {
    this.#counters.inputRefused++;
    this.#refusals.warn(this.#log, `${source}:${code}`, { source, code }, `MQTT input refused: ${message}`);
  }

  #onMessage(topic: string, payload: Buffer, packet: IPublishPacket): void {
    for (const [filter, handler] of this.#subs) {
      if (!matches(filter, topic)) continue;
      // A handler that throws refuses this one message; it never reaches the client's emitter (process exit).
      try {
        handler(topic, payload, packet);
      } catch (e) {
        this.refuseInput(filter, 'handler_failed', `handler for ${filter} threw: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
}

/** MQTT topic filter match (`+` one level, `#` the rest). */
export function matches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}
