/**
 * Unsolicited codes that say the modem has (re)started or re-read its SIM, so every setting the engine
 * made (echo, +CMEE, SMS routing, +CGEREP, registration reports) may be gone: seeing one re-initialises.
 * Names as the URC table of the AT codec spells them; `param` must prefix the first parameter.
 */
import type { UrcLine } from '../codec/at/index.js';

export interface BootUrc {
  readonly name: string;
  readonly param?: string;
  /** The modem has just started: whatever it was asked before will never be answered. */
  readonly restart?: boolean;
  readonly origin: string;
}

export const BOOT_URCS: readonly BootUrc[] = [
  { name: 'RDY', restart: true, origin: 'Quectel, SIMCom SIM7x00 boot' },
  { name: '+CPIN', param: 'READY', origin: 'printed unsolicited at boot and after a SIM swap (Quectel, SIMCom, Air780E)' },
  { name: '+CFUN', param: '1', origin: 'Quectel boot' },
  { name: 'SMS DONE', origin: 'SIMCom SIM7x00/A76xx: SMS storage ready' },
  { name: '+QIND', param: 'SMS DONE', origin: 'Quectel: SMS storage ready' },
  { name: 'SMS Ready', origin: 'SIMCom SIM800' },
  { name: 'Call Ready', origin: 'SIMCom SIM800' },
  { name: '*ATREADY', restart: true, origin: 'SIMCom A76xx' },
  { name: '^SYSSTART', restart: true, origin: 'Cinterion' },
];

/** The table entry `line` is, or undefined when it is no boot indication. */
export function findBootUrc(line: UrcLine, table: readonly BootUrc[]): BootUrc | undefined {
  return table.find((b) => {
    if (b.name.toUpperCase() !== line.name.toUpperCase()) return false;
    if (b.param === undefined) return true;
    return (line.params[0] ?? '').trim().toUpperCase().startsWith(b.param.toUpperCase());
  });
}

export function matchesBootUrc(line: UrcLine, table: readonly BootUrc[]): boolean {
  return findBootUrc(line, table) !== undefined;
}
