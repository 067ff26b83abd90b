import { toHex } from '../hex.js';
import { SMS } from './constants.js';
import type { SmsDeliver, UdhIe } from './types.js';

/** Human-readable names, for the field tool only (never parsed back). */
const TON_NAMES = ['unknown', 'international', 'national', 'network specific', 'subscriber', 'alphanumeric', 'abbreviated', 'reserved'];
const NPI_NAMES: Readonly<Record<number, string>> = { 0: 'unknown', 1: 'ISDN/telephone', 3: 'data', 4: 'telex', 5: 'SC specific', 6: 'SC specific', 8: 'national', 9: 'private', 10: 'ERMES' };
const ALPHABET_NAMES = { gsm7: 'GSM 7-bit', '8bit': '8-bit data', ucs2: 'UCS2' } as const;

const hex2 = (v: number): string => `0x${v.toString(16).padStart(2, '0').toUpperCase()}`;

function describeIe(ie: UdhIe): string {
  const d = ie.data;
  switch (ie.iei) {
    case SMS.IEI_CONCAT_8:
      return `concatenation, 8-bit reference ${d[0]}: part ${d[2]} of ${d[1]}`;
    case SMS.IEI_CONCAT_16:
      return `concatenation, 16-bit reference ${(d[0]! << 8) | d[1]!}: part ${d[3]} of ${d[2]}`;
    case SMS.IEI_PORTS_8:
      return `application ports, 8-bit: destination ${d[0]}, source ${d[1]}`;
    case SMS.IEI_PORTS_16:
      return `application ports, 16-bit: destination ${(d[0]! << 8) | d[1]!}, source ${(d[2]! << 8) | d[3]!}`;
    default:
      return 'not interpreted';
  }
}

/** Indented lines a field tester can read (no colours, no trailing spaces). */
export function renderSmsTree(d: SmsDeliver): string[] {
  const o = d.originator;
  const f = d.flags;
  const unit = d.dcs.alphabet === 'gsm7' && !d.dcs.compressed ? 'septets' : 'octets';
  const lines = [
    'SMS-DELIVER',
    `  SMSC: ${d.smsc ?? '(none)'}`,
    `  Originator: ${o.address} (TOA ${hex2(o.toa)}: ${TON_NAMES[o.ton]}, numbering plan ${NPI_NAMES[o.npi] ?? `reserved ${o.npi}`})`,
    `  First octet: ${hex2(d.firstOctet)} (more messages waiting: ${f.mms ? 'no' : 'yes'}, loop prevention: ${f.lp ? 'yes' : 'no'}, ` +
      `status report: ${f.sri ? 'yes' : 'no'}, header: ${f.udhi ? 'yes' : 'no'}, reply path: ${f.rp ? 'yes' : 'no'})`,
    `  PID: ${hex2(d.pid)}`,
    `  DCS: ${hex2(d.dcs.value)} (${ALPHABET_NAMES[d.dcs.alphabet]}${d.dcs.compressed ? ', compressed' : ''}, ` +
      `${d.dcs.messageClass === null ? 'no class' : `class ${d.dcs.messageClass}`})`,
    `  Timestamp: ${d.timestamp}`,
  ];
  if (f.udhi) {
    lines.push(`  User data header: ${d.udh.length} IE(s)`);
    for (const ie of d.udh) lines.push(`    IE ${hex2(ie.iei)} [${toHex(ie.data) || '-'}]: ${describeIe(ie)}`);
  }
  lines.push(`  User data: ${d.userData.length} ${unit} (TP-UDL ${d.udl})`);
  if (d.text !== undefined) lines.push(`    Text: ${JSON.stringify(d.text)}`);
  else for (let i = 0; i < d.userData.length; i += 16) lines.push(`    ${toHex(d.userData.subarray(i, i + 16)).replace(/(..)(?!$)/g, '$1 ')}`);
  return lines;
}
