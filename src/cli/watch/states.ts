// What each state word published by bcastd means at a glance: fine, on its way, or a problem. One table, read
// by the renderer for colour; the words themselves are always printed, so nothing depends on colour alone.
import { isEventType, type EventType } from '../../terminal/events.js';

export type Severity = 'good' | 'warn' | 'bad' | 'none';

/** State words of the status, modem link, PDP, card, GBA and registration topics (and the watcher's own). */
const SEVERITY: Record<string, Severity> = {
  // good: the terminal can do its job
  ready: 'good',
  active: 'good',
  registered: 'good',
  bootstrapped: 'good',
  connected: 'good',
  // on its way (bring-up phases, transitions, not-yet states)
  init: 'warn',
  modem: 'warn',
  card: 'warn',
  pdp: 'warn',
  gba: 'warn',
  registering: 'warn',
  stopping: 'warn',
  opening: 'warn',
  initialising: 'warn',
  probing: 'warn',
  reopening: 'warn',
  resetting: 'warn',
  backoff: 'warn',
  activating: 'warn',
  deactivating: 'warn',
  inactive: 'warn',
  present: 'warn',
  selecting: 'warn',
  idle: 'warn',
  bootstrapping: 'warn',
  resyncing: 'warn',
  unregistered: 'warn',
  reconnecting: 'warn',
  // problems
  degraded: 'bad',
  lost: 'bad',
  stale: 'bad',
  failed: 'bad',
  absent: 'bad',
  error: 'bad',
  expired: 'bad',
  offline: 'bad',
  closed: 'bad',
  'pin-required': 'bad',
  disconnected: 'bad',
};

export function severityOf(state: unknown): Severity {
  return typeof state === 'string' ? (SEVERITY[state] ?? 'none') : 'none';
}

/** Event types (EVENT_TABLE's names) that report a failure or a refusal, and those that report success. */
const BAD_EVENTS: ReadonlySet<EventType> = new Set<EventType>(['rejected', 'request-failed', 'bring-up-failed', 'sms-undecodable', 'sms-expired']);
const GOOD_EVENTS: ReadonlySet<EventType> = new Set<EventType>(['registered', 'key-stored']);

/** Unknown types (a newer daemon) get no colour, and are still shown. */
export function eventSeverity(type: string): Severity {
  if (!isEventType(type)) return 'none';
  return BAD_EVENTS.has(type) ? 'bad' : GOOD_EVENTS.has(type) ? 'good' : 'none';
}
