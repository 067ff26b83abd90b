// What each daemon event looks like in the sequence diagram: the one table from event type to arrows and notes,
// keyed by EVENT_TABLE's types (a misspelt type or field name does not compile). Fields may still be absent or of
// the wrong type (events come over the network, maybe from another version): each is read defensively and a
// label simply leaves out what is missing. Unknown event types become a note on the terminal.
import { isEventType, type EventPayload, type EventType } from '../../terminal/events.js';
import type { TraceEvent } from './events.js';
import { clean, truncate } from './format.js';

/**
 * The lifelines, in their fixed left-to-right order: the modem left of the terminal (SMS arrows stay short),
 * then the card (or the ME's side in GBA_ME) the terminal asks for MIKEY checks and AKA, then the network
 * functions in the order the flow reaches them (BSF for GBA, BSM for registration and LTKMs), and the local
 * player last. Only participants that appear in a trace are drawn.
 */
export const PARTICIPANTS = ['modem', 'terminal', 'card', 'BSF', 'BSM', 'player'] as const;
export type Participant = (typeof PARTICIPANTS)[number];

export type StepStatus = 'ok' | 'error';

export type Draft =
  | {
      kind: 'arrow';
      from: Participant;
      to: Participant;
      label: string;
      status: StepStatus;
      /** The time the request or answer took, shown on the arrow. */
      durationMs?: number;
      /** The arrow happened this long before the event (the request half of a "…took N ms" event). */
      leadMs?: number;
    }
  | { kind: 'note'; on: Participant; text: string; status: StepStatus };

export interface FlowContext {
  /** `bsm-request` events by id, for answers whose request is known (even from before --since). */
  bsmRequests: ReadonlyMap<number, TraceEvent>;
}

const LABEL_MAX = 100;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const dur = (v: unknown): number | undefined => {
  const n = num(v);
  return n !== undefined && n >= 0 ? n : undefined;
};
const list = (v: unknown, max = 4): string => {
  if (!Array.isArray(v)) return clean(v);
  const items = v.map((x) => clean(x, 40)).filter((x) => x !== '');
  return items.length > max ? `${items.slice(0, max).join(', ')} +${items.length - max} more` : items.join(', ');
};
/** `text` followed by ` (<inner>)` when inner is not empty. */
const paren = (text: string, inner: string) => (inner ? `${text} (${inner})` : text);
const gbaName = (mode: unknown) => (mode === 'gba-u' ? 'GBA_U' : mode === 'gba-me' ? 'GBA_ME' : clean(mode, 20));
const arrow = (from: Participant, to: Participant, label: string, extra: Partial<Extract<Draft, { kind: 'arrow' }>> = {}): Draft => ({
  kind: 'arrow',
  from,
  to,
  label: truncate(label, LABEL_MAX, '…'),
  status: 'ok',
  ...extra,
});
const note = (text: string, status: StepStatus = 'ok', on: Participant = 'terminal'): Draft => ({ kind: 'note', on, text: truncate(text, LABEL_MAX, '…'), status });
const withLead = (d: number | undefined) => (d === undefined ? {} : { leadMs: d });
const withDuration = (d: number | undefined) => (d === undefined ? {} : { durationMs: d });
const httpOk = (s: number | undefined) => s !== undefined && s >= 200 && s < 300;

/** An event's fields as they arrive: the table's names, values unchecked. */
type Loose<T extends EventType> = { readonly [K in keyof EventPayload<T>]?: unknown };
type Draw<F> = (f: F, e: TraceEvent, ctx: FlowContext) => Draft[];

function bsmResponse(f: Loose<'bsm-response'>, at: number, ctx: FlowContext): Draft {
  const id = num(f.id);
  const request = id === undefined ? undefined : ctx.bsmRequests.get(id);
  const status = num(f.status);
  // The event's own figure (retries included) wins; else the time since its request.
  const took = dur(f.durationMs) ?? (request && request.atMs <= at ? at - request.atMs : undefined);
  const results = Array.isArray(f.results) ? (f.results as unknown[]) : [];
  const refused = results.filter((r) => typeof r === 'object' && r !== null && num((r as Record<string, unknown>)['status']) !== undefined && !httpOk(num((r as Record<string, unknown>)['status']))).length;
  let label: string;
  if (status === undefined) label = 'answer';
  else if (status === 0) label = `failed: ${clean(f.reason) || 'network error'}`;
  else label = httpOk(status) ? String(status) : `${status}${f.reason ? ` ${clean(f.reason)}` : ''}`;
  if (refused > 0) label += `, ${refused} refused`;
  // Without its request in view, say what this answers.
  if (!request && f.action) label = `${clean(f.action, 20)}: ${label}`;
  const failed = (status !== undefined && !httpOk(status)) || refused > 0;
  return arrow('BSM', 'terminal', label, { status: failed ? 'error' : 'ok', ...withDuration(took) });
}

/** bcastd's events (EVENT_TABLE). One without an entry is drawn generically, like an unknown one. */
const DAEMON_EVENTS: { readonly [T in EventType]?: Draw<Loose<T>> } = {
  sms: (f) => {
    const parts = num(f.parts);
    return [arrow('modem', 'terminal', paren('SMS', parts === undefined ? '' : `${parts} part${parts === 1 ? '' : 's'}`))];
  },
  'wap-push': (f) => {
    const bytes = num(f.bytes);
    return [note(`WAP push ${clean(f.contentType, 40) || '?'}${bytes === undefined ? '' : `, ${bytes} B`}`)];
  },
  'mikey-checked': (f) => {
    const me = f.mode === 'gba-me';
    const took = dur(f.durationMs);
    const ok = f.ok;
    const answer = ok === true ? 'ok' : ok === false ? `rejected${f.reason ? `: ${clean(f.reason)}` : ''}` : 'checked';
    return [
      arrow('terminal', 'card', `${paren('MIKEY check', clean(f.purpose, 30))}${me ? ' [ME]' : ''}`, withLead(took)),
      arrow('card', 'terminal', answer, { status: ok === false ? 'error' : 'ok', ...withDuration(took) }),
    ];
  },
  'solicited-pull': (f) => {
    const kg = num(f.keyGroup);
    return [note(paren(`solicited pull, key group ${kg ?? '?'}`, clean(f.source, 20)))];
  },
  trigger: (f) => [note(`trigger ${paren(clean(f.kind, 30) || '?', clean(f.source, 20))}${f.action ? ` → ${clean(f.action, 30)}` : ''}`)],
  'gba-bootstrap': (f) => {
    const phase = f.phase;
    const took = dur(f.durationMs);
    if (phase === 'started') return [arrow('terminal', 'BSF', paren('bootstrap', gbaName(f.mode)))];
    if (phase === 'done') return [arrow('BSF', 'terminal', '200 B-TID', withDuration(took))];
    if (phase === 'failed') return [arrow('BSF', 'terminal', `bootstrap failed${f.reason ? `: ${clean(f.reason)}` : ''}`, { status: 'error', ...withDuration(took) })];
    return [note(`bootstrap ${clean(phase, 20) || '?'}`)];
  },
  'bsm-request': (f) => {
    const action = clean(f.action, 20) || 'request';
    const what = Array.isArray(f.services) ? list(f.services) : Array.isArray(f.keyGroups) ? `key group ${list(f.keyGroups)}` : '';
    return [arrow('terminal', 'BSM', what ? `${action} ${what}` : action)];
  },
  'bsm-response': (f, e, ctx) => [bsmResponse(f, e.atMs, ctx)],
  'ltkm-received': (f) => {
    const what = f.purpose === 'solicited-pull' ? 'solicited pull' : 'LTKM push';
    const via = f.source === 'sms' ? 'via SMS' : clean(f.source, 20);
    return [arrow('BSM', 'terminal', paren(what, via))];
  },
  'verification-sent': () => [arrow('terminal', 'BSM', 'verification')],
  'key-stored': (f) => [arrow('card', 'terminal', `MSK stored ${clean(f.mskId, 20) || '?'}`)],
  'key-ready': (f) => {
    const kd = clean(f.keyDomainId, 20);
    const kg = num(f.keyGroup);
    return [arrow('terminal', 'player', kd && kg !== undefined ? `key ready (keys/${kd}/${kg})` : 'key ready')];
  },
  'stkm-received': (f) => [arrow('player', 'terminal', paren('STKM', num(f.bytes) === undefined ? '' : `${num(f.bytes)} bytes`))],
  'tek-delivered': (f) => {
    const mtk = num(f.mtkId);
    // serviceId: not in this version's event; drawn when a capture carries it.
    const serviceId = (f as Readonly<Record<string, unknown>>)['serviceId'];
    const inner = [clean(serviceId, 40), mtk === undefined ? '' : `MTK ${mtk}`].filter(Boolean).join(', ');
    return [arrow('terminal', 'player', paren('TEK', inner))];
  },
  registered: (f) => [note(`registered ${list(f.services) || '(no service)'}${Array.isArray(f.refused) && f.refused.length ? `; refused ${list(f.refused)}` : ''}`)],
  'msk-requested': (f) => [note(`MSKs requested${Array.isArray(f.keyGroups) ? ` for key group ${list(f.keyGroups)}` : ''}`)],
  deregistered: () => [note('deregistered')],
  'request-failed': (f) => [note(`${clean(f.action, 20) || 'request'} failed${f.reason ? `: ${clean(f.reason)}` : ''}`, 'error')],
  rejected: (f) => [note(`rejected ${clean(f.reason, 30) || ''}${f.detail ? `: ${clean(f.detail)}` : ''}${f.source ? ` (${clean(f.source, 20)})` : ''}`, 'error')],
  'bring-up-failed': (f) => [note(`bring-up failed${f.step ? ` at ${clean(f.step, 20)}` : ''}${f.reason ? `: ${clean(f.reason)}` : ''}`, 'error')],
  'sms-undecodable': (f) => [note(`undecodable SMS${f.stage ? ` (${clean(f.stage, 20)})` : ''}${f.detail ? `: ${clean(f.detail)}` : ''}`, 'error')],
  'sms-expired': (f) => {
    const got = num(f.received);
    const total = num(f.total);
    return [note(`SMS parts expired${got !== undefined && total !== undefined ? ` (${got}/${total})` : ''}`, 'error')];
  },
};

/**
 * Events from other sources than bcastd's event table: the reference player's log (bcastctl trace --player,
 * `player-<event>`), and `card-aka`, an AKA timing event this bcastd does not emit (drawn when an input has it).
 */
const OTHER_EVENTS: Readonly<Record<string, Draw<Readonly<Record<string, unknown>>>>> = {
  'card-aka': (f) => {
    const took = dur(f['durationMs']);
    const failed = f['ok'] === false;
    return [
      arrow('terminal', 'card', 'AUTHENTICATE', withLead(took)),
      arrow('card', 'terminal', failed ? 'AKA failed' : 'RES', { status: failed ? 'error' : 'ok', ...withDuration(took) }),
    ];
  },
  // The player's own log: what only the player sees.
  'player-stkm': (f) => [note(paren('STKM from the broadcast, TEK asked', clean(f['mki'], 20) ? `MKI ${clean(f['mki'], 20)}` : ''), 'ok', 'player')],
  'player-tek': (f) => [
    note(paren('TEK handed to srtpdec', [clean(f['mki'], 20) ? `MKI ${clean(f['mki'], 20)}` : '', dur(f['ms']) === undefined ? '' : `${dur(f['ms'])} ms after asking`].filter(Boolean).join(', ')), 'ok', 'player'),
  ],
  'player-tek-refused': (f) => [note(paren('TEK refused', clean(f['code'], 40)), 'error', 'player')],
  'player-first-frame': (f) => [note(paren('first frame decrypted', clean(f['mki'], 20) ? `MKI ${clean(f['mki'], 20)}` : ''), 'ok', 'player')],
  'player-error': (f) => [note(paren('player error', clean(f['message'])), 'error', 'player')],
};

/** The arrows and notes one event stands for, in drawing order. */
export function draftsFor(e: TraceEvent, ctx: FlowContext): Draft[] {
  const f = e.fields;
  const draw = isEventType(e.type) ? (DAEMON_EVENTS[e.type] as Draw<typeof f> | undefined) : Object.hasOwn(OTHER_EVENTS, e.type) ? OTHER_EVENTS[e.type] : undefined;
  if (draw) return draw(f, e, ctx);
  // Unknown to this bcastctl (a newer daemon, another tool): its type and a few plain fields, so it is at least seen.
  const extra = Object.entries(f)
    .filter(([k, v]) => k !== 'type' && k !== 'ts' && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'))
    .slice(0, 3)
    .map(([k, v]) => `${clean(k, 20)}=${clean(v, 30)}`);
  return [note([clean(e.type, 40), ...extra].join(' '))];
}
