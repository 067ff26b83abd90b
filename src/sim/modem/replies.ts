/** Building the simulated modem's answers: information lines, final result codes as +CMEE asks. */
import { errorTextForCode } from '../../codec/at/index.js';
import type { SimState } from './state.js';

export interface Reply {
  readonly lines: readonly string[];
  /** The final result line (OK, ERROR, +CME ERROR: …); null for a prompt. */
  readonly final: string | null;
  /** For commands that take a body after `> `: what to answer once it arrives (null body: cancelled by ESC). */
  readonly prompt?: (body: string | null) => Reply;
  /** Runs once the answer is queued (a reboot after AT+CFUN=1,1, URCs after a state change). */
  readonly after?: () => void;
}

export const ok = (lines: readonly string[] = [], after?: () => void): Reply => (after ? { lines, final: 'OK', after } : { lines, final: 'OK' });
export const error = (): Reply => ({ lines: [], final: 'ERROR' });

/** `+CME ERROR` in the form AT+CMEE asks for: off → ERROR, 1 → number, 2 → text. */
export function cmeError(state: SimState, code: number): Reply {
  if (state.cmee === 0) return error();
  const text = errorTextForCode('CME ERROR', code);
  return { lines: [], final: state.cmee === 2 && text ? `+CME ERROR: ${text}` : `+CME ERROR: ${code}` };
}

/** `+CMS ERROR` (always reported by SMS commands; verbose with AT+CMEE=2). */
export function cmsError(state: SimState, code: number): Reply {
  const text = errorTextForCode('CMS ERROR', code);
  return { lines: [], final: state.cmee === 2 && text ? `+CMS ERROR: ${text}` : `+CMS ERROR: ${code}` };
}

/** `(0-2)` / `(0,1)` style list of supported values, as test commands print them (ranges from 3 values on). */
export function rangeList(values: readonly number[]): string {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    if (j - i >= 2) {
      parts.push(`${sorted[i]}-${sorted[j]}`);
      i = j + 1;
    } else {
      parts.push(`${sorted[i]}`);
      i++;
    }
  }
  return `(${parts.join(',')})`;
}
