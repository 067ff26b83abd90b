// The daemon's events as `bcastctl trace` reads them: from the `events` command's answer or from a file of
// `bcastctl watch --json` lines. Events come from the network, so everything here is checked, nothing trusted.
import type { EventType } from '../../terminal/events.js';

/** One event that passed the minimal checks: a type and a parseable time. Other fields stay as sent. */
export interface TraceEvent {
  type: string;
  /** The event's own `ts` (ISO-8601). */
  ts: string;
  atMs: number;
  /** Position in the input, to keep the publish order of events stamped within the same millisecond. */
  seq: number;
  fields: Readonly<Record<string, unknown>>;
}

// A date, a time and an explicit offset: a stamp without one would be read in the reader's time zone.
const ISO_STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** `e` is of bcastd's event type `type` (EVENT_TABLE: a misspelt name does not compile). */
export const isType = (e: TraceEvent, type: EventType): boolean => e.type === type;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keeps the well-formed events (oldest first, stable for equal stamps) and counts the rest. */
export function normalizeEvents(raw: readonly unknown[]): { events: TraceEvent[]; skipped: number } {
  const events: TraceEvent[] = [];
  let skipped = 0;
  raw.forEach((e, seq) => {
    const type = isRecord(e) ? e['type'] : undefined;
    const ts = isRecord(e) ? e['ts'] : undefined;
    const atMs = typeof ts === 'string' && ISO_STAMP.test(ts) ? Date.parse(ts) : NaN;
    if (!isRecord(e) || typeof type !== 'string' || type.length === 0 || typeof ts !== 'string' || !Number.isFinite(atMs)) {
      skipped++;
      return;
    }
    events.push({ type, ts, atMs, seq, fields: e });
  });
  events.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
  return { events, skipped };
}

const NOT_JSON = Symbol('not JSON');

/** The non-blank lines of a JSON-lines text, each parsed (NOT_JSON for a line that does not parse). */
function* jsonLines(text: string): Generator<unknown> {
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    try {
      yield JSON.parse(line);
    } catch {
      yield NOT_JSON;
    }
  }
}

export interface EventFile {
  /** Candidate events, still to be checked by normalizeEvents. */
  events: unknown[];
  /** Lines of other topics (status, keys, …): not events, not an error. */
  ignored: number;
  /** Lines that are not JSON, or not an object. */
  skipped: number;
}

/**
 * Reads a saved event stream: JSON lines as printed by `bcastctl watch --json` ({topic, payload}, only topics
 * ending in /events count), bare event objects, the `events` command's answer, or one JSON array of events.
 */
export function parseEventFile(text: string): EventFile {
  const out: EventFile = { events: [], ignored: 0, skipped: 0 };
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      const all: unknown = JSON.parse(trimmed);
      if (Array.isArray(all)) return { ...out, events: all };
    } catch {
      // not one array: fall through to JSON lines
    }
  }
  for (const v of jsonLines(text)) {
    if (!isRecord(v)) {
      out.skipped++;
    } else if (typeof v['topic'] === 'string') {
      if (/(^|\/)events$/.test(v['topic'])) out.events.push(v['payload']);
      else out.ignored++;
    } else if (isRecord(v['result']) && Array.isArray(v['result']['events'])) {
      out.events.push(...(v['result']['events'] as unknown[]));
    } else {
      out.events.push(v);
    }
  }
  return out;
}

/**
 * The reference player's log (examples/player, one JSON object a line): its events (`{ts: epoch seconds, event,
 * …}`) become trace events `player-<event>` with an ISO stamp; its once-a-second figure lines are not events.
 */
export function parsePlayerLog(text: string): EventFile {
  const out: EventFile = { events: [], ignored: 0, skipped: 0 };
  for (const v of jsonLines(text)) {
    if (!isRecord(v) || typeof v['ts'] !== 'number' || !Number.isFinite(v['ts'])) {
      out.skipped++;
    } else if (typeof v['event'] !== 'string' || v['event'] === '') {
      out.ignored++;
    } else {
      const { ts, event, ...rest } = v;
      out.events.push({ ...rest, type: `player-${event}`, ts: new Date((ts as number) * 1000).toISOString() });
    }
  }
  return out;
}
