import { DecodeError } from '../errors.js';
import { expectPrefix, intParam, optIntParam, type AtParam } from './tokens.js';

/**
 * Registration state (+CREG/+CGREG/+CEREG/+C5GREG, TS 27.007 §7.2, §10.1.20, §10.1.22, §10.1.56)
 * and SIM state (+CPIN, §8.3).
 */

/** `<stat>` values shared by the four registration commands. */
export const REG_STAT = [
  'not registered',
  'registered, home network',
  'searching',
  'registration denied',
  'unknown',
  'registered, roaming',
  'registered for SMS only, home network',
  'registered for SMS only, roaming',
  'attached for emergency bearer services only',
  'registered for CSFB not preferred, home network',
  'registered for CSFB not preferred, roaming',
  'attached for access to RLOS',
] as const;

/** Stats under which the network serves the terminal (SMS at least): home, roaming, SMS-only, CSFB-not-preferred. */
const SERVED = new Set([1, 5, 6, 7, 9, 10]);
const ROAMING = new Set([5, 7, 10]);

export type RegCommand = '+CREG' | '+CGREG' | '+CEREG' | '+C5GREG';

export interface Registration {
  readonly command: RegCommand;
  /** `<n>` (the URC mode the read command reports); null in the URC form. */
  readonly n: number | null;
  readonly stat: number;
  readonly statName: (typeof REG_STAT)[number];
  readonly registered: boolean;
  readonly roaming: boolean;
  /** `<lac>` (+CREG/+CGREG) or `<tac>` (+CEREG/+C5GREG), upper-case hex; null when absent or empty. */
  readonly area: string | null;
  /** `<ci>`, upper-case hex; null when absent or empty. */
  readonly ci: string | null;
  /** `<AcT>` (0 GSM … 7 E-UTRAN, 9 NB-IoT, 11 NR/5GC, …); null when absent or empty. */
  readonly act: number | null;
  /** `<rac>` of +CGREG, upper-case hex; null otherwise. */
  readonly rac: string | null;
  readonly causeType: number | null;
  readonly rejectCause: number | null;
}

function hexParam(p: AtParam | undefined, what: string): string | null {
  if (p === undefined || p.value.trim() === '') return null;
  const v = p.value.trim();
  if (!/^[0-9A-Fa-f]{1,16}$/.test(v)) throw new DecodeError('at', 'bad-value', `${what} is not hex: "${v}"`);
  return v.toUpperCase();
}

/**
 * Parses a registration line. The URC (`+CEREG: <stat>[,…]`) and the read answer (`+CEREG: <n>,<stat>[,…]`)
 * cannot be told apart from the text (`+CEREG: 1,5` is either), so the caller says which it holds:
 * `'read'` while its own `AT+CxREG?` is in flight, `'urc'` otherwise.
 */
export function parseCreg(line: string, form: 'urc' | 'read'): Registration {
  const { prefix, params } = expectPrefix(line, ['+CREG', '+CGREG', '+CEREG', '+C5GREG']);
  const command = prefix as RegCommand;
  let i = 0;
  let n: number | null = null;
  if (form === 'read') {
    if (params.length < 2) throw new DecodeError('at', 'missing-param', `${command} read answer needs <n>,<stat>`);
    n = intParam(params[i++], `${command} <n>`, 0, 255);
  }
  const stat = intParam(params[i++], `${command} <stat>`, 0, REG_STAT.length - 1);
  const area = hexParam(params[i++], `${command} <lac/tac>`);
  const ci = hexParam(params[i++], `${command} <ci>`);
  const act = optIntParam(params[i++], `${command} <AcT>`, 0, 255);
  let rac: string | null = null;
  if (command === '+CGREG') rac = hexParam(params[i++], '+CGREG <rac>');
  if (command === '+C5GREG') i += 2; // <Allowed_NSSAI_length>,<Allowed_NSSAI>
  const causeType = optIntParam(params[i++], `${command} <cause_type>`, 0, 255);
  const rejectCause = optIntParam(params[i++], `${command} <reject_cause>`, 0, 65535);
  return {
    command,
    n,
    stat,
    statName: REG_STAT[stat]!,
    registered: SERVED.has(stat),
    roaming: ROAMING.has(stat),
    area,
    ci,
    act,
    rac,
    causeType,
    rejectCause,
  };
}

/** `<code>` values of +CPIN (27.007 §8.3) plus the states modules print unsolicited. */
export const CPIN_CODES = [
  'READY',
  'SIM PIN',
  'SIM PUK',
  'PH-SIM PIN',
  'PH-FSIM PIN',
  'PH-FSIM PUK',
  'SIM PIN2',
  'SIM PUK2',
  'PH-NET PIN',
  'PH-NET PUK',
  'PH-NETSUB PIN',
  'PH-NETSUB PUK',
  'PH-SP PIN',
  'PH-SP PUK',
  'PH-CORP PIN',
  'PH-CORP PUK',
  // Not in 27.007; Quectel prints NOT INSERTED / NOT READY, Air780E prints SIM REMOVED.
  'NOT INSERTED',
  'NOT READY',
  'SIM REMOVED',
] as const;
export type CpinCode = (typeof CPIN_CODES)[number];

export interface PinState {
  readonly code: CpinCode;
  /** True only for READY: the SIM can be used. */
  readonly ready: boolean;
  /** True when the code says there is no usable card (NOT INSERTED, SIM REMOVED). */
  readonly absent: boolean;
  /** The PIN/PUK the ME waits for (`SIM PIN`, `PH-NET PIN`, …); null when none. */
  readonly waitingFor: string | null;
  /** Text after the code, e.g. the slot number Air780E appends (`+CPIN: READY 0`); null when none. */
  readonly extra: string | null;
}

/** `+CPIN: READY`, `+CPIN: SIM PIN`, `+CPIN: NOT INSERTED`, `+CPIN: READY 0`, … */
export function parseCpin(line: string): PinState {
  const { params } = expectPrefix(line, ['+CPIN']);
  if (params.length !== 1 || params[0]!.value === '') throw new DecodeError('at', 'bad-syntax', `+CPIN needs one <code>, got "${line.trim()}"`);
  const value = params[0]!.value.trim().replace(/\s+/g, ' ');
  const upper = value.toUpperCase();
  // Longest match first, so `SIM PIN2` is not read as `SIM PIN` followed by "2".
  const code = [...CPIN_CODES].sort((a, b) => b.length - a.length).find((c) => upper === c || upper.startsWith(`${c} `));
  if (code === undefined) throw new DecodeError('at', 'bad-value', `unknown +CPIN code "${value}"`);
  const extra = value.slice(code.length).trim();
  return {
    code,
    ready: code === 'READY',
    absent: code === 'NOT INSERTED' || code === 'SIM REMOVED',
    waitingFor: code.endsWith('PIN') || code.endsWith('PUK') || code.endsWith('PIN2') || code.endsWith('PUK2') ? code : null,
    extra: extra === '' ? null : extra,
  };
}
