/**
 * Quectel EC25 (and EC21/EG25-G, same firmware family).
 * Sources: Quectel EC25&EC21 AT Commands Manual (AT+CNMA §9, AT+QURCCFG "General Commands"; mirrored in
 * github.com/CursedHardware/at-manual content/docs/quectel/general-commands.md), ECM/RNDIS data call
 * AT+QNETDEVCTL=<op>,<cid>,<urc_en> (as used in public EC25 bring-up scripts, e.g. "AT+QNETDEVCTL=1,1,1").
 */
import type { ModemProfileSpec, ProfileContext } from './types.js';

/** URCs go to the port the engine listens on: the USB AT port, or the main UART on UART-wired boards. */
function urcPortValue(ctx: ProfileContext): 'usbat' | 'uart1' {
  return /tty(S|AMA|SAC|mxc)\d|serial\d/.test(ctx.port) ? 'uart1' : 'usbat';
}

export const quectelEc25Profile: ModemProfileSpec = {
  name: 'quectel-ec25',
  description: 'Quectel EC25/EC21/EG25-G LTE Cat 4',
  init: (ctx) => [
    { command: `AT+QURCCFG="urcport","${urcPortValue(ctx)}"`, optional: true, why: 'send URCs to the AT port the engine reads' },
  ],
  bootUrcs: [{ name: '+QUSIM', origin: 'Quectel: SIM (re)initialised' }],
  sms: {
    // The EC25 manual's example acknowledges a +CMT with the bare command (AT+CNMA=0 is equivalent in PDU mode).
    cnma: 'AT+CNMA',
    storage: 'ME',
  },
  registration: ['+CEREG', '+CREG'],
  // Only in ECM/RNDIS mode (AT+QCFG="usbnet",1|3); in QMI mode the host's QMI client owns the data call,
  // so the module refuses it and that is fine.
  dataUp: (ctx) => [{ command: `AT+QNETDEVCTL=1,${ctx.cid},1`, optional: true, why: 'start the ECM/RNDIS data call on the context' }],
  dataDown: (ctx) => [{ command: `AT+QNETDEVCTL=0,${ctx.cid},0`, optional: true, why: 'stop the ECM/RNDIS data call' }],
  timeouts: { perCommand: { '+QURCCFG': 2_000 } },
};
