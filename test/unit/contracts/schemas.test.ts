// The published contracts (DESIGN.md: event and topic payloads exported as JSON Schema): docs/schema/events.json
// and topics.json are exactly what the tables generate, cover every event type and topic, and bite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderEventsSchemaJson, renderTopicsSchemaJson } from '../../../src/daemon/contract-schemas.js';
import { STATE_PAYLOADS } from '../../../src/daemon/state-topics.js';
import { LWT_PAYLOAD, TOPIC_TABLE } from '../../../src/mqtt/topics.js';
import { EVENT_TABLE, EVENT_TYPES, isEventType } from '../../../src/terminal/events.js';
import { contractAjv, EventContract } from '../../helpers/event-contract.js';
import { repoRoot } from '../../helpers/repo.js';
import { purchaseFlowEvents } from '../cli-trace/fixture.js';

const read = (f: string) => readFileSync(join(repoRoot, 'docs', 'schema', f), 'utf8');

test('docs/schema/events.json and topics.json are what the tables generate (run scripts/gen-contract-schemas.mjs)', () => {
  assert.equal(read('events.json'), renderEventsSchemaJson());
  assert.equal(read('topics.json'), renderTopicsSchemaJson());
});

test('scripts/gen-contract-schemas.mjs --check agrees', () => {
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'gen-contract-schemas.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /docs\/schema\/events\.json is up to date/);
  assert.match(r.stdout, /docs\/schema\/topics\.json is up to date/);
});

test('events.json: one definition per event type, oneOf by type, each with type, ts and a description', () => {
  const s = JSON.parse(read('events.json')) as { $id: string; oneOf: Array<{ $ref: string }>; definitions: Record<string, Record<string, unknown>> };
  assert.equal(s.$id, 'urn:bcastd:events');
  assert.deepEqual(Object.keys(s.definitions).sort(), [...EVENT_TYPES].sort());
  assert.deepEqual(s.oneOf.map((r) => r.$ref), EVENT_TYPES.map((t) => `#/definitions/${t}`));
  for (const [type, d] of Object.entries(s.definitions)) {
    assert.equal(typeof d['description'], 'string', type);
    assert.deepEqual((d['properties'] as Record<string, unknown>)['type'], { const: type });
    assert.deepEqual((d['required'] as string[]).slice(0, 2), ['type', 'ts']);
  }
  assert.ok(EVENT_TYPES.length >= 23, `${EVENT_TYPES.length} event types`);
  assert.ok(isEventType('key-ready') && !isEventType('key-redy') && !isEventType('toString'));
});

test('topics.json: every TOPIC_TABLE row with its pattern, retained flag and (for state and events) its payload', () => {
  const s = JSON.parse(read('topics.json')) as { 'x-topics': Array<{ name: string; pattern: string; retained: boolean; payload?: { $ref: string } }>; definitions: Record<string, unknown> };
  assert.deepEqual(s['x-topics'].map((t) => [t.name, t.pattern, t.retained]), Object.entries(TOPIC_TABLE).map(([n, spec]) => [n, spec.pattern, spec.retained]));
  for (const t of s['x-topics']) {
    if (t.retained) assert.equal(t.payload?.$ref, `#/definitions/${t.name}`, `${t.name} is retained state: its payload is typed`);
  }
  assert.equal(s['x-topics'].find((t) => t.name === 'events')?.payload?.$ref, 'urn:bcastd:events');
  assert.deepEqual(Object.keys(s.definitions).sort(), Object.keys(STATE_PAYLOADS).sort());
});

test('the exported schema bites: a missing field, a field the table does not know, a wrong type, an unknown type', () => {
  const c = new EventContract();
  const good = { type: 'key-ready', ts: '2026-01-01T00:00:00.000Z', keyDomainId: '00f110', keyGroup: 3, mskId: '00030009' };
  assert.equal(c.check(good), null);
  const { keyGroup, ...missing } = good;
  void keyGroup;
  assert.notEqual(c.check(missing), null);
  assert.notEqual(c.check({ ...good, serviceId: 'x' }), null);
  assert.notEqual(c.check({ ...good, keyGroup: '3' }), null);
  assert.notEqual(c.check({ ...good, ts: 'yesterday' }), null);
  assert.notEqual(c.check({ ...good, type: 'key-redy' }), null);
  // Every event's table schema is closed the same way.
  for (const [type, schema] of Object.entries(EVENT_TABLE)) assert.equal(schema.additionalProperties, false, type);
});

test('topic payloads validate through topics.json (a retained keys payload, the LWT status without ts)', () => {
  const ajv = contractAjv();
  const keys = ajv.getSchema('urn:bcastd:topics#/definitions/keys')!;
  assert.ok(keys({ keyDomainId: '00f110', keyGroup: 3, count: 1, msks: [{ mskId: '00030009', keyNumber: 9, storedAt: '2026-01-01T00:00:00.000Z' }], ts: '2026-01-01T00:00:00.000Z' }), JSON.stringify(keys.errors));
  assert.ok(!keys({ keyDomainId: '00f110', keyGroup: 3, count: 1, msks: [], ts: '2026-01-01T00:00:00.000Z', key: 'secret' }));
  const status = ajv.getSchema('urn:bcastd:topics#/definitions/status')!;
  assert.ok(status(JSON.parse(LWT_PAYLOAD)), JSON.stringify(status.errors));
});

test('the hand-written purchase-flow capture of the trace tests holds events as the daemon publishes them', () => {
  const c = new EventContract();
  for (const e of purchaseFlowEvents()) c.recordEvent(e);
  assert.deepEqual(c.violations, []);
  assert.ok(c.count >= 10, `${c.count} events`);
});
