// Parsing of inbound MQTT payloads, in the only safe order: the size first (before any JSON.parse or regex can
// spend time on it), then JSON, then the JSON Schema of the topic. The result is typed or a reason: never a throw.
import type { Static, TSchema } from '@sinclair/typebox';
import type { ValidateFunction } from 'ajv';
import { schemaCompiler } from './schema-compiler.js';

export type Inbound<T> =
  | { ok: true; value: T }
  /** `parsed`: the JSON when it parsed but broke the schema (to echo a request id from it), else undefined. */
  | { ok: false; code: 'too_large' | 'malformed_request'; reason: string; parsed?: unknown };

export interface InboundParser<S extends TSchema> {
  (payload: Buffer): Inbound<Static<S>>;
  readonly maxBytes: number;
}

/** A parser for one topic's payloads: at most `maxBytes`, JSON, valid against `schema`. */
export function inboundParser<S extends TSchema>(schema: S, maxBytes: number): InboundParser<S> {
  // Compiled on the first payload, not at start (a topic may never carry one).
  let check: ValidateFunction | undefined;
  const parse = (payload: Buffer): Inbound<Static<S>> => {
    if (payload.length > maxBytes) return { ok: false, code: 'too_large', reason: `payload of ${payload.length} bytes exceeds ${maxBytes}` };
    let value: unknown;
    try {
      value = JSON.parse(payload.toString('utf8'));
    } catch (e) {
      return { ok: false, code: 'malformed_request', reason: `payload is not JSON: ${(e as Error).message}` };
    }
    check ??= schemaCompiler().compile(schema);
    if (!check(value)) {
      const e = check.errors?.[0];
      const where = e?.instancePath || '/';
      const what = e?.keyword === 'additionalProperties' ? `has unknown field "${String(e.params['additionalProperty'])}"` : (e?.message ?? 'is invalid');
      return { ok: false, code: 'malformed_request', reason: `payload ${where} ${what}`, parsed: value };
    }
    return { ok: true, value: value as Static<S> };
  };
  return Object.assign(parse, { maxBytes });
}
