// `events` {sinceMs?, limit?}: the recent events from the in-memory event log (MQTT events are not retained, so a
// tool that connects after the fact — bcastctl trace, bug-report bundles — asks for them).
import { Type, type Static } from '@sinclair/typebox';
import type { CommandRouter } from '../../mqtt/commands.js';
import type { EventLog } from '../event-log.js';

export const EVENTS_COMMAND_ARGS = Type.Object(
  { sinceMs: Type.Optional(Type.Number({ minimum: 0 })), limit: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })) },
  { additionalProperties: false },
);

export function registerEventsCommand(commands: CommandRouter, events: EventLog): void {
  commands.register('events', async (_n, args) => events.query(args as Static<typeof EVENTS_COMMAND_ARGS>), { schema: EVENTS_COMMAND_ARGS });
}
