/**
 * Unsolicited result codes the framer recognises. `prefix` entries match `NAME:` at the start of a line,
 * `line` entries match the whole line (case-insensitive), `line-start` entries match the line or the line
 * followed by a space and more words. `ambiguous` marks codes that are ALSO the information response of a
 * read command (`AT+CEREG?` answers `+CEREG: …`): only the engine, knowing the command in flight, can tell.
 * Vendor entries name where they were seen (the transcripts in test/unit/codec/at/transcripts show most).
 */
export type UrcMatch = 'prefix' | 'line' | 'line-start';

export interface UrcEntry {
  readonly name: string;
  readonly match: UrcMatch;
  readonly ambiguous: boolean;
  /** Where the code is defined, or which modems print it. */
  readonly origin: string;
}

function u(name: string, match: UrcMatch, ambiguous: boolean, origin: string): UrcEntry {
  return { name, match, ambiguous, origin };
}

export const URC_TABLE: readonly UrcEntry[] = [
  // TS 27.005 §3.4.1 new-message indications (+CMT/+CDS/+CBM with a PDU line are paired by the framer).
  u('+CMTI', 'prefix', false, '27.005 §3.4.1'),
  u('+CDSI', 'prefix', false, '27.005 §3.4.1'),
  u('+CBMI', 'prefix', false, '27.005 §3.4.1'),
  u('+CMT', 'prefix', false, '27.005 §3.4.1'),
  u('+CDS', 'prefix', false, '27.005 §3.4.1'),
  u('+CBM', 'prefix', false, '27.005 §3.4.1'),
  // TS 27.007.
  u('RING', 'line', false, 'V.250 / 27.007 §6.11'),
  u('+CRING', 'prefix', false, '27.007 §6.11'),
  u('+CLIP', 'prefix', true, '27.007 §7.6'),
  u('+CCWA', 'prefix', true, '27.007 §7.12'),
  u('+CUSD', 'prefix', true, '27.007 §7.15'),
  u('+CSSI', 'prefix', false, '27.007 §7.17'),
  u('+CSSU', 'prefix', false, '27.007 §7.17'),
  u('+CIEV', 'prefix', false, '27.007 §8.10'),
  u('+CTZV', 'prefix', false, '27.007 §8.41'),
  u('+CTZE', 'prefix', false, '27.007 §8.41'),
  u('+CTZEU', 'prefix', false, '27.007 §8.41'),
  u('+CGEV', 'prefix', false, '27.007 §10.1.19'),
  u('+CREG', 'prefix', true, '27.007 §7.2'),
  u('+CGREG', 'prefix', true, '27.007 §10.1.20'),
  u('+CEREG', 'prefix', true, '27.007 §10.1.22'),
  u('+C5GREG', 'prefix', true, '27.007 §10.1.56'),
  u('+CPIN', 'prefix', true, '27.007 §8.3; Quectel/SIMCom/Air780E print it unsolicited at boot and SIM swap'),
  u('+CFUN', 'prefix', true, '27.007 §8.2 read; Quectel prints it unsolicited at boot'),
  u('+CSCON', 'prefix', true, '27.007 §10.1.31'),
  u('+CEDRXP', 'prefix', false, '27.007 §7.41'),
  // Quectel (EC2x/EG2x/BG96/RM5xx AT manuals; PinePhone EG25-G transcript).
  u('RDY', 'line', false, 'Quectel boot'),
  u('+QIND', 'prefix', false, 'Quectel (SMS DONE, PB DONE, FOTA, …)'),
  u('+QUSIM', 'prefix', false, 'Quectel SIM type after (re)initialisation'),
  u('+QIURC', 'prefix', false, 'Quectel TCP/IP'),
  u('+QNETDEVSTATUS', 'prefix', true, 'Quectel AT+QNETDEVCTL data call'),
  u('+QSIMSTAT', 'prefix', true, 'Quectel SIM hot-plug'),
  u('POWERED DOWN', 'line', false, 'Quectel AT+QPOWD'),
  // SIMCom (SIM800/SIM7x00/A76xx manuals and boot logs).
  u('SMS DONE', 'line', false, 'SIMCom SIM7x00/A76xx boot'),
  u('PB DONE', 'line', false, 'SIMCom SIM7x00/A76xx boot'),
  u('Call Ready', 'line', false, 'SIMCom SIM800 boot'),
  u('SMS Ready', 'line', false, 'SIMCom SIM800 boot'),
  u('*ATREADY', 'prefix', false, 'SIMCom A76xx boot'),
  u('*ISIMAID', 'prefix', false, 'SIMCom A76xx boot'),
  u('+SIMCARD', 'prefix', false, 'SIMCom SIM7600 (+SIMCARD: NOT AVAILABLE)'),
  u('+PDP', 'prefix', false, 'SIMCom SIM800 (+PDP: DEACT)'),
  u('*PSUTTZ', 'prefix', false, 'SIMCom SIM800 network time'),
  u('DST', 'prefix', false, 'SIMCom SIM800 daylight saving'),
  u('NORMAL POWER DOWN', 'line', false, 'SIMCom'),
  u('UNDER-VOLTAGE POWER DOWN', 'line', false, 'SIMCom'),
  u('UNDER-VOLTAGE WARNNING', 'line', false, 'SIMCom (spelled so by the firmware)'),
  u('OVER-VOLTAGE POWER DOWN', 'line', false, 'SIMCom'),
  u('OVER-VOLTAGE WARNNING', 'line', false, 'SIMCom (spelled so by the firmware)'),
  // u-blox (TOBY/LARA/SARA AT manual UBX-13002752).
  u('+UUPSDD', 'prefix', false, 'u-blox PSD profile deactivated'),
  u('+UUPSDA', 'prefix', false, 'u-blox PSD profile activated'),
  u('+UUSIMSTAT', 'prefix', false, 'u-blox SIM state'),
  u('+UUSOCL', 'prefix', false, 'u-blox socket closed'),
  u('+UUSORD', 'prefix', false, 'u-blox socket data'),
  u('+UUSORF', 'prefix', false, 'u-blox UDP socket data'),
  u('+UUSOLI', 'prefix', false, 'u-blox socket listen'),
  u('+UUPINGR', 'prefix', false, 'u-blox ping'),
  // Telit.
  u('#QSS', 'prefix', true, 'Telit SIM status'),
  u('SRING', 'prefix', false, 'Telit socket ring'),
  // Cinterion / Gemalto / Thales.
  u('^SYSSTART', 'line-start', false, 'Cinterion boot (also "^SYSSTART AIRPLANE MODE")'),
  u('^SHUTDOWN', 'line', false, 'Cinterion'),
  u('^SIS', 'prefix', true, 'Cinterion internet service'),
  // Huawei, and ASR-based modules (Air780E) that reuse ^MODE.
  u('^RSSI', 'prefix', false, 'Huawei'),
  u('^MODE', 'prefix', false, 'Huawei; Air780E'),
  u('^BOOT', 'prefix', false, 'Huawei'),
  u('^SRVST', 'prefix', false, 'Huawei'),
  u('^SIMST', 'prefix', false, 'Huawei'),
  u('^DSFLOWRPT', 'prefix', false, 'Huawei'),
  u('^HCSQ', 'prefix', true, 'Huawei'),
  u('^NDISSTAT', 'prefix', true, 'Huawei'),
  // Air780E (ASR/Eigencomm EC618) service and time reports.
  u('+NITZ', 'prefix', false, 'Air780E network time'),
  u('+E_UTRAN Service', 'line', false, 'Air780E service report'),
  u('+NO Service', 'line', false, 'Air780E service report'),
];

const BY_PREFIX = new Map<string, UrcEntry>();
const BY_LINE = new Map<string, UrcEntry>();
const LINE_START: UrcEntry[] = [];
for (const e of URC_TABLE) {
  if (e.match === 'prefix') BY_PREFIX.set(e.name.toUpperCase(), e);
  else BY_LINE.set(e.name.toUpperCase(), e);
  if (e.match === 'line-start') LINE_START.push(e);
}

/** The table entry for a (trimmed) line, or undefined. `prefix` is the text before the first ':' if any. */
export function findUrc(line: string, prefix: string | null): UrcEntry | undefined {
  if (prefix !== null) {
    const hit = BY_PREFIX.get(prefix.toUpperCase());
    if (hit) return hit;
  }
  const upper = line.toUpperCase();
  const exact = BY_LINE.get(upper);
  if (exact) return exact;
  return LINE_START.find((e) => upper.startsWith(`${e.name.toUpperCase()} `));
}
