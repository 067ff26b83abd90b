import { DecodeError } from '../errors.js';
import { expectPrefix, intParam, optIntParam, splitParams, splitPrefix, type AtParam } from './tokens.js';

/** Packet-domain lines (TS 27.007 §10.1): +CGEV events, +CGPADDR addresses, +CGACT states. */

export type CgevEffect =
  | 'detached'
  | 'activated'
  | 'deactivated'
  | 'modified'
  | 'rejected'
  | 'reactivated'
  | 'class-changed'
  | 'ipv6-up'
  | 'ipv6-failed'
  | 'warning';

type Shape = 'none' | 'class' | 'pdn' | 'bearer' | 'modify' | 'addr' | 'cid';

/**
 * Every event word sequence known, longest first so `NW PDN DEACT` wins over `NW DEACT`.
 * 27.007 §10.1.19 (Rel-8 to Rel-16 forms) plus vendor spellings: `PDN ACT/DEACT` (older 27.007 and
 * Fibocom), `EPS PDN ACT/DEACT` (SIMCom A76xx/SIM7x00), `IPV6`, `ME OVERHEATED`, `ME BATTERY LOW` (Nordic).
 */
const EVENTS: ReadonlyArray<readonly [string, CgevEffect, Shape]> = [
  ['NW PDN DEACT', 'deactivated', 'pdn'],
  ['ME PDN DEACT', 'deactivated', 'pdn'],
  ['EPS PDN DEACT', 'deactivated', 'pdn'],
  ['ME BATTERY LOW', 'warning', 'none'],
  ['ME OVERHEATED', 'warning', 'none'],
  ['NW PDN ACT', 'activated', 'pdn'],
  ['ME PDN ACT', 'activated', 'pdn'],
  ['EPS PDN ACT', 'activated', 'pdn'],
  ['PDN DEACT', 'deactivated', 'pdn'],
  ['NW DETACH', 'detached', 'none'],
  ['ME DETACH', 'detached', 'none'],
  ['NW MODIFY', 'modified', 'modify'],
  ['ME MODIFY', 'modified', 'modify'],
  ['IPV6 FAIL', 'ipv6-failed', 'cid'],
  ['NW DEACT', 'deactivated', 'bearer'],
  ['ME DEACT', 'deactivated', 'bearer'],
  ['NW REACT', 'reactivated', 'addr'],
  ['NW CLASS', 'class-changed', 'class'],
  ['ME CLASS', 'class-changed', 'class'],
  ['PDN ACT', 'activated', 'pdn'],
  ['NW ACT', 'activated', 'bearer'],
  ['ME ACT', 'activated', 'bearer'],
  ['REJECT', 'rejected', 'addr'],
  ['IPV6', 'ipv6-up', 'cid'],
];

export interface CgevEvent {
  /** The event words as printed, upper-case (`NW PDN DEACT`, `ME DETACH`, `EPS PDN ACT`, …). */
  readonly event: string;
  /** Who caused it: network, mobile equipment, or not said. */
  readonly origin: 'NW' | 'ME' | null;
  readonly effect: CgevEffect;
  /** The context the event is about; null when the form carries none (DETACH, CLASS, REJECT). 0 is a valid cid. */
  readonly cid: number | null;
  /** `<p_cid>` of a dedicated-bearer event. */
  readonly pCid: number | null;
  /** `<event_type>` (0 informational, 1 acknowledgement required). */
  readonly eventType: number | null;
  /** `<reason>` of `ME PDN ACT` (0 IPv4 only allowed, 1 IPv6 only, 2 single address bearers only, …). */
  readonly reason: number | null;
  readonly cidOther: number | null;
  /** `<change_reason>` of a MODIFY event. */
  readonly changeReason: number | null;
  /** `<PDP_type>` / `<PDP_addr>` of the pre-Rel-8 forms (`NW DEACT "IP","10.0.0.1",1`, `REJECT`, `NW REACT`). */
  readonly pdpType: string | null;
  readonly pdpAddr: string | null;
  /** `<class>` of a CLASS event. */
  readonly mobileClass: string | null;
}

const CID_MAX = 255;

function cidParam(p: AtParam | undefined, what: string): number {
  return intParam(p, what, 0, CID_MAX);
}

/** `+CGEV: …` in any of its forms; an event this table does not know is a DecodeError (`unknown-event`). */
export function parseCgev(line: string): CgevEvent {
  const split = splitPrefix(line.trim());
  if (!split || split.prefix.toUpperCase() !== '+CGEV') {
    throw new DecodeError('at', 'wrong-prefix', `expected +CGEV, got "${line.trim().slice(0, 40)}"`);
  }
  const rest = split.rest.trim().replace(/\s+/g, ' ');
  const upper = rest.toUpperCase();
  const hit = EVENTS.find(([words]) => upper === words || upper.startsWith(`${words} `) || upper.startsWith(`${words},`));
  if (!hit) throw new DecodeError('at', 'unknown-event', `unknown +CGEV event "${rest.slice(0, 40)}"`);
  const [event, effect, shape] = hit;
  const args = splitParams(rest.slice(event.length).replace(/^[ ,]+/, ''));
  const origin: CgevEvent['origin'] = event.startsWith('NW ') ? 'NW' : event.startsWith('ME ') ? 'ME' : null;
  const out = {
    event,
    origin,
    effect,
    cid: null as number | null,
    pCid: null as number | null,
    eventType: null as number | null,
    reason: null as number | null,
    cidOther: null as number | null,
    changeReason: null as number | null,
    pdpType: null as string | null,
    pdpAddr: null as string | null,
    mobileClass: null as string | null,
  };
  switch (shape) {
    case 'none':
      break;
    case 'class':
      if (!args[0] || args[0].value === '') throw new DecodeError('at', 'missing-param', `+CGEV ${event} needs <class>`);
      out.mobileClass = args[0].value;
      break;
    case 'cid':
      out.cid = cidParam(args[0], `+CGEV ${event} <cid>`);
      break;
    case 'pdn':
      out.cid = cidParam(args[0], `+CGEV ${event} <cid>`);
      if (event === 'ME PDN ACT') {
        out.reason = optIntParam(args[1], '+CGEV ME PDN ACT <reason>', 0, 255);
        out.cidOther = optIntParam(args[2], '+CGEV ME PDN ACT <cid_other>', 0, CID_MAX);
      }
      break;
    case 'modify':
      out.cid = cidParam(args[0], `+CGEV ${event} <cid>`);
      out.changeReason = intParam(args[1], `+CGEV ${event} <change_reason>`, 0, 255);
      out.eventType = optIntParam(args[2], `+CGEV ${event} <event_type>`, 0, 1);
      break;
    case 'bearer':
      if (args[0] && !args[0].quoted && /^\d+$/.test(args[0].value)) {
        // Rel-8 and later: <p_cid>,<cid>,<event_type>.
        out.pCid = cidParam(args[0], `+CGEV ${event} <p_cid>`);
        out.cid = cidParam(args[1], `+CGEV ${event} <cid>`);
        out.eventType = optIntParam(args[2], `+CGEV ${event} <event_type>`, 0, 1);
      } else {
        // Before Rel-8 (and still printed by many modules): <PDP_type>,<PDP_addr>[,<cid>].
        readAddressForm(out, args, event);
      }
      break;
    case 'addr':
      readAddressForm(out, args, event);
      break;
  }
  return out;
}

function readAddressForm(
  out: { pdpType: string | null; pdpAddr: string | null; cid: number | null },
  args: AtParam[],
  event: string,
): void {
  const type = args[0]?.value ?? '';
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(type)) throw new DecodeError('at', 'bad-value', `+CGEV ${event} <PDP_type> "${type}" is not a PDP type`);
  out.pdpType = type.toUpperCase();
  out.pdpAddr = args[1] && args[1].value !== '' ? args[1].value : null;
  out.cid = optIntParam(args[2], `+CGEV ${event} <cid>`, 0, CID_MAX);
}

export interface PdpAddresses {
  readonly cid: number;
  /** The IPv4 address; null when none is assigned (absent or 0.0.0.0). */
  readonly ipv4: string | null;
  /** The IPv6 address in RFC 5952 form; null when none is assigned. */
  readonly ipv6: string | null;
}

function parseIpv4(text: string): string | null {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  return parts.map(Number).join('.');
}

/** RFC 5952 text of 8 16-bit groups: lower-case, no leading zeros, the longest run (≥ 2) of zeros as `::`. */
function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** IPv6 as 27.007 prints it by default (16 dot-separated decimal octets) or in colon form (AT+CGPIAF). */
function parseIpv6(text: string): number[] | null {
  const dotted = text.split('.');
  if (dotted.length === 16) {
    if (dotted.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
    const octets = dotted.map(Number);
    return Array.from({ length: 8 }, (_, i) => (octets[2 * i]! << 8) | octets[2 * i + 1]!);
  }
  if (!text.includes(':') || !/^[0-9A-Fa-f:]+$/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] === '' ? [] : halves[0]!.split(':');
  const tail = halves.length === 2 && halves[1] !== '' ? halves[1]!.split(':') : [];
  if ([...head, ...tail].some((g) => !/^[0-9A-Fa-f]{1,4}$/.test(g))) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  return [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail].map((g) => Number.parseInt(g, 16));
}

/**
 * `+CGPADDR: <cid>[,<PDP_addr_1>[,<PDP_addr_2>]]` (27.007 §10.1.14). Addresses may be quoted or not,
 * and a few modules put IPv4 and IPv6 in one string separated by a space.
 */
export function parseCgpaddr(line: string): PdpAddresses {
  const { params } = expectPrefix(line, ['+CGPADDR']);
  const cid = cidParam(params[0], '+CGPADDR <cid>');
  let ipv4: string | null = null;
  let ipv6: string | null = null;
  for (const p of params.slice(1)) {
    for (const piece of p.value.trim().split(/\s+/)) {
      if (piece === '') continue;
      const v4 = parseIpv4(piece);
      if (v4 !== null) {
        if (v4 !== '0.0.0.0') ipv4 = v4;
        continue;
      }
      const v6 = parseIpv6(piece);
      if (v6 === null) throw new DecodeError('at', 'bad-value', `+CGPADDR address "${piece}" is neither IPv4 nor IPv6`);
      if (v6.some((g) => g !== 0)) ipv6 = formatIpv6(v6);
    }
  }
  return { cid, ipv4, ipv6 };
}

export interface ContextState {
  readonly cid: number;
  readonly active: boolean;
}

/** The lines of `AT+CGACT?`: one `+CGACT: <cid>,<state>` per defined context (27.007 §10.1.10). */
export function parseCgactRead(lines: readonly string[] | string): ContextState[] {
  const rows = (typeof lines === 'string' ? [lines] : lines).map((l) => l.trim()).filter((l) => l !== '');
  return rows.map((row) => {
    const { params } = expectPrefix(row, ['+CGACT']);
    if (params.length !== 2) throw new DecodeError('at', 'bad-syntax', `+CGACT needs <cid>,<state>, got ${params.length} parameter(s)`);
    return { cid: cidParam(params[0], '+CGACT <cid>'), active: intParam(params[1], '+CGACT <state>', 0, 1) === 1 };
  });
}
