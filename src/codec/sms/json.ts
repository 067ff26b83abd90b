import { toHex } from '../hex.js';
import type { SmsDeliver } from './types.js';

/** The `bcastctl decode sms --json` contract (DESIGN.md, contract 1). */
export interface SmsJson {
  type: 'SMS-DELIVER';
  smsc: string | null;
  originator: { address: string; ton: number; npi: number };
  pid: number;
  dcs: number;
  timestamp: string;
  udh: { iei: number; data: string }[];
  ports: { destination: number; source: number } | null;
  concat: { reference: number; total: number; sequence: number } | null;
  /** Only when the user data is text (uncompressed GSM 7-bit or UCS2). */
  text?: string;
  /** `SmsDeliver.userData` in hex: septets for GSM 7-bit, octets otherwise. */
  userData: string;
}

export function smsToJson(d: SmsDeliver): SmsJson {
  return {
    type: 'SMS-DELIVER',
    smsc: d.smsc,
    originator: { address: d.originator.address, ton: d.originator.ton, npi: d.originator.npi },
    pid: d.pid,
    dcs: d.dcs.value,
    timestamp: d.timestamp,
    udh: d.udh.map((ie) => ({ iei: ie.iei, data: toHex(ie.data) })),
    ports: d.ports ? { destination: d.ports.destination, source: d.ports.source } : null,
    concat: d.concat ? { reference: d.concat.reference, total: d.concat.total, sequence: d.concat.sequence } : null,
    ...(d.text === undefined ? {} : { text: d.text }),
    userData: toHex(d.userData),
  };
}
