// `bcastctl register|pull|bootstrap --wait`: which of the daemon's events end a command, and how each event is
// shown as it arrives. Pure: the session feeds events in, this says "go on", "done" or "failed".
import type { EventPayload, EventType } from '../../terminal/events.js';

export type Verdict = { done: false } | { done: true; ok: boolean; why: string };

/** What a command waits for once the daemon accepted it (its answer's `action`). */
export interface Expectation {
  /** The BSM action the terminal queued: register, msk-request (pull of a key group > 0), deregister. */
  readonly action: string;
  /** For msk-request: the key group whose key must be stored. */
  readonly keyGroup?: number;
}

const GO_ON: Verdict = { done: false };

/** `e` is of event type `type`, and its fields as EVENT_TABLE names them (values unchecked: they come over the network). */
function as<T extends EventType>(e: Record<string, unknown>, type: T): { readonly [K in keyof EventPayload<T>]?: unknown } | null {
  return e['type'] === type ? e : null;
}

/** Decides on one event (`{type, …}` from the `events` topic). */
export function judge(expect: Expectation, e: Record<string, unknown>): Verdict {
  const failed = as(e, 'request-failed');
  // 'bootstrap': how an older daemon named the action of a bootstrap command.
  if (failed && (failed.action === expect.action || failed.action === 'bootstrap')) {
    return { done: true, ok: false, why: `${String(failed.action)} failed: ${String(failed.reason ?? 'no reason given')}` };
  }
  switch (expect.action) {
    case 'register': {
      const registered = as(e, 'registered');
      return registered ? { done: true, ok: true, why: `registered: ${JSON.stringify(registered.services ?? [])}` } : GO_ON;
    }
    case 'deregister':
      return as(e, 'deregistered') ? { done: true, ok: true, why: 'deregistered' } : GO_ON;
    case 'msk-request': {
      // The MSK request is answered by the BSM over HTTP; the key itself arrives as an LTKM push (key-stored names
      // the MSK id, key-ready then its key group).
      const ready = as(e, 'key-ready');
      if (ready && (expect.keyGroup === undefined || ready.keyGroup === expect.keyGroup)) return { done: true, ok: true, why: `key stored (key group ${String(ready.keyGroup)})` };
      const rejected = as(e, 'rejected');
      if (rejected) return { done: true, ok: false, why: `LTKM rejected: ${String(rejected.reason ?? '')} ${String(rejected.detail ?? '')}`.trim() };
      return GO_ON;
    }
    default:
      return { done: true, ok: true, why: `accepted (${expect.action}: nothing to wait for)` };
  }
}

/** One line per event: time, type, then its fields as key=value (JSON for nested values). */
export function eventLine(e: Record<string, unknown>): string {
  const ts = typeof e['ts'] === 'string' ? e['ts'].slice(11, 23) : '--:--:--.---';
  const fields = Object.entries(e)
    .filter(([k]) => k !== 'ts' && k !== 'type')
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `${ts} ${String(e['type'] ?? '?')}${fields.length ? ` ${fields.join(' ')}` : ''}`;
}
