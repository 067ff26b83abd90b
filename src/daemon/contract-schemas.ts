// The published contracts as JSON Schema (DESIGN.md: "Event and topic payloads are typed tables exported as JSON
// Schema for player vendors and dashboards"): docs/schema/events.json from EVENT_TABLE, docs/schema/topics.json
// from TOPIC_TABLE and the state payloads. scripts/gen-contract-schemas.mjs writes them; a unit test keeps the
// committed files current.
import type { TSchema } from '@sinclair/typebox';
import { TOPIC_TABLE, type TopicName } from '../mqtt/topics.js';
import { EVENT_TABLE, EVENT_TYPES } from '../terminal/events.js';
import { STATE_PAYLOADS } from './state-topics.js';

export const EVENTS_SCHEMA_ID = 'urn:bcastd:events';
export const TOPICS_SCHEMA_ID = 'urn:bcastd:topics';
const DRAFT = 'http://json-schema.org/draft-07/schema#';
const TS = { type: 'string', format: 'date-time', description: 'when it was published (ISO-8601, milliseconds, UTC)' };

/** A TypeBox object as plain JSON (TypeBox's symbols dropped), with `extra` properties first and required. */
function withEnvelope(schema: TSchema, title: string, extra: Record<string, unknown>, requiredExtra: readonly string[]): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(schema)) as { properties?: Record<string, unknown>; required?: string[] } & Record<string, unknown>;
  return {
    title,
    ...plain,
    properties: { ...extra, ...plain.properties },
    required: [...requiredExtra, ...(plain.required ?? [])],
  };
}

export function eventsSchema(): Record<string, unknown> {
  const definitions = Object.fromEntries(
    EVENT_TYPES.map((type) => [type, withEnvelope(EVENT_TABLE[type], type, { type: { const: type }, ts: TS }, ['type', 'ts'])]),
  );
  return {
    $schema: DRAFT,
    $id: EVENTS_SCHEMA_ID,
    title: 'bcastd events',
    description:
      'One message on <prefix>/<deviceId>/events (not retained, QoS 0), and one item of the `events` command\'s answer. ' +
      '`type` tells which; every event has `ts`. A newer bcastd may add event types: show unknown ones generically.',
    oneOf: EVENT_TYPES.map((type) => ({ $ref: `#/definitions/${type}` })),
    definitions,
  };
}

/** Which payload a topic carries: a state payload, an event, or (commands, the player exchange) documented elsewhere. */
function payloadRef(name: TopicName): Record<string, string> | undefined {
  if (name === 'events') return { $ref: EVENTS_SCHEMA_ID };
  return name in STATE_PAYLOADS ? { $ref: `#/definitions/${name}` } : undefined;
}

export function topicsSchema(): Record<string, unknown> {
  const definitions = Object.fromEntries(
    Object.entries(STATE_PAYLOADS).map(([name, schema]) => [
      name,
      // The LWT (`{"state":"lost"}`) is the one payload without a time stamp.
      withEnvelope(schema, `${TOPIC_TABLE[name as TopicName].pattern} (retained)`, { ts: TS }, name === 'status' ? [] : ['ts']),
    ]),
  );
  const topics = (Object.keys(TOPIC_TABLE) as TopicName[]).map((name) => {
    const spec = TOPIC_TABLE[name];
    const payload = payloadRef(name);
    return { name, pattern: spec.pattern, retained: spec.retained, direction: spec.direction, ...(payload ? { payload } : {}) };
  });
  return {
    $schema: DRAFT,
    $id: TOPICS_SCHEMA_ID,
    title: 'bcastd MQTT topics',
    description:
      'Every topic under <prefix>/<deviceId>/ (prefix bcastd/v1 unless the board says otherwise), in x-topics: its pattern ' +
      '({name} marks a variable level), whether it is retained, which way it flows and its payload schema (definitions here, ' +
      'events in urn:bcastd:events). Commands and the player exchange are documented in docs/player.md and README.',
    'x-topics': topics,
    definitions,
  };
}

const render = (schema: Record<string, unknown>) => `${JSON.stringify(schema, null, 2)}\n`;
export const renderEventsSchemaJson = (): string => render(eventsSchema());
export const renderTopicsSchemaJson = (): string => render(topicsSchema());
