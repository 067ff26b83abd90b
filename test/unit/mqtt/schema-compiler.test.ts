// The MQTT layer's lazily loaded schema compiler, through the module the commands and inbound payloads use:
// it loads ajv on first use, compiles a schema that accepts and refuses, and stays one instance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schemaCompiler } from '../../../src/mqtt/schema-compiler.js';

test('schemaCompiler: compiles a schema on first use, accepts and refuses by it, one instance', () => {
  const compiler = schemaCompiler();
  const validate = compiler.compile({
    type: 'object',
    properties: { keyGroup: { type: 'integer', minimum: 0 } },
    required: ['keyGroup'],
    additionalProperties: false,
  });
  assert.equal(validate({ keyGroup: 0 }), true);
  assert.equal(validate({ keyGroup: -1 }), false);
  assert.equal(validate({ keyGroup: 1, extra: true }), false);
  assert.equal(schemaCompiler(), compiler);
});

test('schemaCompiler: strict mode refuses a schema with an unknown keyword', () => {
  assert.throws(() => schemaCompiler().compile({ type: 'object', notAKeyword: 1 }), /strict mode/);
});
