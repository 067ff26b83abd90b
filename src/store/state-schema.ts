/**
 * The persisted state model (`<state dir>/state.json`, DESIGN.md contract 4), defined once as a TypeBox
 * schema that ajv checks on every load and every update. Metadata only: there is no field that could
 * hold key material, and `additionalProperties: false` on every object means none can be added.
 * The B-TID is stored (it is needed across restarts) but the store never logs state contents.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { ValidateFunction } from 'ajv';
import { validate as generatedValidator } from './state-validator.generated.js';
import { StoreError } from './errors.js';
import { assertNoKeyMaterial } from './key-material.js';
import { TRIGGER_KINDS } from '../codec/xml/bsm-names.js';

/** Bump when the shape changes, and add a migration from the previous version to MIGRATIONS. */
export const STATE_VERSION = 1;

const closed = { additionalProperties: false } as const;
const enumOf = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

/** xs:dateTime as the BSF sends it (time zone optional) or as toISOString() writes it. */
const DateTime = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})?$' });
const Hex = (bytes: number) => Type.String({ pattern: `^[0-9a-f]{${bytes * 2}}$` });
const U16 = Type.Integer({ minimum: 0, maximum: 0xffff });

export const REGISTRATION_STATES = ['unregistered', 'registering', 'registered', 'deregistering'] as const;
/** The registration triggers, each recorded with its kind (the one table is the codec's, as the terminal's). */
export { TRIGGER_KINDS };
/** What became of an MSK the BSM delivered (from the LTKM result). */
export const KEY_STATUSES = ['stored', 'expired', 'deleted', 'rejected'] as const;

const TriggerSchema = Type.Object(
  { kind: enumOf(TRIGGER_KINDS), at: DateTime, source: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })) },
  closed,
);

const RegistrationSchema = Type.Object(
  {
    state: enumOf(REGISTRATION_STATES),
    services: Type.Array(Type.String({ minLength: 1, maxLength: 512 }), { uniqueItems: true, maxItems: 1024 }),
    registeredAt: Type.Optional(DateTime),
    lastTrigger: Type.Optional(TriggerSchema),
  },
  closed,
);

const GbaSchema = Type.Object(
  {
    /** Needed to reuse the bootstrap after a restart; never logged whole. */
    btid: Type.String({ minLength: 1, maxLength: 512 }),
    lifetime: DateTime,
  },
  closed,
);

const KeyStatusSchema = Type.Object(
  {
    /** MCC||MNC, 3 bytes. */
    keyDomainId: Hex(3),
    /** MSK ID bytes 0-1 and 2-3 (SPEC §2); kept beside mskId because topics are keyed by key group. */
    keyGroup: U16,
    keyNumber: U16,
    mskId: Hex(4),
    /** MTK ID range the MSK is valid for (KV interval of the MSK message). */
    validFrom: Type.Optional(U16),
    validTo: Type.Optional(U16),
    storedAt: DateTime,
    status: enumOf(KEY_STATUSES),
  },
  closed,
);

export const StateSchema = Type.Object(
  {
    version: Type.Literal(STATE_VERSION),
    registration: RegistrationSchema,
    gba: Type.Optional(GbaSchema),
    keys: Type.Array(KeyStatusSchema, { maxItems: 4096 }),
  },
  closed,
);

export type PersistedState = Static<typeof StateSchema>;
export type KeyStatus = Static<typeof KeyStatusSchema>;
export type RegistrationTrigger = Static<typeof TriggerSchema>;

export function defaultState(): PersistedState {
  return { version: STATE_VERSION, registration: { state: 'unregistered', services: [] }, keys: [] };
}

/** One step: a document of version `from` in, a document of version `from + 1` out. */
export type Migration = (doc: Record<string, unknown>) => Record<string, unknown>;
/** Keyed by the version migrated from. Empty while there is only version 1. */
export const MIGRATIONS: ReadonlyMap<number, Migration> = new Map();

/** Brings a parsed document up to `current` through the migration chain; does not validate. */
export function migrate(doc: unknown, migrations: ReadonlyMap<number, Migration> = MIGRATIONS, current = STATE_VERSION): unknown {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return doc; // the schema will say so
  let d = doc as Record<string, unknown>;
  const found = d['version'];
  if (typeof found !== 'number' || !Number.isInteger(found)) return d;
  let v = found;
  if (v > current) throw new StoreError('unsupported-version', `state file has schema version ${v}, newer than this build's ${current}`, '/version');
  while (v < current) {
    const step = migrations.get(v);
    if (!step) throw new StoreError('unsupported-version', `no migration from state schema version ${v} to ${current}`, '/version');
    d = step(d);
    if (d['version'] !== v + 1) throw new StoreError('unsupported-version', `migration from version ${v} did not produce version ${v + 1}`, '/version');
    v = v + 1;
  }
  return d;
}

/** ajv's code for StateSchema, generated at build time (scripts/gen-validators.mjs): no compiler at run time. */
const check = generatedValidator as unknown as ValidateFunction<PersistedState>;

/** Throws StoreError unless `value` is a valid, key-free state; returns it typed. */
export function validateState(value: unknown): PersistedState {
  assertNoKeyMaterial(value);
  if (!check(value)) {
    const e = check.errors?.[0];
    const path = e?.instancePath ?? '';
    const what = e?.keyword === 'additionalProperties' ? `has unknown field "${String(e.params['additionalProperty'])}"` : (e?.message ?? 'is invalid');
    throw new StoreError('invalid', `state ${path || '/'} ${what}`, path);
  }
  value.keys.forEach((k, i) => {
    // The MSK ID is Key Group || Key Number (SPEC §2): both views must agree.
    const expected = k.keyGroup.toString(16).padStart(4, '0') + k.keyNumber.toString(16).padStart(4, '0');
    if (k.mskId !== expected) throw new StoreError('invalid', `state /keys/${i}/mskId does not match keyGroup/keyNumber`, `/keys/${i}/mskId`);
    if (k.validFrom !== undefined && k.validTo !== undefined && k.validFrom > k.validTo) {
      throw new StoreError('invalid', `state /keys/${i} has validFrom after validTo`, `/keys/${i}/validFrom`);
    }
  });
  return value;
}

/** File text → valid current state, or StoreError ('corrupt' | 'unsupported-version' | 'invalid' | 'key-material'). */
export function parseState(text: string, migrations: ReadonlyMap<number, Migration> = MIGRATIONS): PersistedState {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new StoreError('corrupt', `state file is not JSON (${text.length} bytes)`, '', { cause: err });
  }
  return validateState(migrate(doc, migrations));
}

export function serializeState(state: PersistedState): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}
