/**
 * Choosing the AT+CNMI settings (27.005 §3.4.1) for the configured SMS path, from what the modem says it
 * supports (AT+CNMI=?), most preferred first. The receiver tries them in order until one is accepted.
 *
 * - <mt> 2 routes SMS-DELIVERs to the TE as +CMT (acknowledged with +CNMA under AT+CSMS=1);
 *   <mt> 1 stores them and reports +CMTI.
 * - <mode> 2 buffers indications while the TE link is busy (nothing lost during a command), 1 discards
 *   them when busy (the network retries an unacknowledged +CMT; a +CMTI message stays stored and is
 *   found by the next AT+CMGL), 3 forwards in-band; so 2, then 1, then 3.
 * - <bm> 0, <ds> 0 (no cell broadcasts, no status reports), <bfr> 0 (flush buffered codes when routing
 *   is (re)enabled).
 */
import { cnmi, type CnmiSupport } from '../codec/at/index.js';

export type SmsRoute = 'cmt' | 'cmti';
export type SmsMode = 'cmt' | 'cmti' | 'auto';

export interface CnmiChoice {
  readonly command: string;
  readonly route: SmsRoute;
}

const MODE_PREFERENCE = [2, 1, 3];

/** The preferred values the modem supports, in preference order; all of them when it did not say. */
function allowed(supported: readonly number[] | undefined, preferred: readonly number[]): number[] {
  if (!supported || supported.length === 0) return [...preferred];
  return preferred.filter((v) => supported.includes(v));
}

/** The lowest supported value (0 when the list is unknown or empty). */
function lowest(supported: readonly number[] | undefined): number {
  return supported && supported.length > 0 ? Math.min(...supported) : 0;
}

export function cnmiChoices(mode: SmsMode, support: CnmiSupport | null): CnmiChoice[] {
  const routes: SmsRoute[] = mode === 'auto' ? ['cmt', 'cmti'] : [mode];
  const out: CnmiChoice[] = [];
  for (const route of routes) {
    const mt = route === 'cmt' ? 2 : 1;
    if (support && support.mt.length > 0 && !support.mt.includes(mt)) continue;
    for (const m of allowed(support?.mode, MODE_PREFERENCE)) {
      try {
        out.push({ route, command: cnmi(m, mt, lowest(support?.bm), lowest(support?.ds), lowest(support?.bfr)) });
      } catch {
        // A supported list outside 27.005's ranges: not a setting this engine would send.
      }
    }
  }
  return out;
}
