import { decodeGsm7 } from './gsm7.js';
import type { Address, Alphabet, Ports, SmsDeliver } from './types.js';
import { decodeUcs2 } from './ucs2.js';

/**
 * Joins concatenated SMS (TS 23.040 §9.2.3.24.1) into datagrams. Pure: the clock is injected, nothing
 * runs in the background; the caller calls `expire()` on a timer and reports what it returns.
 *
 * Parts belong together when originator, reference (with its width), total and port pair agree —
 * never the SMSC, which can differ per part (ModemManager's multipart vector). Memory is bounded by
 * groups, parts and bytes in flight: when a new part does not fit, the least recently active other
 * group is evicted and reported; nothing grows past the bounds.
 */
export interface ReassemblerOptions {
  /** Milliseconds clock (default Date.now). */
  readonly now?: () => number;
  /**
   * A group is dropped when no part has arrived for this long. Default 5 minutes: the parts of one
   * message normally arrive within seconds, but an SC retrying after a coverage gap can space them
   * by minutes, and the hard bounds keep a longer window cheap.
   */
  readonly timeoutMs?: number;
  /** Groups in flight (default 32). */
  readonly maxGroups?: number;
  /** Parts held across all groups (default 256). */
  readonly maxParts?: number;
  /** User-data bytes held across all groups (default 32 KiB). */
  readonly maxBytes?: number;
}

export const REASSEMBLER_DEFAULTS = { timeoutMs: 300_000, maxGroups: 32, maxParts: 256, maxBytes: 32 * 1024 } as const;

export interface Datagram {
  readonly originator: Address;
  readonly ports: Ports | null;
  /** The parts' user data joined in sequence order (septets for GSM 7-bit, else octets). */
  readonly userData: Uint8Array;
  /** Text of the whole message when every part is textual. */
  readonly text?: string;
  readonly parts: number;
  /** SC timestamp of part 1 (of the only part for a single SMS). */
  readonly firstTimestamp: string;
  /** The concatenation this came from; null for a single SMS. */
  readonly concat: { readonly reference: number; readonly referenceBits: 8 | 16; readonly total: number } | null;
}

export interface ExpiredGroup {
  /** timeout: no part for timeoutMs; evicted: room was needed; too-large: could never fit the bounds. */
  readonly reason: 'timeout' | 'evicted' | 'too-large';
  readonly originator: Address;
  readonly ports: Ports | null;
  readonly reference: number;
  readonly referenceBits: 8 | 16;
  readonly total: number;
  /** Sequence numbers that had arrived, ascending. */
  readonly received: number[];
  readonly bytes: number;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
}

export type RejectReason = 'total-zero' | 'sequence-zero' | 'sequence-beyond-total' | 'too-large';

/** Every result lists the groups dropped while handling the part (timed out or evicted). */
export type ReassemblyResult = { readonly evicted: ExpiredGroup[] } & (
  | { readonly kind: 'single'; readonly datagram: Datagram }
  | { readonly kind: 'complete'; readonly datagram: Datagram; readonly parts: SmsDeliver[] }
  | { readonly kind: 'pending'; readonly have: number; readonly total: number }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'rejected'; readonly reason: RejectReason }
);

interface Group {
  readonly key: string;
  readonly first: SmsDeliver;
  readonly parts: Map<number, SmsDeliver>;
  bytes: number;
  readonly firstSeenMs: number;
  lastSeenMs: number;
}

function isTextual(p: SmsDeliver): boolean {
  return p.text !== undefined;
}

function assemble(parts: SmsDeliver[], concat: Datagram['concat']): Datagram {
  const total = parts.reduce((n, p) => n + p.userData.length, 0);
  const userData = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    userData.set(p.userData, at);
    at += p.userData.length;
  }
  let text: string | undefined;
  if (parts.every(isTextual)) {
    const alphabets = new Set<Alphabet>(parts.map((p) => p.dcs.alphabet));
    // Decoding the joined units repairs escapes and surrogate pairs split across segments.
    if (alphabets.size === 1) text = alphabets.has('gsm7') ? decodeGsm7(userData) : decodeUcs2(userData);
    else text = parts.map((p) => p.text!).join('');
  }
  const first = parts[0]!;
  return {
    originator: first.originator,
    ports: first.ports,
    userData,
    ...(text === undefined ? {} : { text }),
    parts: parts.length,
    firstTimestamp: first.timestamp,
    concat,
  };
}

export class SmsReassembler {
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private readonly maxGroups: number;
  private readonly maxParts: number;
  private readonly maxBytes: number;
  /** Insertion order = least recently active first (a group is re-inserted on each new part). */
  private readonly groups = new Map<string, Group>();
  private parts = 0;
  private bytes = 0;

  constructor(opts: ReassemblerOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.timeoutMs = opts.timeoutMs ?? REASSEMBLER_DEFAULTS.timeoutMs;
    this.maxGroups = opts.maxGroups ?? REASSEMBLER_DEFAULTS.maxGroups;
    this.maxParts = opts.maxParts ?? REASSEMBLER_DEFAULTS.maxParts;
    this.maxBytes = opts.maxBytes ?? REASSEMBLER_DEFAULTS.maxBytes;
    for (const [k, v] of Object.entries({ timeoutMs: this.timeoutMs, maxGroups: this.maxGroups, maxParts: this.maxParts, maxBytes: this.maxBytes })) {
      if (!Number.isFinite(v) || v < 1) throw new RangeError(`SmsReassembler: ${k} must be >= 1, got ${v}`);
    }
  }

  add(part: SmsDeliver): ReassemblyResult {
    const evicted = this.expire();
    const c = part.concat;
    if (c === null || (c.total === 1 && c.sequence === 1)) {
      return { kind: 'single', datagram: assemble([part], c && { reference: c.reference, referenceBits: c.referenceBits, total: 1 }), evicted };
    }
    // TS 23.040 §9.2.3.24.1: sequence 0 or beyond the total makes the IE unusable.
    if (c.total === 0) return { kind: 'rejected', reason: 'total-zero', evicted };
    if (c.sequence === 0) return { kind: 'rejected', reason: 'sequence-zero', evicted };
    if (c.sequence > c.total) return { kind: 'rejected', reason: 'sequence-beyond-total', evicted };
    if (c.total > this.maxParts || part.userData.length > this.maxBytes) return { kind: 'rejected', reason: 'too-large', evicted };

    const o = part.originator;
    const key = JSON.stringify([o.ton, o.address, c.referenceBits, c.reference, c.total, part.ports?.destination ?? null, part.ports?.source ?? null]);
    const now = this.now();
    let group = this.groups.get(key);
    if (group?.parts.has(c.sequence)) return { kind: 'duplicate', evicted };

    if (group && group.parts.size + 1 === c.total) {
      this.drop(group);
      group.parts.set(c.sequence, part);
      const ordered = [...group.parts.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
      const datagram = assemble(ordered, { reference: c.reference, referenceBits: c.referenceBits, total: c.total });
      return { kind: 'complete', datagram, parts: ordered, evicted };
    }

    // Make room by evicting the least recently active other groups.
    const size = part.userData.length;
    const fits = (): boolean =>
      this.bytes + size <= this.maxBytes && this.parts + 1 <= this.maxParts && this.groups.size + (group ? 0 : 1) <= this.maxGroups;
    while (!fits()) {
      const victim = [...this.groups.values()].find((g) => g !== group);
      if (!victim) break;
      this.drop(victim);
      evicted.push(this.report(victim, 'evicted'));
    }
    if (!fits()) {
      // Only this group is left and it still cannot grow: it can never complete.
      this.drop(group!);
      evicted.push(this.report(group!, 'too-large'));
      return { kind: 'rejected', reason: 'too-large', evicted };
    }

    if (group) this.drop(group);
    else group = { key, first: part, parts: new Map(), bytes: 0, firstSeenMs: now, lastSeenMs: now };
    group.parts.set(c.sequence, part);
    group.bytes += size;
    group.lastSeenMs = now;
    this.hold(group);
    return { kind: 'pending', have: group.parts.size, total: c.total, evicted };
  }

  /** Drops groups with no part for `timeoutMs` and returns them for reporting. */
  expire(): ExpiredGroup[] {
    const now = this.now();
    const out: ExpiredGroup[] = [];
    for (const g of [...this.groups.values()]) {
      if (now - g.lastSeenMs >= this.timeoutMs) {
        this.drop(g);
        out.push(this.report(g, 'timeout'));
      }
    }
    return out;
  }

  stats(): { groups: number; parts: number; bytes: number } {
    return { groups: this.groups.size, parts: this.parts, bytes: this.bytes };
  }

  private hold(g: Group): void {
    this.groups.set(g.key, g);
    this.parts += g.parts.size;
    this.bytes += g.bytes;
  }

  private drop(g: Group): void {
    if (!this.groups.delete(g.key)) return;
    this.parts -= g.parts.size;
    this.bytes -= g.bytes;
  }

  private report(g: Group, reason: ExpiredGroup['reason']): ExpiredGroup {
    const c = g.first.concat!;
    return {
      reason,
      originator: g.first.originator,
      ports: g.first.ports,
      reference: c.reference,
      referenceBits: c.referenceBits,
      total: c.total,
      received: [...g.parts.keys()].sort((a, b) => a - b),
      bytes: g.bytes,
      firstSeenMs: g.firstSeenMs,
      lastSeenMs: g.lastSeenMs,
    };
  }
}
