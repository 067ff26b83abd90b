/**
 * Commands over MQTT: requests on `cmd/<name>` (JSON object of arguments, optional `transaction`) are
 * dispatched to the handler registered for <name>. The answer goes to the MQTT 5 response topic with the
 * request's correlation data when the request carries one, else to `cmd/<name>/response` with the
 * `transaction` echoed (MQTT 3.1.1 clients). Bad requests get an error response, never a crash.
 */
import type { TSchema } from '@sinclair/typebox';
import type { ValidateFunction } from 'ajv';
import { schemaCompiler } from './schema-compiler.js';
import type { IPublishPacket } from 'mqtt';
import type { Logger } from 'pino';
import { LogLimiter } from '../util/log-limiter.js';
import { TokenBucket } from '../util/token-bucket.js';
import { TimeoutError, withTimeout } from '../util/with-timeout.js';
import { CommandError } from './errors.js';
import type { JsonObject, MqttPublisher } from './publisher.js';
import { assertLevel } from './topics.js';

export type CommandHandler = (name: string, args: JsonObject) => Promise<unknown>;

/** Error codes of command responses (handlers may add their own through CommandError). */
export const COMMAND_ERRORS = {
  malformed: 'malformed_request',
  responseTopic: 'response_topic_refused',
  unknown: 'unknown_command',
  timeout: 'timeout',
  failed: 'failed',
  rateLimited: 'rate_limited',
  tooLarge: 'reply_too_large',
} as const;

/** Per command unless it says otherwise: bcastctl sends a handful; a flood is refused cheaply. */
export const DEFAULT_COMMAND_RATE = { perMinute: 60, burst: 10 } as const;
/** Backstop on one answer (a handler should bound its own well below this). */
export const DEFAULT_MAX_REPLY_BYTES = 1024 * 1024;

export interface CommandOptions {
  /** Requests over this rate get a `rate_limited` answer without running the handler. */
  rate?: { perMinute: number; burst: number };
  /** JSON Schema of the arguments (without `transaction`); invalid requests are `malformed_request`. */
  schema?: TSchema;
}

interface Registered {
  handler: CommandHandler;
  bucket: TokenBucket;
  /** The arguments' schema, compiled on the command's first request (not at start: most never come). */
  schema: TSchema | undefined;
  check: ValidateFunction | undefined;
}


export interface CommandCounters {
  received: number;
  succeeded: number;
  /** Handler errors and timeouts. */
  failed: number;
  malformed: number;
  unknown: number;
  /** Requests whose MQTT 5 response topic lies outside the reply area (refused, not run). */
  refused: number;
  /** Refused by the command's rate limit. */
  rateLimited: number;
}

export interface CommandResponse {
  command: string;
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string };
  transaction?: string | number;
}

export interface CommandRouterOptions {
  publisher: MqttPublisher;
  logger: Logger;
  /** Bound on one handler; the request then gets a `timeout` error. */
  timeoutMs?: number;
  /** Larger request payloads are refused as malformed. */
  maxPayloadBytes?: number;
  /** Larger answers are replaced by a `reply_too_large` error (default DEFAULT_MAX_REPLY_BYTES). */
  maxReplyBytes?: number;
  now?: () => number;
}

export class CommandRouter {
  readonly #o: CommandRouterOptions;
  readonly #handlers = new Map<string, Registered>();
  readonly #counters: CommandCounters = { received: 0, succeeded: 0, failed: 0, malformed: 0, unknown: 0, refused: 0, rateLimited: 0 };
  /** Refusals and failures: one line per command and code per interval. */
  readonly #logs = new LogLimiter();
  #started = false;

  constructor(opts: CommandRouterOptions) {
    this.#o = opts;
  }

  get counters(): Readonly<CommandCounters> {
    return { ...this.#counters };
  }

  register(name: string, handler: CommandHandler, opts: CommandOptions = {}): void {
    assertLevel('command name', name);
    if (this.#handlers.has(name)) throw new Error(`command ${name} already has a handler`);
    const rate = opts.rate ?? DEFAULT_COMMAND_RATE;
    this.#handlers.set(name, {
      handler,
      bucket: new TokenBucket({ ...rate, ...(this.#o.now ? { now: this.#o.now } : {}) }),
      schema: opts.schema,
      check: undefined,
    });
  }

  /** Subscribes `cmd/+` (kept across reconnects by the publisher). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    const pub = this.#o.publisher;
    pub.subscribe(pub.topics.cmdFilter, (topic, payload, packet) => {
      const name = pub.topics.commandOf(topic);
      if (name !== undefined) void this.#handle(name, payload, packet);
    });
  }

  async #handle(name: string, payload: Buffer, packet: IPublishPacket): Promise<void> {
    this.#counters.received++;
    const log = this.#o.logger;
    const parsed = parseRequest(payload, this.#o.maxPayloadBytes ?? 65_536);
    const transaction = parsed.ok ? parsed.transaction : undefined;
    const reply = (body: Omit<CommandResponse, 'command' | 'transaction'>) => this.#reply(name, packet, { command: name, ...body, ...(transaction !== undefined ? { transaction } : {}) });

    if (!parsed.ok) {
      this.#counters.malformed++;
      this.#logs.warn(log, `${name}:malformed`, { command: name, reason: parsed.reason }, 'malformed MQTT command');
      return reply({ ok: false, error: { code: COMMAND_ERRORS.malformed, message: parsed.reason } });
    }
    // The answer is published with the daemon's rights: never onto its own state, keys, the player's topics or a
    // command (a reply onto cmd/deregister would be obeyed), nor outside the device (the broker's ACL refuses it).
    const responseTopic = packet.properties?.responseTopic;
    const why = responseTopic === undefined ? undefined : responseTopicProblem(this.#o.publisher.topics, responseTopic);
    if (why !== undefined) {
      this.#counters.refused++;
      // One line per command and reason per interval: the reasons are a handful of fixed texts.
      this.#logs.warn(log, `${name}:${why}`, { command: name, responseTopic: responseTopic!.slice(0, 256), reason: why }, 'MQTT command refused: response topic not allowed');
      return this.#reply(name, undefined, { command: name, ok: false, error: { code: COMMAND_ERRORS.responseTopic, message: why }, ...(transaction !== undefined ? { transaction } : {}) });
    }
    const entry = this.#handlers.get(name);
    if (entry === undefined) {
      this.#counters.unknown++;
      // Keyed by the code, not the name: hostile names must not grow the limiter.
      this.#logs.warn(log, 'unknown', { command: name.slice(0, 64) }, 'unknown MQTT command');
      return reply({ ok: false, error: { code: COMMAND_ERRORS.unknown, message: `unknown command "${name.slice(0, 64)}"; known: ${[...this.#handlers.keys()].join(', ')}` } });
    }
    if (entry.schema !== undefined) entry.check ??= schemaCompiler().compile(entry.schema);
    if (entry.check !== undefined && !entry.check(parsed.args)) {
      this.#counters.malformed++;
      const e = entry.check.errors?.[0];
      const what = e?.keyword === 'additionalProperties' ? `has unknown argument "${String(e.params['additionalProperty'])}"` : (e?.message ?? 'is invalid');
      const message = `arguments ${e?.instancePath || '/'} ${what}`;
      this.#logs.warn(log, `${name}:malformed`, { command: name, reason: message }, 'malformed MQTT command');
      return reply({ ok: false, error: { code: COMMAND_ERRORS.malformed, message } });
    }
    if (!entry.bucket.take()) {
      this.#counters.rateLimited++;
      const message = `too many ${name} requests; retry in ${Math.ceil(entry.bucket.waitMs() / 1000)} s`;
      this.#logs.warn(log, `${name}:rate`, { command: name }, 'MQTT command rate-limited');
      return reply({ ok: false, error: { code: COMMAND_ERRORS.rateLimited, message } });
    }
    const handler = entry.handler;
    const timeoutMs = this.#o.timeoutMs ?? 30_000;
    // The handler may outlive its timeout (withTimeout keeps its late rejection from surfacing as unhandled).
    const run = Promise.resolve().then(() => handler(name, parsed.args));
    try {
      const result = await withTimeout(run, timeoutMs, name);
      this.#counters.succeeded++;
      log.info({ command: name, transaction }, 'MQTT command done');
      return reply(result === undefined ? { ok: true } : { ok: true, result });
    } catch (e) {
      this.#counters.failed++;
      const code = e instanceof CommandError ? e.code : e instanceof TimeoutError ? COMMAND_ERRORS.timeout : COMMAND_ERRORS.failed;
      const message = e instanceof Error ? e.message : String(e);
      this.#logs.warn(log, `${name}:${code}`, { command: name, transaction, code, err: message }, 'MQTT command failed');
      return reply({ ok: false, error: { code, message } });
    }
  }

  /** To the request's response topic (already checked), else the shared `cmd/<name>/response`. */
  #reply(name: string, packet: IPublishPacket | undefined, body: CommandResponse): void {
    const pub = this.#o.publisher;
    const max = this.#o.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
    let size: number;
    try {
      size = Buffer.byteLength(JSON.stringify(body));
    } catch {
      size = Infinity; // not serialisable (cycle, BigInt): answered as an error below
    }
    if (size > max) {
      this.#logs.warn(this.#o.logger, `${name}:too-large`, { command: name, bytes: size, max }, 'MQTT command answer too large');
      const { result: _dropped, ...rest } = body;
      body = { ...rest, ok: false, error: { code: COMMAND_ERRORS.tooLarge, message: `answer of ${size} bytes exceeds ${max}` } };
    }
    const responseTopic = packet?.properties?.responseTopic;
    try {
      if (responseTopic !== undefined) {
        const correlationData = packet?.properties?.correlationData;
        pub.publishReply(responseTopic, body as unknown as JsonObject, correlationData !== undefined ? { correlationData } : undefined);
      } else {
        pub.publishReply(pub.topics.cmdResponse(name).full, body as unknown as JsonObject);
      }
    } catch (e) {
      // Closed while the handler ran: nobody to answer.
      this.#o.logger.debug({ command: name, err: (e as Error).message }, 'MQTT command response not sent');
    }
  }
}

/** Why a requester's response topic may not carry the answer, or undefined when it lies in the reply area. */
export function responseTopicProblem(topics: MqttPublisher['topics'], topic: string): string | undefined {
  if (topic === '' || /[+#\u0000]/.test(topic)) return 'the response topic is empty or has wildcards';
  const base = `${topics.base}/`;
  if (!topic.startsWith(base)) return `the response topic must lie under ${base}cmd/<name>/response`;
  const rest = topic.slice(base.length).split('/');
  if (rest[0] === 'cmd' && rest.length >= 3 && rest[2] === 'response') return undefined;
  const where = rest[0] === 'player' ? "the player's topics" : rest[0] === 'cmd' ? 'a command topic' : "the device's state topics";
  return `the response topic is inside ${where}; answers go to ${base}cmd/<name>/response[/…]`;
}

type Parsed = { ok: true; args: JsonObject; transaction: string | number | undefined } | { ok: false; reason: string };

/** The request body: a JSON object of arguments (empty payload = no arguments); `transaction` is ours. */
function parseRequest(payload: Buffer, maxBytes: number): Parsed {
  if (payload.length > maxBytes) return { ok: false, reason: `request of ${payload.length} bytes exceeds ${maxBytes}` };
  if (payload.length === 0) return { ok: true, args: {}, transaction: undefined };
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch (e) {
    return { ok: false, reason: `request is not JSON: ${(e as Error).message}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, reason: 'request must be a JSON object' };
  const { transaction, ...args } = value as JsonObject;
  if (transaction !== undefined && typeof transaction !== 'string' && typeof transaction !== 'number') {
    return { ok: false, reason: 'transaction must be a string or a number' };
  }
  return { ok: true, args, transaction };
}
