import { EncodeError } from '../errors.js';

/**
 * Command lines the modem layer sends, built in one place so that quoting and ranges are checked
 * before anything reaches the port. Each returns the line without its terminating CR.
 */

function int(value: number, what: string, min: number, max: number): string {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new EncodeError('at', `${what} must be an integer in ${min}..${max}, got ${value}`);
  }
  return String(value);
}

const CID_MAX = 255;
const INDEX_MAX = 65535;

/** An APN as TS 23.003 §9.1 allows it: dot-separated labels of letters, digits and hyphens, ≤ 100 octets. */
function apnString(apn: string): string {
  if (apn.length > 100 || (apn !== '' && !/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(apn))) {
    throw new EncodeError('at', `APN "${apn}" is not a valid APN (labels of letters, digits and '-', at most 100 octets)`);
  }
  return `"${apn}"`;
}

export type PdpType = 'IP' | 'IPV6' | 'IPV4V6' | 'PPP' | 'Non-IP';
const PDP_TYPES: readonly PdpType[] = ['IP', 'IPV6', 'IPV4V6', 'PPP', 'Non-IP'];

/** `AT+CMGF=<mode>`: 0 PDU (what this project uses), 1 text. */
export function cmgf(mode: 0 | 1): string {
  return `AT+CMGF=${int(mode, 'CMGF mode', 0, 1)}`;
}

/** `AT+CSMS=<service>`: 1 makes +CMT deliveries wait for AT+CNMA. */
export function csms(service: 0 | 1): string {
  return `AT+CSMS=${int(service, 'CSMS service', 0, 1)}`;
}

/** `AT+CNMI=<mode>,<mt>,<bm>,<ds>,<bfr>` (27.005 §3.4.1). */
export function cnmi(mode: number, mt: number, bm: number, ds: number, bfr: number): string {
  return `AT+CNMI=${int(mode, 'CNMI mode', 0, 3)},${int(mt, 'CNMI mt', 0, 3)},${int(bm, 'CNMI bm', 0, 3)},${int(ds, 'CNMI ds', 0, 2)},${int(bfr, 'CNMI bfr', 0, 1)}`;
}

/** `AT+CNMA` acknowledges a +CMT/+CDS when AT+CSMS=1 (PDU mode, positive ack without a PDU). */
export function cnma(): string {
  return 'AT+CNMA';
}

/** `AT+CMGR=<index>`. */
export function cmgr(index: number): string {
  return `AT+CMGR=${int(index, 'message index', 0, INDEX_MAX)}`;
}

/** `AT+CMGD=<index>[,<delflag>]` (delflag 0 the one message … 4 all messages). */
export function cmgd(index: number, delflag?: 0 | 1 | 2 | 3 | 4): string {
  const base = `AT+CMGD=${int(index, 'message index', 0, INDEX_MAX)}`;
  return delflag === undefined ? base : `${base},${int(delflag, 'CMGD delflag', 0, 4)}`;
}

/** `AT+CMGL=<stat>` in PDU mode (4 = all messages). */
export function cmgl(stat: 0 | 1 | 2 | 3 | 4 = 4): string {
  return `AT+CMGL=${int(stat, 'CMGL stat', 0, 4)}`;
}

/** `AT+CPMS="<mem1>","<mem2>","<mem3>"` (storage names are 2 upper-case letters: SM, ME, MT, SR, BM). */
export function cpms(mem1: string, mem2: string = mem1, mem3: string = mem1): string {
  for (const m of [mem1, mem2, mem3]) {
    if (!/^[A-Z]{2}$/.test(m)) throw new EncodeError('at', `message storage "${m}" is not two upper-case letters`);
  }
  return `AT+CPMS="${mem1}","${mem2}","${mem3}"`;
}

/** `AT+CGDCONT=<cid>,"<PDP_type>","<APN>"`. */
export function cgdcont(cid: number, type: PdpType, apn: string): string {
  if (!PDP_TYPES.includes(type)) throw new EncodeError('at', `PDP type "${String(type)}" is not one of ${PDP_TYPES.join(', ')}`);
  return `AT+CGDCONT=${int(cid, 'cid', 0, CID_MAX)},"${type}",${apnString(apn)}`;
}

/** `AT+CGACT=<state>,<cid>`. */
export function cgact(state: 0 | 1, cid: number): string {
  return `AT+CGACT=${int(state, 'CGACT state', 0, 1)},${int(cid, 'cid', 0, CID_MAX)}`;
}

/** `AT+CGPADDR=<cid>`, or `AT+CGPADDR` for every context. */
export function cgpaddr(cid?: number): string {
  return cid === undefined ? 'AT+CGPADDR' : `AT+CGPADDR=${int(cid, 'cid', 0, CID_MAX)}`;
}

/** `AT+CGEREP=<mode>[,<bfr>]`: 2,1 forwards +CGEV URCs, flushing buffered ones. */
export function cgerep(mode: 0 | 1 | 2, bfr?: 0 | 1): string {
  const base = `AT+CGEREP=${int(mode, 'CGEREP mode', 0, 2)}`;
  return bfr === undefined ? base : `${base},${int(bfr, 'CGEREP bfr', 0, 1)}`;
}

/** `AT+CREG=<n>` / `AT+CGREG=<n>` / `AT+CEREG=<n>` / `AT+C5GREG=<n>`. */
export function regUrcMode(command: '+CREG' | '+CGREG' | '+CEREG' | '+C5GREG', n: number): string {
  const max = command === '+CREG' ? 3 : command === '+CGREG' ? 4 : 5;
  return `AT${command}=${int(n, `${command} n`, 0, max)}`;
}

/** `AT+CMEE=<n>`: 1 numeric, 2 verbose `+CME ERROR` texts. */
export function cmee(n: 0 | 1 | 2): string {
  return `AT+CMEE=${int(n, 'CMEE n', 0, 2)}`;
}
