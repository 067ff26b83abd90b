// The one JSON Schema compiler of the MQTT layer (command arguments, inbound payloads), loaded on the first
// schema it is asked for, not at start: an idle daemon never needs one (the board config and state file have
// validators generated at build time), and loading ajv's compiler costs ~3 MB of resident memory.
import { createRequire } from 'node:module';
import type { Ajv } from 'ajv';

const load = createRequire(import.meta.url);
let ajv: Ajv | undefined;

export function schemaCompiler(): Ajv {
  // validateSchema off: checking our own schemas against the JSON Schema meta-schema compiled the meta-schema
  // at every start (~40 ms of CPU per Ajv instance); test/unit/architecture/schemas.test.ts does that check instead.
  if (ajv === undefined) {
    // A named constructor, not `new (load('ajv')).Ajv(…)`: tsc 7 drops those parentheses on emit, which turns
    // the expression into `(new load('ajv')).Ajv(…)`.
    const AjvClass = (load('ajv') as typeof import('ajv')).Ajv;
    ajv = new AjvClass({ allErrors: false, strict: true, validateSchema: false });
  }
  return ajv;
}
