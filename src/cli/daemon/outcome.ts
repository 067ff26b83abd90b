// `bcastctl register|pull|bootstrap --wait`: which of the daemon's events end a command, and how each event is
// shown as it arrives. Pure: the session feeds events in, this says "go on", "done" or "failed".

export type Verdict = { done: false } | { done: true; ok: boolean; why: string };

/** What a command waits for once the daemon accepted it (its answer's `action`). */
export interface Expectation {
  /** The BSM action the terminal queued: register, msk-request (pull of a key group > 0), deregister. */
  readonly action: string;
  /** For msk-request: the key group whose key must be stored. */
  readonly keyGroup?: number;
}

const GO_ON: Verdict = { done: false };

/** Decides on one event (`{type, …}` from the `events` topic). */
export function judge(expect: Expectation, e: Record<string, unknown>): Verdict {
  const type = e['type'];
  if (type === 'request-failed' && (e['action'] === expect.action || e['action'] === 'bootstrap')) {
    return { done: true, ok: false, why: `${String(e['action'])} failed: ${String(e['reason'] ?? 'no reason given')}` };
  }
  switch (expect.action) {
    case 'register':
      return type === 'registered' ? { done: true, ok: true, why: `registered: ${JSON.stringify(e['services'] ?? [])}` } : GO_ON;
    case 'deregister':
      return type === 'deregistered' ? { done: true, ok: true, why: 'deregistered' } : GO_ON;
    case 'msk-request':
      // The MSK request is answered by the BSM over HTTP; the key itself arrives as an LTKM push (key-stored names
      // the MSK id, key-ready then its key group).
      if (type === 'key-ready' && (expect.keyGroup === undefined || e['keyGroup'] === expect.keyGroup)) return { done: true, ok: true, why: `key stored (key group ${String(e['keyGroup'])})` };
      if (type === 'rejected') return { done: true, ok: false, why: `LTKM rejected: ${String(e['reason'] ?? '')} ${String(e['detail'] ?? '')}`.trim() };
      return GO_ON;
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
