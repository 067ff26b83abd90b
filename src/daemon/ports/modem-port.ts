// The terminal's modem port over the modem adapter: ready once it answers and SMS routing is set up.
import type { Modem } from '../../modem/index.js';
import type { ModemPort } from '../../terminal/terminal.js';

export function modemPort(modem: Modem, timeoutMs: number): ModemPort {
  return { ready: () => modem.whenReady(timeoutMs) };
}
