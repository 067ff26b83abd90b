import { PLAIN_FINALS, errorCodeForText, errorTextForCode, type FinalResult } from './result-codes.js';
import { splitParamsLenient, splitPrefix } from './tokens.js';
import { findUrc } from './urc-table.js';

/** What the framer hands the engine, one per received line (or prompt). */
export type AtLine = FinalLine | PromptLine | CmtLine | UrcLine | InfoLine | EchoLine | GarbageLine;

export interface FinalLine {
  readonly kind: 'final';
  readonly result: FinalResult;
  /** `+CME ERROR` / `+CMS ERROR` number: printed, or looked up from a known verbose text. */
  readonly code?: number;
  /** The error text: printed (verbose mode), or looked up from the number. */
  readonly text?: string;
}

/** The `> ` of AT+CMGS / AT+CMGW: the modem waits for the PDU and Ctrl-Z. */
export interface PromptLine {
  readonly kind: 'prompt';
}

export interface CmtHeader {
  /** `<alpha>` (phonebook name of the originator); null when empty or absent. */
  readonly alpha: string | null;
  /** `<length>`: TPDU octets, not counting the SMSC address the PDU line starts with. */
  readonly length: number;
}

/** A two-line `+CMT:` / `+CDS:` / `+CBM:` report joined with the PDU line that follows it. */
export interface CmtLine {
  readonly kind: 'cmt';
  readonly name: '+CMT' | '+CDS' | '+CBM';
  /** The PDU-mode header; null when the header was not in PDU form (text mode: `pdu` is then the text). */
  readonly header: CmtHeader | null;
  readonly headerText: string;
  readonly pdu: string;
}

export interface UrcLine {
  readonly kind: 'urc';
  /** The table name (`+CMTI`, `RDY`, `SMS DONE`, …). */
  readonly name: string;
  readonly text: string;
  /** Parameters after the colon, quotes removed; [] for a bare code like `RDY`. */
  readonly params: readonly string[];
  /** Also the answer of a read command: the engine decides by the command in flight. */
  readonly ambiguous: boolean;
}

export interface InfoLine {
  readonly kind: 'info';
  readonly text: string;
  /** `+CGPADDR` for `+CGPADDR: 1,…`; null for lines without a `<symbol>NAME:` prefix (PDUs, ATI text). */
  readonly prefix: string | null;
}

export interface EchoLine {
  readonly kind: 'echo';
  readonly text: string;
}

export interface GarbageLine {
  readonly kind: 'garbage';
  /** `overlong`: a line past the length cap; `missing-pdu`: a `+CMT:` header not followed by a PDU. */
  readonly reason: 'overlong' | 'missing-pdu';
  /** The start of what was dropped, for the log. */
  readonly text: string;
}

const ERROR_RE = /^\+(CME|CMS) ERROR\s*(?::\s*(.*))?$/i;

/** A final result code, or null. `line` is trimmed. */
export function parseFinal(line: string): FinalLine | null {
  const plain = PLAIN_FINALS.get(line);
  if (plain) return { kind: 'final', result: plain };
  const m = ERROR_RE.exec(line);
  if (!m) return null;
  const result: 'CME ERROR' | 'CMS ERROR' = m[1]!.toUpperCase() === 'CME' ? 'CME ERROR' : 'CMS ERROR';
  const arg = (m[2] ?? '').trim();
  if (arg === '') return { kind: 'final', result };
  if (/^\d{1,6}$/.test(arg)) {
    const code = Number(arg);
    const text = errorTextForCode(result, code);
    return text === undefined ? { kind: 'final', result, code } : { kind: 'final', result, code, text };
  }
  const code = errorCodeForText(result, arg);
  return code === undefined ? { kind: 'final', result, text: arg } : { kind: 'final', result, code, text: arg };
}

/**
 * Classifies one complete, trimmed, non-empty line that is neither an echo nor part of a two-line
 * report: final result, known URC, or information text. Never throws.
 */
export function classifyLine(line: string): FinalLine | UrcLine | InfoLine {
  const final = parseFinal(line);
  if (final) return final;
  const colon = line.indexOf(':');
  const head = colon > 0 ? line.slice(0, colon).trim() : null;
  const urc = findUrc(line, head);
  if (urc) {
    const params = urc.match === 'prefix' && colon > 0 ? splitParamsLenient(line.slice(colon + 1)) : [];
    return { kind: 'urc', name: urc.name, text: line, params, ambiguous: urc.ambiguous };
  }
  return { kind: 'info', text: line, prefix: splitPrefix(line)?.prefix ?? null };
}
