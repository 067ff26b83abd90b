/**
 * The MQTT topic contract (DESIGN.md "Contracts" 2), in one table: every topic under
 * `<prefix>/<deviceId>/`, whether it is retained, and which way it flows. Publisher, command router and
 * tests derive everything from TOPIC_TABLE; nothing else spells a topic.
 */
import { MqttError } from './errors.js';

export const DEFAULT_TOPIC_PREFIX = 'bcastd/v1';

/** The payload the broker publishes for us when the connection dies without a DISCONNECT. */
export const LWT_PAYLOAD = '{"state":"lost"}';

export interface TopicSpec {
  /** Path under `<prefix>/<deviceId>/`; `{name}` marks a variable level. */
  readonly pattern: string;
  readonly retained: boolean;
  /** out: we publish; in: we subscribe. */
  readonly direction: 'out' | 'in';
  /** TEKs may appear in its payloads (only the opt-in player exchange). */
  readonly allowsTek?: true;
}

export const TOPIC_TABLE = {
  status: { pattern: 'status', retained: true, direction: 'out' },
  info: { pattern: 'info', retained: true, direction: 'out' },
  health: { pattern: 'health', retained: true, direction: 'out' },
  modem: { pattern: 'modem', retained: true, direction: 'out' },
  pdp: { pattern: 'pdp', retained: true, direction: 'out' },
  card: { pattern: 'card', retained: true, direction: 'out' },
  gba: { pattern: 'gba', retained: true, direction: 'out' },
  registration: { pattern: 'registration', retained: true, direction: 'out' },
  keys: { pattern: 'keys/{keyDomainId}/{keyGroup}', retained: true, direction: 'out' },
  traffic: { pattern: 'traffic/{keyDomainId}/{mskId}', retained: true, direction: 'out' },
  events: { pattern: 'events', retained: false, direction: 'out' },
  cmd: { pattern: 'cmd/{name}', retained: false, direction: 'in' },
  cmdResponse: { pattern: 'cmd/{name}/response', retained: false, direction: 'out' },
  // The opt-in STKM → TEK exchange with the local player (terminal.playerExchange); the only topic a TEK may
  // travel on. Topic names are a project choice beyond DESIGN.md's list.
  playerStkm: { pattern: 'player/stkm', retained: false, direction: 'in' },
  playerTek: { pattern: 'player/tek', retained: false, direction: 'out' },
} as const satisfies Record<string, TopicSpec>;

export type TopicName = keyof typeof TOPIC_TABLE;
/** Fixed-path topics that hold retained state. */
export type StateTopicName = 'status' | 'info' | 'health' | 'modem' | 'pdp' | 'card' | 'gba' | 'registration';

/** One variable topic level: no separators, wildcards or NUL, and not empty. */
const LEVEL = /^[^/#+\u0000]{1,128}$/;

export function assertLevel(what: string, value: string): void {
  if (!LEVEL.test(value)) throw new MqttError('topic_invalid', `${what} ${JSON.stringify(value)} cannot be an MQTT topic level`);
}

/** A resolved topic: the full name plus its row of the table. */
export interface Topic {
  readonly name: TopicName;
  readonly path: string;
  readonly full: string;
  readonly spec: TopicSpec;
}

/** The topics of one device. */
export class DeviceTopics {
  readonly base: string;
  /** Fixed-path topics (no `{vars}`), resolved once: `events` and the states are asked for on every publication. */
  readonly #fixed = new Map<TopicName, Topic>();

  constructor(prefix: string, deviceId: string) {
    for (const level of prefix.split('/')) assertLevel('topic prefix level', level);
    assertLevel('deviceId', deviceId);
    this.base = `${prefix}/${deviceId}`;
  }

  /** Fills a pattern's `{vars}` (each checked as a topic level). */
  topic(name: TopicName, vars: Record<string, string | number> = {}): Topic {
    const fixed = this.#fixed.get(name);
    if (fixed !== undefined) return fixed;
    const spec: TopicSpec = TOPIC_TABLE[name];
    if (!spec.pattern.includes('{')) {
      const t: Topic = Object.freeze({ name, path: spec.pattern, full: `${this.base}/${spec.pattern}`, spec });
      this.#fixed.set(name, t);
      return t;
    }
    const path = spec.pattern.replace(/\{(\w+)\}/g, (_, v: string) => {
      const value = vars[v];
      if (value === undefined) throw new MqttError('topic_invalid', `topic ${name} needs ${v}`);
      assertLevel(v, String(value));
      return String(value);
    });
    return { name, path, full: `${this.base}/${path}`, spec };
  }

  state(name: StateTopicName): Topic {
    return this.topic(name);
  }

  keys(keyDomainId: string, keyGroup: string | number): Topic {
    return this.topic('keys', { keyDomainId, keyGroup });
  }

  traffic(keyDomainId: string, mskId: string | number): Topic {
    return this.topic('traffic', { keyDomainId, mskId });
  }

  cmdResponse(name: string): Topic {
    return this.topic('cmdResponse', { name });
  }

  /** Subscription filter for every command request. */
  get cmdFilter(): string {
    return `${this.base}/cmd/+`;
  }

  /** The command name of a request topic, or undefined when the topic is not `cmd/<name>`. */
  commandOf(full: string): string | undefined {
    const prefix = `${this.base}/cmd/`;
    if (!full.startsWith(prefix)) return undefined;
    const name = full.slice(prefix.length);
    return LEVEL.test(name) ? name : undefined;
  }
}
