import { DecodeError } from '../errors.js';
import type { CmtHeader } from './line.js';
import { expectPrefix, intParam, isHexPdu, optStringParam, type AtParam } from './tokens.js';

/**
 * Parsers for the TS 27.005 lines the SMS path needs, PDU mode only (AT+CMGF=0): new-message
 * indications, the +CMT/+CMGR/+CMGL headers, +CSMS and the +CNMI test answer.
 */

/** A PDU length the 27.005 headers may carry: a TPDU (≤ 176 octets) or a UMTS cell-broadcast page (≤ 1252). */
const MAX_PDU_LENGTH = 1252;

/** `<stat>` of +CMGR/+CMGL in PDU mode (27.005 §3.1). */
export const MESSAGE_STAT = ['REC UNREAD', 'REC READ', 'STO UNSENT', 'STO SENT', 'ALL'] as const;
export type MessageStat = (typeof MESSAGE_STAT)[number];

export interface NewMessageIndication {
  readonly name: '+CMTI' | '+CDSI';
  /** `<mem>` the message was stored in (`SM`, `ME`, `MT`, `SR`, …). */
  readonly mem: string;
  readonly index: number;
}

/** `+CMTI: "SM",3` / `+CDSI: "SR",1` (27.005 §3.4.1). */
export function parseCmti(line: string): NewMessageIndication {
  const { prefix, params } = expectPrefix(line, ['+CMTI', '+CDSI']);
  if (params.length !== 2) throw new DecodeError('at', 'bad-syntax', `${prefix} needs <mem>,<index>, got ${params.length} parameter(s)`);
  const mem = params[0]!.value;
  if (mem === '') throw new DecodeError('at', 'bad-value', `${prefix} has an empty <mem>`);
  return { name: prefix as '+CMTI' | '+CDSI', mem, index: intParam(params[1], `${prefix} <index>`, 0, 65535) };
}

function lengthParam(p: AtParam | undefined, what: string): number {
  return intParam(p, what, 1, MAX_PDU_LENGTH);
}

/**
 * The header of a PDU-mode report: `+CMT: [<alpha>],<length>`, `+CDS: <length>`, `+CBM: <length>`.
 * Also accepts `+CMT: <length>` (Cinterion PHS8 leaves out the alpha field). A text-mode header
 * (`+CMT: "+4478…","","24/01/01,…"`) is refused with reason `unsupported`.
 */
export function parseCmtHeader(line: string): CmtHeader {
  const { prefix, params } = expectPrefix(line, ['+CMT', '+CDS', '+CBM']);
  if (params.length === 1) return { alpha: null, length: lengthParam(params[0], `${prefix} <length>`) };
  if (prefix === '+CMT' && params.length === 2) {
    return { alpha: optStringParam(params[0]), length: lengthParam(params[1], '+CMT <length>') };
  }
  throw new DecodeError('at', 'unsupported', `${prefix} header is not in PDU form (text mode?): "${line.trim().slice(0, 60)}"`);
}

export interface StoredMessageHeader {
  readonly stat: number;
  readonly statName: MessageStat;
  readonly alpha: string | null;
  readonly length: number;
}

function statParam(p: AtParam | undefined, what: string): number {
  if (p?.quoted) throw new DecodeError('at', 'unsupported', `${what} is a text-mode status "${p.value}" (AT+CMGF=1?)`);
  return intParam(p, what, 0, 4);
}

/** `+CMGR: <stat>,[<alpha>],<length>` (PDU mode); the 2-parameter form without `<alpha>` is accepted too. */
export function parseCmgrHeader(line: string): StoredMessageHeader {
  const { params } = expectPrefix(line, ['+CMGR']);
  // A quoted status is text mode: say so rather than complain about the parameter count.
  if (params[0]?.quoted) statParam(params[0], '+CMGR <stat>');
  if (params.length !== 2 && params.length !== 3) {
    throw new DecodeError('at', 'bad-syntax', `+CMGR header needs <stat>,[<alpha>],<length>, got ${params.length} parameter(s)`);
  }
  const stat = statParam(params[0], '+CMGR <stat>');
  return {
    stat,
    statName: MESSAGE_STAT[stat]!,
    alpha: params.length === 3 ? optStringParam(params[1]) : null,
    length: lengthParam(params[params.length - 1], '+CMGR <length>'),
  };
}

export interface ListedMessage extends StoredMessageHeader {
  readonly index: number;
  /** The PDU line as the modem printed it (hex, SMSC address first when the modem includes it). */
  readonly pdu: string;
  /** The SMSC part of `pdu` (hex, with its length octet), or null when the modem left it out. */
  readonly smsc: string | null;
  /** The TPDU part of `pdu` (hex), `length` octets. */
  readonly tpdu: string;
}

/**
 * Splits a PDU line into its SMSC prefix and TPDU using the header's `<length>` (TPDU octets).
 * Most modems print `<SMSC length octet><SMSC>` first; some print the TPDU only. Anything else
 * means header and PDU do not belong together.
 */
export function splitSmscPrefix(pdu: string, length: number): { smsc: string | null; tpdu: string } {
  if (!isHexPdu(pdu)) throw new DecodeError('at', 'bad-pdu', `PDU line is not an even number of hex digits: "${pdu.slice(0, 40)}"`);
  const octets = pdu.length / 2;
  const smscOctets = Number.parseInt(pdu.slice(0, 2), 16);
  if (octets === 1 + smscOctets + length) return { smsc: pdu.slice(0, 2 + smscOctets * 2), tpdu: pdu.slice(2 + smscOctets * 2) };
  if (octets === length) return { smsc: null, tpdu: pdu };
  throw new DecodeError('at', 'length-mismatch', `PDU of ${octets} octets does not match <length> ${length} (with or without its SMSC prefix)`);
}

/**
 * The information lines of `AT+CMGL=<stat>` in PDU mode: pairs of `+CMGL: <index>,<stat>,[<alpha>],<length>`
 * (or `<index>,<stat>,<length>`) and the PDU line. Blank lines are ignored; an unpaired header, a line
 * that is neither, or a PDU whose size contradicts its header is a DecodeError.
 */
export function parseCmglEntries(lines: readonly string[]): ListedMessage[] {
  const out: ListedMessage[] = [];
  const rows = lines.map((l) => l.trim()).filter((l) => l !== '');
  for (let i = 0; i < rows.length; i += 2) {
    const { params } = expectPrefix(rows[i]!, ['+CMGL']);
    // A quoted status is text mode: say so rather than complain about the parameter count.
    if (params[1]?.quoted) statParam(params[1], '+CMGL <stat>');
    if (params.length !== 3 && params.length !== 4) {
      throw new DecodeError('at', 'bad-syntax', `+CMGL header needs <index>,<stat>,[<alpha>],<length>, got ${params.length} parameter(s)`);
    }
    const index = intParam(params[0], '+CMGL <index>', 0, 65535);
    const stat = statParam(params[1], '+CMGL <stat>');
    const length = lengthParam(params[params.length - 1], '+CMGL <length>');
    const pdu = rows[i + 1];
    if (pdu === undefined) throw new DecodeError('at', 'truncated', `+CMGL entry ${index} has no PDU line`);
    const { smsc, tpdu } = splitSmscPrefix(pdu, length);
    out.push({
      index,
      stat,
      statName: MESSAGE_STAT[stat]!,
      alpha: params.length === 4 ? optStringParam(params[2]) : null,
      length,
      pdu,
      smsc,
      tpdu,
    });
  }
  return out;
}

export interface CsmsState {
  /** `<service>` (0 = phase 2, 1 = phase 2+ with +CNMA); null in the answer of the set command. */
  readonly service: number | null;
  readonly mt: boolean;
  readonly mo: boolean;
  readonly bm: boolean;
}

function flag(p: AtParam | undefined, what: string): boolean {
  return intParam(p, what, 0, 1) === 1;
}

/** `+CSMS: <service>,<mt>,<mo>,<bm>` (read) or `+CSMS: <mt>,<mo>,<bm>` (answer of AT+CSMS=<service>). */
export function parseCsms(line: string): CsmsState {
  const { params } = expectPrefix(line, ['+CSMS']);
  if (params.length === 4) {
    return {
      service: intParam(params[0], '+CSMS <service>', 0, 255),
      mt: flag(params[1], '+CSMS <mt>'),
      mo: flag(params[2], '+CSMS <mo>'),
      bm: flag(params[3], '+CSMS <bm>'),
    };
  }
  if (params.length === 3) {
    return { service: null, mt: flag(params[0], '+CSMS <mt>'), mo: flag(params[1], '+CSMS <mo>'), bm: flag(params[2], '+CSMS <bm>') };
  }
  throw new DecodeError('at', 'bad-syntax', `+CSMS needs 3 or 4 parameters, got ${params.length}`);
}

export interface CnmiSupport {
  readonly mode: readonly number[];
  readonly mt: readonly number[];
  readonly bm: readonly number[];
  readonly ds: readonly number[];
  readonly bfr: readonly number[];
}

/** `(0-2)`, `(0,1,3)`, `(0-1,3)`, `()` or a bare `2` → the sorted values. */
function expandList(p: AtParam, what: string): number[] {
  let body = p.value.trim();
  if (body.startsWith('(')) {
    if (!body.endsWith(')')) throw new DecodeError('at', 'bad-syntax', `${what} "${p.value}" is not a (list)`);
    body = body.slice(1, -1).trim();
  }
  const values = new Set<number>();
  if (body === '') return [];
  for (const item of body.split(',')) {
    const m = /^\s*(\d{1,3})\s*(?:-\s*(\d{1,3})\s*)?$/.exec(item);
    if (!m) throw new DecodeError('at', 'bad-syntax', `${what} item "${item}" is not a number or range`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) throw new DecodeError('at', 'bad-value', `${what} range ${lo}-${hi} is reversed`);
    for (let v = lo; v <= hi; v++) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

/**
 * The answer of `AT+CNMI=?`: the supported values of `<mode>,<mt>,<bm>,<ds>,<bfr>` (27.005 §3.4.1),
 * which the engine uses to fall back from its preferred routing. Groups a modem leaves out are [].
 */
export function parseCnmiTest(line: string): CnmiSupport {
  const { params } = expectPrefix(line, ['+CNMI']);
  if (params.length === 0) throw new DecodeError('at', 'missing-param', '+CNMI test answer has no groups');
  const names = ['mode', 'mt', 'bm', 'ds', 'bfr'] as const;
  const lists = names.map((n, i) => (params[i] === undefined ? [] : expandList(params[i]!, `+CNMI <${n}>`)));
  return { mode: lists[0]!, mt: lists[1]!, bm: lists[2]!, ds: lists[3]!, bfr: lists[4]! };
}
