// What `bcastctl watch` knows, folded from the daemon's topics: per device the latest payload of every state
// topic, the key groups and MSKs, when it was last heard of; and a bounded log of events and state changes.
// Pure: messages and the time come in, nothing goes out.
import type { StateTopicName } from '../../mqtt/topics.js';
import type { TopicMessage } from '../daemon/mqtt-session.js';
import { isSecretName } from '../../mqtt/sanitize.js';
import type { Severity } from './states.js';
import { severityOf } from './states.js';

export type Payload = Record<string, unknown>;

/** Removes every field named like key material, at any depth (the daemon already does; this is the second gate). */
export function scrub(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrub);
  if (value === null || typeof value !== 'object') return value;
  const out: Payload = {};
  for (const [k, v] of Object.entries(value as Payload)) if (!isSecretName(k)) out[k] = scrub(v);
  return out;
}

/** A message of `<prefix>/<device>/<name>` with a JSON-object payload (null when empty or not an object). */
export function parseTopic(prefix: string, topic: string, payload: Uint8Array, retained: boolean): TopicMessage | null {
  const base = `${prefix}/`;
  if (!topic.startsWith(base)) return null;
  const rest = topic.slice(base.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return null;
  const name = rest.slice(slash + 1);
  if (name === 'cmd' || name.startsWith('cmd/')) return null; // requests and answers, not state
  let parsed: Payload | null = null;
  try {
    const v: unknown = payload.length ? JSON.parse(Buffer.from(payload).toString('utf8')) : null;
    parsed = v !== null && typeof v === 'object' && !Array.isArray(v) ? (scrub(v) as Payload) : null;
  } catch {
    parsed = null;
  }
  return { topic, device: rest.slice(0, slash), name, payload: parsed, retained };
}

/** A fixed-capacity log: pushing past the capacity drops the oldest entry. */
export class Ring<T> {
  private readonly buf: T[] = [];
  private pushed = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, not ${capacity}`);
  }

  push(item: T): void {
    this.pushed++;
    this.buf.push(item);
    if (this.buf.length > this.capacity) this.buf.shift();
  }

  /** Oldest first. */
  items(): readonly T[] {
    return this.buf;
  }

  get size(): number {
    return this.buf.length;
  }

  /** Everything ever pushed, dropped entries included. */
  get total(): number {
    return this.pushed;
  }
}

export const STATE_TOPICS = ['status', 'info', 'health', 'modem', 'pdp', 'card', 'gba', 'registration'] as const satisfies readonly StateTopicName[];
export type StateTopic = (typeof STATE_TOPICS)[number];

export interface Held {
  payload: Payload;
  /** The payload's `ts`, in ms; null when it has none (the LWT) or it does not parse. */
  ts: number | null;
  receivedAt: number;
  retained: boolean;
}

export interface DeviceState {
  readonly id: string;
  readonly topics: Map<StateTopic, Held>;
  /** keys/<keyDomainId>/<keyGroup>, keyed "kd/kg". */
  readonly keys: Map<string, Held>;
  /** traffic/<keyDomainId>/<mskId>, keyed "kd/mskId". */
  readonly traffic: Map<string, Held>;
  /** Newest sign of life: the latest payload ts, or when a live message arrived. Null: nothing dated yet. */
  lastHeard: number | null;
}

export type LogEntry =
  | { kind: 'event'; at: number; device: string; type: string; payload: Payload }
  | { kind: 'change'; at: number; device: string; topic: string; field: string; from: string | null; to: string; reason: string | null };

/** Fields whose change is worth a line in the log, per state topic. */
const WATCHED: Partial<Record<StateTopic, readonly string[]>> = {
  status: ['state'],
  modem: ['state', 'coverage'],
  pdp: ['state'],
  card: ['state'],
  gba: ['state'],
  registration: ['state'],
};

export interface Verdict {
  /** Upper-case word: READY, DEGRADED, LOST, STALE, … */
  word: string;
  severity: Severity;
  /** Why, when there is something to say. */
  detail: string | null;
}

export interface WatchModelOptions {
  /** Log entries kept (default 500). */
  logLimit?: number;
  /** A device heard of less recently than this is STALE (default 150 s: 2.5 health periods of a minute). */
  staleMs?: number;
}

export const DEFAULT_STALE_MS = 150_000;

const tsOf = (p: Payload | null): number | null => {
  const v = p?.['ts'];
  if (typeof v !== 'string' && typeof v !== 'number') return null;
  const t = new Date(v).getTime();
  return Number.isFinite(t) ? t : null;
};

const asText = (v: unknown): string | null => (v === undefined || v === null ? null : typeof v === 'boolean' ? (v ? 'yes' : 'no') : typeof v === 'object' ? JSON.stringify(v) : String(v));

export class WatchModel {
  readonly devices = new Map<string, DeviceState>();
  readonly log: Ring<LogEntry>;
  readonly staleMs: number;

  constructor(opts: WatchModelOptions = {}) {
    this.log = new Ring(opts.logLimit ?? 500);
    this.staleMs = opts.staleMs ?? DEFAULT_STALE_MS;
  }

  /** Devices in id order. */
  sorted(): DeviceState[] {
    return [...this.devices.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private device(id: string): DeviceState {
    let d = this.devices.get(id);
    if (!d) {
      d = { id, topics: new Map(), keys: new Map(), traffic: new Map(), lastHeard: null };
      this.devices.set(id, d);
    }
    return d;
  }

  /** Folds one message in, received at `now` (ms). */
  apply(m: TopicMessage, now: number): void {
    const d = this.device(m.device);
    const ts = tsOf(m.payload);
    const heard = m.retained ? ts : Math.max(now, ts ?? now);
    if (heard !== null && (d.lastHeard === null || heard > d.lastHeard)) d.lastHeard = heard;
    const held = (p: Payload): Held => ({ payload: p, ts, receivedAt: now, retained: m.retained });

    const [head, ...rest] = m.name.split('/');
    if (head === 'events') {
      if (m.payload) this.log.push({ kind: 'event', at: ts ?? now, device: d.id, type: asText(m.payload['type']) ?? '?', payload: m.payload });
      return;
    }
    if ((head === 'keys' || head === 'traffic') && rest.length === 2) {
      const map = head === 'keys' ? d.keys : d.traffic;
      const key = rest.join('/');
      if (m.payload) map.set(key, held(m.payload));
      else map.delete(key); // an empty retained payload clears the topic
      return;
    }
    if (!(STATE_TOPICS as readonly string[]).includes(m.name)) return;
    const name = m.name as StateTopic;
    const before = d.topics.get(name);
    if (!m.payload) {
      d.topics.delete(name);
      return;
    }
    d.topics.set(name, held(m.payload));
    // A retained message is the state as it already was; only live ones are changes worth a log line.
    if (m.retained) return;
    for (const field of WATCHED[name] ?? []) {
      const from = asText(before?.payload[field]);
      const to = asText(m.payload[field]);
      if (to === null || to === from) continue;
      this.log.push({ kind: 'change', at: ts ?? now, device: d.id, topic: name, field, from, to, reason: asText(m.payload['reason']) });
    }
  }

  /** The one-word state of a device: LOST (last will) beats STALE (silent too long, unless offline) beats its status. */
  verdict(d: DeviceState, now: number): Verdict {
    const status = d.topics.get('status')?.payload;
    const state = asText(status?.['state']);
    if (state === 'lost') return { word: 'LOST', severity: 'bad', detail: '(MQTT last will)' };
    // A daemon that said goodbye (offline) is expected to be silent.
    if (state !== 'offline' && d.lastHeard !== null && now - d.lastHeard > this.staleMs) return { word: 'STALE', severity: 'bad', detail: `(silent for more than ${Math.round(this.staleMs / 1000)} s)` };
    if (state === null) return { word: 'NO STATUS', severity: 'warn', detail: null };
    const reason = asText(status?.['reason']);
    return { word: state.toUpperCase(), severity: severityOf(state), detail: reason ? `(${reason})` : null };
  }
}
