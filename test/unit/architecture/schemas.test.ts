// The Ajv instances of the daemon compile our schemas without checking them against the JSON Schema meta-schema
// (that compiled the meta-schema at every start): the check is here instead, once per schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import { BoardConfigSchema } from '../../../src/daemon/config/schema.js';
import { StateSchema } from '../../../src/store/state-schema.js';
import { DiagnosticsArgs, LogLevelArgs } from '../../../src/daemon/diagnostics/commands.js';
import { StkmRequest } from '../../../src/daemon/player-exchange.js';

const schemas: Record<string, TSchema> = { BoardConfigSchema, StateSchema, DiagnosticsArgs, LogLevelArgs, StkmRequest };

test('every schema the daemon compiles at run time is valid JSON Schema (draft-07 meta-schema)', () => {
  const ajv = new Ajv({ strict: false });
  for (const [name, schema] of Object.entries(schemas)) {
    const ok = ajv.validateSchema(schema);
    assert.equal(ok, true, `${name}: ${ajv.errorsText(ajv.errors)}`);
  }
});

test('the meta-schema check fails on a broken schema (the test can fail)', () => {
  const ajv = new Ajv({ strict: false });
  assert.equal(ajv.validateSchema({ type: 'object', properties: { a: { type: 'integer', minimum: 'zero' } } }), false);
});
