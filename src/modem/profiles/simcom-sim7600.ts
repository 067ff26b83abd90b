/**
 * SIMCom SIM7600 (SIM7500/SIM7600 series).
 * Sources: SIM7500_SIM7600 Series AT Command Manual V2.00 (AT$QCRMCALL "start or stop an RmNet call",
 * AT+CATR URC port); public bring-up scripts send "AT$QCRMCALL=1,1" before DHCP on wwan0 (e.g.
 * github.com/qshiwu/NRU-Public SIMCOM_7600/neousys_start_SIM7600_pt2.sh).
 * URC routing: the factory setting (AT+CATR=0) reports URCs on every port, which is what the engine
 * needs, so it is left alone rather than forced to a port number that depends on the board wiring.
 */
import type { ModemProfileSpec } from './types.js';

export const simcomSim7600Profile: ModemProfileSpec = {
  name: 'simcom-sim7600',
  description: 'SIMCom SIM7500/SIM7600 LTE',
  init: () => [],
  bootUrcs: [{ name: 'PB DONE', origin: 'SIMCom: phonebook ready, last of the boot burst' }],
  sms: {
    // PDU-mode positive acknowledgement without PDU (27.005 §3.4.4 <n>=0), the form oFono falls back to.
    cnma: 'AT+CNMA=0',
    storage: 'SM',
  },
  registration: ['+CEREG', '+CREG'],
  // RmNet (QMI/NDIS) data call on the context; refused when the board uses PPP or ECM instead.
  dataUp: (ctx) => [{ command: `AT$QCRMCALL=1,${ctx.cid}`, optional: true, why: 'start the RmNet data call' }],
  dataDown: (ctx) => [{ command: `AT$QCRMCALL=0,${ctx.cid}`, optional: true, why: 'stop the RmNet data call' }],
};
