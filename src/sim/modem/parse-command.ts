/** Splits a received command line into name, form and parameters, the way a V.250 modem reads it. */
import { splitParams, type AtParam } from '../../codec/at/index.js';

export interface ParsedCommand {
  readonly raw: string;
  /** `+CMGR`, `$QCRMCALL`, `E`, `&F`, or `AT` for the bare attention command. */
  readonly name: string;
  readonly form: 'exec' | 'read' | 'test' | 'set';
  /** The text after `=` (set) or the digits after a basic command (`ATE0` → `0`). */
  readonly args: string;
  readonly params: readonly AtParam[];
}

const EXTENDED = /^AT([+$^%#*!&][A-Z][A-Z0-9_]*)(=\?|\?|=(.*))?$/i;
const BASIC = /^AT(&?[A-Z])(\d*)$/i;

/** null when the line is not an AT command (modems ignore such lines). */
export function parseCommand(line: string): ParsedCommand | null {
  const raw = line.trim();
  if (!/^AT/i.test(raw)) return null;
  if (raw.length === 2) return { raw, name: 'AT', form: 'exec', args: '', params: [] };
  const ext = EXTENDED.exec(raw);
  if (ext) {
    const name = ext[1]!.toUpperCase();
    const tail = ext[2];
    if (tail === undefined) return { raw, name, form: 'exec', args: '', params: [] };
    if (tail === '=?') return { raw, name, form: 'test', args: '', params: [] };
    if (tail === '?') return { raw, name, form: 'read', args: '', params: [] };
    const args = ext[3] ?? '';
    let params: AtParam[];
    try {
      params = splitParams(args);
    } catch {
      params = [{ value: args, quoted: false }];
    }
    return { raw, name, form: 'set', args, params };
  }
  const basic = BASIC.exec(raw);
  if (basic) return { raw, name: basic[1]!.toUpperCase(), form: basic[2] === '' ? 'exec' : 'set', args: basic[2]!, params: [] };
  // Something like ATD123; or a concatenation this simulator does not implement.
  return { raw, name: raw.slice(2, 3).toUpperCase(), form: 'set', args: raw.slice(3), params: [] };
}

/** An integer parameter, or undefined when absent/empty/not a number. */
export function intAt(params: readonly AtParam[], i: number): number | undefined {
  const p = params[i];
  if (p === undefined || p.quoted || !/^\d+$/.test(p.value.trim())) return undefined;
  return Number(p.value.trim());
}
