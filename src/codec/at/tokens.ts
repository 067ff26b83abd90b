import { DecodeError } from '../errors.js';

/**
 * Splitting an AT information text into its parameters (TS 27.007 §4.1, V.250 §5.7): commas separate
 * parameters except inside `"…"` strings and `(…)` ranges; whitespace around a parameter is not part
 * of it. Every parser of this folder starts here, so quoting rules live in one place.
 */
export interface AtParam {
  /** The parameter text, without its surrounding quotes when it was a string. */
  readonly value: string;
  /** True when the parameter was a `"…"` string. */
  readonly quoted: boolean;
}

/** Splits `text` (the part after `+XXX:`) into parameters. Throws DecodeError on an unclosed quote or bracket. */
export function splitParams(text: string): AtParam[] {
  const out: AtParam[] = [];
  if (text.trim() === '') return out;
  let current = '';
  let inQuote = false;
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inQuote) {
      if (c === '"') inQuote = false;
      else current += c;
      continue;
    }
    if (quoted) {
      // After a closing quote only whitespace may come before the separating comma.
      if (c === ',') {
        out.push({ value: current, quoted });
        current = '';
        quoted = false;
      } else if (c.trim() !== '') {
        throw new DecodeError('at', 'bad-syntax', `text after a closing quote in "${text}"`, i);
      }
      continue;
    }
    if (c === '"' && current.trim() === '') {
      // A quote opens a string only at the start of a parameter; elsewhere it is ordinary text.
      inQuote = true;
      quoted = true;
      current = '';
      continue;
    }
    if (c === '(') depth++;
    if (c === ')') {
      depth--;
      if (depth < 0) throw new DecodeError('at', 'bad-syntax', `unbalanced ')' in "${text}"`, i);
    }
    if (c === ',' && depth === 0) {
      out.push({ value: current.trim(), quoted: false });
      current = '';
      continue;
    }
    current += c;
  }
  if (inQuote) throw new DecodeError('at', 'bad-syntax', `unterminated string in "${text}"`);
  if (depth !== 0) throw new DecodeError('at', 'bad-syntax', `unclosed '(' in "${text}"`);
  out.push({ value: quoted ? current : current.trim(), quoted });
  return out;
}

/** Like splitParams but never throws: on malformed text the whole text is one parameter. For the framer. */
export function splitParamsLenient(text: string): string[] {
  try {
    return splitParams(text).map((p) => p.value);
  } catch {
    return [text.trim()];
  }
}

const PREFIX_RE = /^([+^$#%*!&][A-Za-z0-9][A-Za-z0-9_ .-]*?)\s*:\s?(.*)$/s;

/** `+CGEV: NW DETACH` → { prefix: '+CGEV', rest: 'NW DETACH' }; null when the line has no `<sym>NAME:` prefix. */
export function splitPrefix(line: string): { prefix: string; rest: string } | null {
  const m = PREFIX_RE.exec(line);
  if (!m) return null;
  return { prefix: m[1]!, rest: m[2]! };
}

/**
 * The parameters of a line that must carry `expected` as its prefix (any of them, case-insensitive).
 * Parsers call this first so that a line of the wrong command is refused with a clear reason.
 */
export function expectPrefix(line: string, expected: readonly string[]): { prefix: string; params: AtParam[] } {
  const trimmed = line.trim();
  const split = splitPrefix(trimmed);
  const found = split?.prefix.toUpperCase();
  if (!split || found === undefined || !expected.includes(found)) {
    throw new DecodeError('at', 'wrong-prefix', `expected ${expected.join(' or ')}, got "${trimmed.slice(0, 40)}"`);
  }
  return { prefix: found, params: splitParams(split.rest) };
}

/** A decimal integer parameter in [min, max]; DecodeError otherwise (the message names `what`). */
export function intParam(p: AtParam | undefined, what: string, min: number, max: number): number {
  if (p === undefined) throw new DecodeError('at', 'missing-param', `${what} is missing`);
  if (p.quoted || !/^\d{1,10}$/.test(p.value)) {
    throw new DecodeError('at', 'bad-value', `${what} is not a decimal integer: "${p.value}"`);
  }
  const n = Number(p.value);
  if (n < min || n > max) throw new DecodeError('at', 'bad-value', `${what} ${n} is outside ${min}..${max}`);
  return n;
}

/** An optional integer: absent or empty gives null. */
export function optIntParam(p: AtParam | undefined, what: string, min: number, max: number): number | null {
  if (p === undefined || (p.value === '' && !p.quoted)) return null;
  return intParam(p, what, min, max);
}

/** An optional string: absent or empty gives null. */
export function optStringParam(p: AtParam | undefined): string | null {
  if (p === undefined || p.value === '') return null;
  return p.value;
}

/** True for a non-empty string of hex digits of even length (a PDU as +CMT/+CMGR/+CMGL print it). */
export function isHexPdu(text: string): boolean {
  return text.length > 0 && text.length % 2 === 0 && /^[0-9A-Fa-f]+$/.test(text);
}
