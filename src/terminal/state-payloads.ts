// The payloads of the retained topics the terminal owns (registration, keys/<kd>/<group>, traffic/<kd>/<mskId>),
// as schemas: PublishPort takes their types, the daemon's topic contract exports them (docs/schema/topics.json).
// The publisher adds `ts`.
import { Type, type Static } from '@sinclair/typebox';
import { Count, IsoTime, KeyDomainId, KeyGroup, KeyNumber, MskIdHex, MtkIdRange, Nullable, Payload, StringEnum } from './contract-kit.js';
import { TRIGGER_KINDS } from './triggers.js';

export const RegistrationPayload = Payload('The registration with the BSM and the trigger of the last change.', {
  state: StringEnum(['unregistered', 'registered'] as const),
  services: Type.Array(Type.String(), { description: 'what the BSM holds for this terminal' }),
  registeredAt: Nullable(IsoTime('when the last registration was answered')),
  lastTrigger: Nullable(
    Type.Object(
      { kind: StringEnum(TRIGGER_KINDS), at: IsoTime('when the trigger arrived'), source: Type.Optional(Type.String()) },
      { additionalProperties: false },
    ),
  ),
  refused: Type.Optional(
    Type.Array(Type.Object({ serviceId: Type.String(), status: Type.Integer(), reason: Type.Optional(Type.String()) }, { additionalProperties: false }), {
      description: 'services the BSM refused in the last registration',
    }),
  ),
});
export type RegistrationPayload = Static<typeof RegistrationPayload>;

export const KeyGroupPayload = Payload('The MSKs the terminal holds for one key domain and key group (metadata only).', {
  keyDomainId: KeyDomainId,
  keyGroup: KeyGroup,
  count: Count('MSKs held (EF_MSK holds two per group)'),
  msks: Type.Array(
    Type.Object(
      { mskId: MskIdHex, keyNumber: KeyNumber, storedAt: IsoTime('when the MSK was stored'), mtkIdRange: Type.Optional(MtkIdRange) },
      { additionalProperties: false },
    ),
  ),
});
export type KeyGroupPayload = Static<typeof KeyGroupPayload>;

export const TrafficPayload = Payload('Whether traffic protected under this MSK can be decrypted (what a player asks).', {
  keyDomainId: KeyDomainId,
  mskId: MskIdHex,
  keyGroup: KeyGroup,
  keyNumber: KeyNumber,
  ready: Type.Boolean(),
  mtkIdRange: Type.Optional(MtkIdRange),
  reason: Type.Optional(StringEnum(['superseded'] as const, { description: 'why it is no longer ready (the topic is cleared next)' })),
});
export type TrafficPayload = Static<typeof TrafficPayload>;
