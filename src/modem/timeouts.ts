/**
 * The one table of AT command timeouts. A command's timeout is looked up, first match wins:
 *   board config `modem.timeouts.perCommand[name]` → profile `perCommand[name]` → AT_TIMEOUTS[name]
 *   → board config `modem.timeouts.default` → profile `default` → AT_TIMEOUTS_DEFAULT_MS.
 * Names are those of command-name.ts (`+CGACT`, `$QCRMCALL`, `E`).
 */
import type { TimeoutOverrides } from './options.js';
import { commandName } from './command-name.js';

export const AT_TIMEOUTS_DEFAULT_MS = 5_000;

/**
 * Maximum response times: the figures vendor manuals give (Quectel EC25 / SIMCom SIM7600 / u-blox
 * TOBY-L2 AT manuals list the same order of magnitude) for commands that wait on the network.
 */
export const AT_TIMEOUTS: Readonly<Record<string, number>> = {
  // PDP context activation/deactivation waits for the network (EC25 manual: 150 s).
  '+CGACT': 150_000,
  // Network attach and operator selection (EC25 manual: 140 s / 180 s).
  '+CGATT': 140_000,
  '+COPS': 180_000,
  // Sending waits for the SMSC's RP-ACK (EC25 manual: 120 s).
  '+CMGS': 120_000,
  '+CMSS': 120_000,
  // Radio on/off restarts the protocol stack (EC25 manual: 15 s).
  '+CFUN': 15_000,
  // Listing a full SIM storage reads every record from the card.
  '+CMGL': 30_000,
  '+CPMS': 10_000,
  // Deleting may walk the storage (flag 4 on a full SIM).
  '+CMGD': 10_000,
  // The acknowledgement travels to the network.
  '+CNMA': 10_000,
  // Vendor data-interface bring-up waits for the network like +CGACT.
  '+QNETDEVCTL': 150_000,
  '$QCRMCALL': 150_000,
};

export type { TimeoutOverrides };

export interface TimeoutTable {
  /** The timeout for a command line (or a bare command name). */
  forCommand(command: string): number;
}

export function resolveTimeouts(profile: TimeoutOverrides | undefined, config: TimeoutOverrides | undefined): TimeoutTable {
  return {
    forCommand(command: string): number {
      const name = command.startsWith('AT') || command.startsWith('at') ? commandName(command) : command.toUpperCase();
      return (
        config?.perCommand?.[name] ??
        profile?.perCommand?.[name] ??
        AT_TIMEOUTS[name] ??
        config?.default ??
        profile?.default ??
        AT_TIMEOUTS_DEFAULT_MS
      );
    },
  };
}
