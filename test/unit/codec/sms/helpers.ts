import type { SmsDeliver, SmsDeliverInput } from '../../../../src/codec/sms/index.js';

/** Everything a decoded SMS-DELIVER carries, as encoder input (header IEs kept raw, in order). */
export function deliverToInput(d: SmsDeliver, smscPrefix = true): SmsDeliverInput {
  return {
    smscPrefix,
    ...(smscPrefix ? { smsc: d.smsc } : {}),
    originator: { address: d.originator.address, toa: d.originator.toa },
    flags: { mms: d.flags.mms, lp: d.flags.lp, sri: d.flags.sri, rp: d.flags.rp, udhi: d.flags.udhi },
    pid: d.pid,
    dcs: d.dcs.value,
    timestamp: d.timestamp,
    udh: d.udh,
    userData: d.userData,
  };
}
