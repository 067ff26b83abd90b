// The sequence model both renderers draw: events sorted by time, turned into arrows and notes (flow.ts), each
// step stamped with its time, the time since the trace started and since the step before it. Pure.
import { isType, normalizeEvents, type TraceEvent } from './events.js';
import { draftsFor, PARTICIPANTS, type Participant, type StepStatus } from './flow.js';

interface StepTimes {
  /** Position in `steps`. */
  index: number;
  /** The event type the step comes from. */
  event: string;
  atMs: number;
  /** ISO-8601 of atMs. */
  ts: string;
  sinceStartMs: number;
  /** Time since the step before (any kind), so the time column adds up; 0 for the first. */
  deltaMs: number;
  status: StepStatus;
}

export interface ArrowStep extends StepTimes {
  kind: 'arrow';
  from: Participant;
  to: Participant;
  label: string;
  /** How long the request this arrow closes took (renderers show it after the label). */
  durationMs?: number;
}

export interface NoteStep extends StepTimes {
  kind: 'note';
  on: Participant;
  text: string;
}

export type Step = ArrowStep | NoteStep;

export interface SequenceModel {
  /** Participants that appear, in the fixed order of PARTICIPANTS. */
  participants: Participant[];
  steps: Step[];
  /** Time of the first and last step; null without steps. */
  startMs: number | null;
  endMs: number | null;
  /** Events drawn. */
  events: number;
  /** Events left out as garbled (not an object, no type, no ISO time), plus those the caller counted. */
  skipped: number;
  /** Well-formed events older than `sinceMs`. */
  before: number;
  /** Older events the daemon's buffer had already lost (from its `events` answer). */
  dropped: number;
}

export interface SequenceOptions {
  /** Draw only events at or after this time (epoch ms). */
  sinceMs?: number;
  /** Garbled inputs the caller already left out (e.g. lines of a file that were not JSON). */
  skipped?: number;
  dropped?: number;
}

export function buildSequence(raw: readonly unknown[], opts: SequenceOptions = {}): SequenceModel {
  const { events, skipped } = normalizeEvents(raw);
  // Requests are paired with answers across the --since boundary, so an answer keeps its context.
  const bsmRequests = new Map<number, TraceEvent>();
  for (const e of events) {
    const id = e.fields['id'];
    if (isType(e, 'bsm-request') && typeof id === 'number' && !bsmRequests.has(id)) bsmRequests.set(id, e);
  }
  const shown = opts.sinceMs === undefined ? events : events.filter((e) => e.atMs >= opts.sinceMs!);

  const steps: Step[] = [];
  const used = new Set<Participant>();
  let prevMs: number | null = null;
  let startMs: number | null = null;
  for (const e of shown) {
    for (const d of draftsFor(e, { bsmRequests })) {
      // A request half drawn before its event, but never before the step above it.
      const atMs: number = Math.max(e.atMs - (d.kind === 'arrow' ? (d.leadMs ?? 0) : 0), prevMs ?? -Infinity);
      startMs ??= atMs;
      const times: StepTimes = {
        index: steps.length,
        event: e.type,
        atMs,
        ts: new Date(atMs).toISOString(),
        sinceStartMs: atMs - startMs,
        deltaMs: prevMs === null ? 0 : atMs - prevMs,
        status: d.status,
      };
      prevMs = atMs;
      if (d.kind === 'arrow') {
        used.add(d.from).add(d.to);
        steps.push({ ...times, kind: 'arrow', from: d.from, to: d.to, label: d.label, ...(d.durationMs === undefined ? {} : { durationMs: d.durationMs }) });
      } else {
        used.add(d.on);
        steps.push({ ...times, kind: 'note', on: d.on, text: d.text });
      }
    }
  }
  return {
    participants: PARTICIPANTS.filter((p) => used.has(p)),
    steps,
    startMs,
    endMs: prevMs,
    events: shown.length,
    skipped: skipped + (opts.skipped ?? 0),
    before: events.length - shown.length,
    dropped: opts.dropped ?? 0,
  };
}
