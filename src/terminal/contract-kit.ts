// Small TypeBox builders for the published contracts (events, retained state topics): each payload is written
// once as a schema, its TypeScript type is derived from it, and the same schema is exported as JSON Schema.
import { Type, type SchemaOptions, type TProperties, type TObject, type TSchema } from '@sinclair/typebox';

/** A payload object: a misspelt or new field is a schema error, so the table and the emit sites cannot drift. */
export function Payload<T extends TProperties>(description: string, properties: T): TObject<T> {
  return Type.Object(properties, { description, additionalProperties: false });
}

/** A string from a closed list, as a plain JSON Schema `enum`. */
export function StringEnum<const T extends readonly string[]>(values: T, options: SchemaOptions = {}) {
  return Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values] });
}

/** The keys of a `Record<Union, true>`: a runtime list checked against a TypeScript union at compile time. */
export function keysOf<K extends string>(record: Record<K, true>): readonly K[] {
  return Object.keys(record) as K[];
}

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const KeyDomainId = Type.String({ pattern: '^[0-9a-fA-F]{6}$', description: 'Key Domain ID (MCC||MNC, 3 bytes), hex' });
export const KeyGroup = Type.Integer({ minimum: 0, maximum: 0xffff, description: 'MSK Key Group (the upper 16 bits of the MSK ID)' });
export const KeyNumber = Type.Integer({ minimum: 0, maximum: 0xffff, description: 'MSK Key Number (the lower 16 bits of the MSK ID)' });
export const MskIdHex = Type.String({ pattern: '^[0-9a-f]{8}$', description: 'MSK ID: Key Group || Key Number, 4 bytes, hex' });
export const Count = (description: string) => Type.Integer({ minimum: 0, description });
export const Millis = (description: string) => Type.Number({ minimum: 0, description });
export const IsoTime = (description: string) => Type.String({ format: 'date-time', description });
export const MtkIdRange = Type.Object(
  { from: Type.Integer({ minimum: 0 }), to: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false, description: 'MTK ID range the MSK is valid for, when the LTKM said' },
);
