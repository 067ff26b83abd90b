// The payloads of every retained state topic of TOPIC_TABLE, as schemas: the terminal's own (registration, keys,
// traffic) from the domain, the rest (status, info, health, modem, pdp, card, gba) written here where the daemon
// builds them. The publish port takes their types; scripts/gen-contract-schemas.mjs exports them with the topic
// patterns as docs/schema/topics.json. The publisher adds `ts`.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { TopicName } from '../mqtt/topics.js';
import { Count, Nullable, Payload, StringEnum } from '../terminal/contract-kit.js';
import { KeyGroupPayload, RegistrationPayload, TrafficPayload } from '../terminal/state-payloads.js';

const Reason = (description: string) => Nullable(Type.String({ description }));
const OpenObject = (description: string) => Type.Object({}, { description, additionalProperties: true });
const GbaMode = StringEnum(['gba-u', 'gba-me'] as const);

export const STATE_PAYLOADS = {
  status: Payload('The terminal phase (the broker publishes {"state":"lost"} when the connection dies).', {
    state: Type.String({ description: 'a terminal phase (init, modem, card, pdp, gba, registering, ready, degraded, stopping, offline) or lost' }),
    reason: Type.Optional(Type.String()),
  }),
  info: Payload('What runs: board, device, versions.', {
    board: Type.String(),
    deviceId: Type.String(),
    version: Type.String(),
    modemProfile: Type.String(),
    card: Type.String({ description: 'the card transport, or the simulated card path on the sim board' }),
    node: Type.String(),
  }),
  health: Payload('Process figures and counters, every mqtt.healthIntervalMs.', {
    uptimeS: Type.Number({ minimum: 0 }),
    rssBytes: Count('resident set size'),
    heapUsedBytes: Count('V8 heap used'),
    heapTotalBytes: Count('V8 heap total'),
    eventLoopLagMs: OpenObject('event-loop delay over the last period while there was work'),
    counters: OpenObject('per component: mqtt, terminal, modem, ltkm, bsm, gba, store, player'),
  }),
  modem: Payload('The modem link and network coverage (the link or the coverage change that was last).', {
    state: Type.String({ description: 'link state: closed, opening, initialising, ready, probing, reopening, resetting, backoff' }),
    previous: Type.Optional(Type.String()),
    reason: Type.Optional(Reason('why the link changed')),
    coverage: Nullable(Type.Boolean({ description: 'registered on a network; null before the first report' })),
    registration: Type.Optional(Nullable(OpenObject('the +CREG/+CGREG/+CEREG report that decided the coverage'))),
    manufacturer: Type.Optional(Nullable(Type.String())),
    model: Type.Optional(Nullable(Type.String())),
    revision: Type.Optional(Nullable(Type.String())),
  }),
  pdp: Payload('The PDP context.', {
    state: StringEnum(['inactive', 'activating', 'active', 'deactivating', 'failed'] as const),
    previous: StringEnum(['inactive', 'activating', 'active', 'deactivating', 'failed'] as const),
    reason: Reason('why it changed'),
    address: Nullable(
      Type.Object({ cid: Type.Integer(), ipv4: Nullable(Type.String()), ipv6: Nullable(Type.String()) }, { additionalProperties: false }),
    ),
  }),
  card: Payload('The USIM: its state, and once ready what the terminal uses of it (the IMSI masked).', {
    state: StringEnum(['absent', 'present', 'selecting', 'ready', 'pin-required', 'error'] as const),
    previous: StringEnum(['absent', 'present', 'selecting', 'ready', 'pin-required', 'error'] as const),
    reason: Reason('why, for error and pin-required'),
    imsi: Type.Optional(Type.String({ description: 'masked' })),
    mcc: Type.Optional(Type.String()),
    mnc: Type.Optional(Type.String()),
    gbaMode: Type.Optional(GbaMode),
    mbms: Type.Optional(Type.Boolean()),
    services: Type.Optional(
      Type.Object({ gba: Type.Boolean(), mbmsSecurity: Type.Boolean(), bcastSmartcardProfile: Type.Boolean() }, { additionalProperties: false }),
    ),
    reader: Type.Optional(Type.String()),
  }),
  gba: Payload('The GBA session (the B-TID masked).', {
    state: StringEnum(['idle', 'bootstrapping', 'resyncing', 'bootstrapped', 'expired', 'failed'] as const),
    reason: Reason('why it changed'),
    btid: Nullable(Type.String({ description: 'masked' })),
    lifetime: Nullable(Type.String({ format: 'date-time' })),
    mode: Nullable(GbaMode),
  }),
  registration: RegistrationPayload,
  keys: KeyGroupPayload,
  traffic: TrafficPayload,
} satisfies Partial<Record<TopicName, TSchema>>;

export type StatePayloads = typeof STATE_PAYLOADS;
/** The retained topics whose payload the daemon itself builds (the terminal's go through its PublishPort). */
export type DaemonStateTopic = 'modem' | 'pdp' | 'card' | 'gba';
export type StatePayload<N extends keyof StatePayloads> = Static<StatePayloads[N]>;
