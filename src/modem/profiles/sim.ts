/** The simulated modem of src/sim/modem: standard commands, answers in milliseconds. */
import { AT_TIMEOUTS } from '../timeouts.js';
import type { ModemProfileSpec } from './types.js';

export const simProfile: ModemProfileSpec = {
  name: 'sim',
  description: 'bcastd simulated modem on a pseudo-terminal',
  init: () => [],
  bootUrcs: [],
  sms: { cnma: 'AT+CNMA', storage: 'SM' },
  registration: ['+CEREG', '+CREG'],
  dataUp: () => [],
  dataDown: () => [],
  // The simulator answers at once: the network-sized entries of the table would only slow down a hung test.
  timeouts: { default: 3_000, perCommand: Object.fromEntries(Object.keys(AT_TIMEOUTS).map((name) => [name, 5_000])) },
};
