/**
 * The event vocabulary (DESIGN.md "Contracts" 2: events on `events`, not retained, and the daemon's `events`
 * command): every event type bcastd emits with its fields, in one table. The terminal, the daemon, `bcastctl
 * trace` and `watch` derive their types from it; scripts/gen-contract-schemas.mjs exports it as
 * docs/schema/events.json for player vendors and dashboards. `type` and `ts` are added by the publisher.
 * It sits in the domain layer so the terminal, the daemon and the CLI import it without an upward arrow.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Count, KeyDomainId, KeyGroup, keysOf, Millis, MskIdHex, Nullable, Payload, StringEnum } from './contract-kit.js';
import { LTKM_REJECT_REASONS } from './ltkm/types.js';
import type { TerminalPhase } from './terminal.js';
import { TRIGGER_KINDS } from './triggers.js';

// Runtime lists of TypeScript unions defined elsewhere, checked both ways by Record<Union, true>.
const PHASES = keysOf<TerminalPhase>({ init: true, modem: true, card: true, pdp: true, gba: true, registering: true, ready: true, degraded: true, stopping: true, offline: true });
const REJECT_REASONS = LTKM_REJECT_REASONS;

const Trigger = StringEnum(TRIGGER_KINDS, { description: 'what caused the BSM request' });
const BsmActionType = StringEnum(['register', 'msk-request', 'deregister'] as const, { description: 'the BSM request' });
const Source = Type.String({ description: 'where it came from: "sms", "udp", "terminal", "command" …' });
const Bytes = Count('size in bytes');
const DurationMs = Millis('how long it took, in ms');
const Purpose = StringEnum(['solicited-pull', 'ltkm'] as const, { description: 'a key-less solicited pull, or an LTKM carrying an MSK' });
const LtkmVia = StringEnum(['udp', 'sms'] as const, { description: 'the bearer the MIKEY message came by' });
const SmsVia = StringEnum(['cmt', 'stored'] as const, { description: 'delivered directly (+CMT) or read from the SIM/modem store' });
const GbaMode = StringEnum(['gba-u', 'gba-me'] as const, { description: 'GBA_U (keys in the USIM) or GBA_ME (keys in the ME)' });
const HttpStatus = Type.Integer({ minimum: 0, maximum: 999, description: 'HTTP-style status; 0 when no answer came (network error)' });
const ServiceResult = Type.Object(
  { serviceId: Type.String(), status: HttpStatus, reason: Type.Optional(Type.String()) },
  { additionalProperties: false, description: "the BSM's answer for one service" },
);
const MskResult = Type.Object(
  { keyDomainId: KeyDomainId, keyGroup: KeyGroup, keyNumber: Type.Integer({ minimum: 0, maximum: 0xffff }), status: HttpStatus, reason: Type.Optional(Type.String()) },
  { additionalProperties: false, description: "the BSM's answer for one requested key group" },
);

export const EVENT_TABLE = {
  // ---- the terminal ----
  'bring-up-failed': Payload('A bring-up step failed; retried after retryInMs.', {
    step: StringEnum(['modem', 'card', 'pdp', 'gba'] as const),
    reason: Type.String(),
    retryInMs: Millis('delay before the next attempt'),
  }),
  'trigger-held': Payload('A trigger arrived before the terminal was up: held until it is (bounded).', {
    what: Type.String({ description: 'the trigger and its action' }),
    phase: StringEnum(PHASES),
    waiting: Count('triggers held now'),
  }),
  trigger: Payload('A registration trigger (SPEC "change request"): the BSM request it queued.', {
    kind: Trigger,
    source: Nullable(Source),
    action: BsmActionType,
  }),
  registered: Payload('The BSM answered a registration: the services it accepted and those it refused.', {
    services: Type.Array(Type.String()),
    refused: Type.Array(ServiceResult),
    trigger: Trigger,
    coalescedTriggers: Count('triggers this one request answered'),
  }),
  'msk-requested': Payload('The BSM answered an MSK request (the keys themselves come as LTKMs).', {
    keyDomainId: KeyDomainId,
    keyGroups: Type.Array(KeyGroup),
    results: Type.Array(MskResult),
    trigger: Trigger,
  }),
  deregistered: Payload('The BSM answered a de-registration.', { results: Type.Array(ServiceResult) }),
  'request-failed': Payload('A BSM request failed (a registration is retried after a backoff).', {
    action: BsmActionType,
    reason: Type.String(),
  }),
  'solicited-pull': Payload('A MAC- and replay-checked solicited pull (Key Number 0, empty KEMAC, V clear).', {
    keyDomainId: Nullable(KeyDomainId),
    keyGroup: KeyGroup,
    source: Source,
    held: Type.Optional(Type.Literal(true, { description: 'present when the terminal is not up yet: acted on once it is' })),
  }),
  'key-stored': Payload('The card (GBA_U) or the ME (GBA_ME) stored an MSK from an LTKM.', {
    keyDomainId: KeyDomainId,
    mskId: MskIdHex,
    source: Source,
  }),
  'key-ready': Payload('The key status topics of a stored MSK are out: a player can decrypt with it.', {
    keyDomainId: KeyDomainId,
    keyGroup: KeyGroup,
    mskId: MskIdHex,
  }),
  rejected: Payload('Something from the BSM side was not acted on, and why.', {
    reason: StringEnum(REJECT_REASONS),
    detail: Type.String(),
    source: Source,
  }),
  // ---- the LTKM path ----
  'ltkm-received': Payload('A MIKEY message reached the LTKM path.', {
    purpose: Purpose,
    source: LtkmVia,
    from: Type.String({ description: 'address:port of a UDP sender, the originator of an SMS' }),
    bytes: Bytes,
  }),
  'mikey-checked': Payload('The card or the ME checked a MIKEY message (MAC, freshness).', {
    purpose: Purpose,
    ok: Type.Boolean(),
    reason: Type.Optional(Type.String()),
    mode: Nullable(GbaMode),
    durationMs: DurationMs,
    source: LtkmVia,
  }),
  'verification-sent': Payload('The MIKEY verification message went back to the UDP sender.', {
    to: Type.String({ description: 'address:port' }),
    bytes: Bytes,
  }),
  // ---- the modem ----
  sms: Payload('A complete SMS (all parts reassembled) from the modem.', {
    via: SmsVia,
    parts: Count('SMS parts'),
    textual: Type.Boolean({ description: 'a plain text SMS (not a datagram)' }),
    port: Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffff, description: 'the WDP destination port' })),
  }),
  'wap-push': Payload('A WAP push carried by SMS.', {
    contentType: Type.String(),
    applicationId: Nullable(Type.String()),
    bytes: Bytes,
    source: Type.Literal('sms'),
  }),
  'sms-undecodable': Payload('An SMS that could not be decoded (reported, never silently lost).', {
    stage: StringEnum(['pdu-line', 'tpdu', 'wsp'] as const),
    detail: Type.String(),
    via: SmsVia,
  }),
  'sms-expired': Payload('A concatenated SMS whose parts never all arrived (or had to make room).', {
    reason: StringEnum(['timeout', 'evicted', 'too-large'] as const),
    reference: Type.Integer({ minimum: 0 }),
    received: Count('parts that had arrived'),
    total: Count('parts announced'),
  }),
  // ---- GBA and the BSM ----
  'gba-bootstrap': Payload('A GBA bootstrap over Ub started, or ended (done or failed, with its duration).', {
    phase: StringEnum(['started', 'done', 'failed'] as const),
    mode: Nullable(GbaMode),
    durationMs: Type.Optional(DurationMs),
    reason: Type.Optional(Type.String()),
  }),
  'bsm-request': Payload('A request to the BSM went out; its bsm-response has the same id.', {
    action: BsmActionType,
    id: Type.Integer({ minimum: 1 }),
    services: Type.Optional(Type.Array(Type.String())),
    keyDomainId: Type.Optional(KeyDomainId),
    keyGroups: Type.Optional(Type.Array(KeyGroup)),
  }),
  'bsm-response': Payload('The answer to a bsm-request (retries included in durationMs).', {
    action: BsmActionType,
    id: Type.Integer({ minimum: 1 }),
    status: HttpStatus,
    durationMs: DurationMs,
    results: Type.Optional(Type.Array(Type.Union([ServiceResult, MskResult]), { description: 'per service or key group' })),
    reason: Type.Optional(Type.String()),
  }),
  // ---- the player exchange ----
  'stkm-received': Payload('The player handed over an STKM for its TEK.', { bytes: Bytes }),
  'tek-delivered': Payload('A TEK went to the player (the TEK itself never appears in an event).', {
    keyDomainId: KeyDomainId,
    mskId: Type.Object({ keyGroup: KeyGroup, keyNumber: Type.Integer({ minimum: 0, maximum: 0xffff }) }, { additionalProperties: false }),
    mtkId: Type.Integer({ minimum: 0 }),
  }),
};

export type EventTable = typeof EVENT_TABLE;
export type EventType = keyof EventTable;
/** The fields an emitter writes for one event type (without `type` and `ts`). */
export type EventPayload<T extends EventType> = Static<EventTable[T]>;
/** One event as it travels on `events` and sits in the event log. */
export type BcastdEvent = { [T in EventType]: { type: T; ts: string } & EventPayload<T> }[EventType];

export const EVENT_TYPES = Object.keys(EVENT_TABLE) as EventType[];

export function isEventType(type: unknown): type is EventType {
  return typeof type === 'string' && Object.hasOwn(EVENT_TABLE, type);
}

