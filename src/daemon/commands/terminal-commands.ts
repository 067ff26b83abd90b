// `register`, `deregister`, `pull`, `bootstrap` over MQTT (and bcastctl, which speaks MQTT): checked against
// their schema by the router, then handed to the terminal, whose RequestGate paces what they start; the router's
// own rate limit refuses a flood before it.
import { Type, type Static } from '@sinclair/typebox';
import type { CommandRouter } from '../../mqtt/commands.js';
import type { Terminal } from '../../terminal/terminal.js';

export const TERMINAL_COMMANDS = ['register', 'deregister', 'pull', 'bootstrap'] as const;

/** Arguments of register/deregister/pull/bootstrap (each uses the ones it needs). */
export const TERMINAL_COMMAND_ARGS = Type.Object(
  {
    services: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 64 })),
    keyGroup: Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffff })),
    keyDomainId: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{6}$' })),
  },
  { additionalProperties: false },
);
type TerminalCommandArgs = Static<typeof TERMINAL_COMMAND_ARGS>;

export function registerTerminalCommands(commands: CommandRouter, terminal: Terminal): void {
  for (const name of TERMINAL_COMMANDS) {
    // The router has checked the arguments against TERMINAL_COMMAND_ARGS before this runs.
    commands.register(name, async (_n, args) => terminal.command(name, args as TerminalCommandArgs), { schema: TERMINAL_COMMAND_ARGS });
  }
}
