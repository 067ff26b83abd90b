/**
 * Small builders on top of TypeBox so the board-config schema is written once and its TypeScript
 * type (`Static<…>`) is the shape the loader hands out — after defaults and derived values are filled.
 */
import { Type, type Static, type TSchema, type TProperties, type TObject, type ObjectOptions, type SchemaOptions } from '@sinclair/typebox';

/**
 * Annotation keyword holding the short "must be …" text for a field whose constraint (a pattern, a
 * format, a union) would otherwise read badly in an error message. Declared to ajv in validate.ts;
 * other JSON Schema tools ignore it.
 */
export const EXPECTED = 'x-expected';

/**
 * Optional in the file, always present once loaded: ajv (`useDefaults`) writes `value` in before
 * validating, so the static type says "present". The default is validated like any written value.
 */
export function Defaulted<T extends TSchema>(schema: T, value: Static<T>): T {
  return Type.Optional({ ...schema, default: value }) as unknown as T;
}

/** A section whose fields all have defaults: it may be left out, and is then filled in as `{}` + defaults. */
export function Section<T extends TProperties>(properties: T, options: ObjectOptions): TObject<T> {
  return Type.Optional(Strict(properties, { ...options, default: {} })) as unknown as TObject<T>;
}

/** Optional in the file, always present once loaded: the loader derives it (see rules.ts). */
export function Derived<T extends TSchema>(schema: T): T {
  return Type.Optional(schema) as unknown as T;
}

/** An object that rejects unknown keys, so a typo is an error rather than a silently ignored setting. */
export function Strict<T extends TProperties>(properties: T, options: ObjectOptions): TObject<T> {
  return Type.Object(properties, { ...options, additionalProperties: false });
}

/** A string from a closed list, as a plain JSON Schema `enum` (one clear error instead of an anyOf of consts). */
export function StringEnum<const T extends readonly string[]>(values: T, options: SchemaOptions) {
  return Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values] });
}

/** A string matching `pattern`; `expected` is what the error message says it must be. */
export function Pattern(pattern: string, expected: string, options: SchemaOptions) {
  return Type.String({ ...options, pattern, [EXPECTED]: expected });
}

/** Milliseconds: a non-negative integer. */
export function Millis(options: SchemaOptions & { minimum?: number; maximum?: number }) {
  return Type.Integer({ minimum: 0, ...options });
}

/**
 * An absolute file or device path (relative paths would depend on the daemon's working directory).
 * A leading `${VAR}` is accepted too, so editors checking the unexpanded file against schema.json
 * agree with the loader, which validates the expanded value.
 */
export function AbsPath(options: SchemaOptions) {
  return Pattern('^(/|\\$\\{)', 'an absolute path', options);
}

/** A TCP/UDP port; 0 lets the system pick a free one where the description says so. */
export function Port(options: SchemaOptions) {
  return Type.Integer({ minimum: 0, maximum: 65535, ...options });
}
