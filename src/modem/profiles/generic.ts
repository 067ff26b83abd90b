/** A modem that does what TS 27.005 / 27.007 say and nothing more. */
import type { ModemProfileSpec } from './types.js';

export const genericProfile: ModemProfileSpec = {
  name: 'generic',
  description: '3GPP TS 27.005/27.007 only; no vendor commands',
  init: () => [],
  bootUrcs: [],
  sms: {
    // 27.005 §3.4.4: in PDU mode <n>=0 is the positive acknowledgement without a PDU; oFono's atmodem
    // driver (drivers/atmodem/sms.c, at_ack_delivery) uses exactly this as its "safe fallback".
    cnma: 'AT+CNMA=0',
    storage: 'SM',
  },
  registration: ['+CEREG', '+CREG'],
  dataUp: () => [],
  dataDown: () => [],
};
