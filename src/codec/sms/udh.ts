import { DecodeError, EncodeError } from '../errors.js';
import { SMS, STRUCTURED_IEIS } from './constants.js';
import type { Concat, Ports, UdhIe } from './types.js';

export interface ParsedUdh {
  readonly ies: UdhIe[];
  readonly ports: Ports | null;
  readonly concat: Concat | null;
}

/**
 * Parses the IEs of a user data header (the bytes after UDHL). `base` is the header's offset in
 * the whole PDU, for error offsets. Every IE must fit inside UDHL; the port and concatenation IEs
 * must have their fixed lengths. Repeated IEs: the last occurrence wins (TS 23.040 §9.2.3.24).
 */
export function parseUdh(header: Uint8Array, base: number): ParsedUdh {
  const ies: UdhIe[] = [];
  let ports: Ports | null = null;
  let concat: Concat | null = null;
  let p = 0;
  while (p < header.length) {
    const at = base + p;
    if (p + 2 > header.length) throw new DecodeError('udh', 'truncated', 'information element header runs past UDHL', at);
    const iei = header[p]!;
    const len = header[p + 1]!;
    if (p + 2 + len > header.length) {
      throw new DecodeError('udh', 'truncated', `IE 0x${iei.toString(16).padStart(2, '0')} length ${len} runs past UDHL`, at);
    }
    const data = header.slice(p + 2, p + 2 + len);
    p += 2 + len;
    ies.push({ iei, data });
    if (!STRUCTURED_IEIS.has(iei)) continue;
    if (len !== SMS.IE_LENGTH[iei]) {
      throw new DecodeError('udh', 'bad-length', `IE 0x${iei.toString(16).padStart(2, '0')} must be ${SMS.IE_LENGTH[iei]} octets, is ${len}`, at);
    }
    switch (iei) {
      case SMS.IEI_PORTS_16:
        ports = { destination: (data[0]! << 8) | data[1]!, source: (data[2]! << 8) | data[3]!, bits: 16 };
        break;
      case SMS.IEI_PORTS_8:
        ports = { destination: data[0]!, source: data[1]!, bits: 8 };
        break;
      case SMS.IEI_CONCAT_8:
        concat = { reference: data[0]!, total: data[1]!, sequence: data[2]!, referenceBits: 8 };
        break;
      case SMS.IEI_CONCAT_16:
        concat = { reference: (data[0]! << 8) | data[1]!, total: data[2]!, sequence: data[3]!, referenceBits: 16 };
        break;
    }
  }
  return { ies, ports, concat };
}

function checkRange(v: number, max: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new EncodeError('udh', `${what} must be 0..${max}, got ${v}`);
  return v;
}

export function portsIe(ports: { destination: number; source: number; bits?: 8 | 16 }): UdhIe {
  if ((ports.bits ?? 16) === 8) {
    return { iei: SMS.IEI_PORTS_8, data: Uint8Array.of(checkRange(ports.destination, 0xff, 'port'), checkRange(ports.source, 0xff, 'port')) };
  }
  const d = checkRange(ports.destination, 0xffff, 'port');
  const s = checkRange(ports.source, 0xffff, 'port');
  return { iei: SMS.IEI_PORTS_16, data: Uint8Array.of(d >> 8, d & 0xff, s >> 8, s & 0xff) };
}

export function concatIe(c: { reference: number; total: number; sequence: number; referenceBits?: 8 | 16 }): UdhIe {
  const total = checkRange(c.total, 0xff, 'concatenation total');
  const seq = checkRange(c.sequence, 0xff, 'concatenation sequence');
  if ((c.referenceBits ?? 8) === 8) {
    return { iei: SMS.IEI_CONCAT_8, data: Uint8Array.of(checkRange(c.reference, 0xff, 'reference'), total, seq) };
  }
  const ref = checkRange(c.reference, 0xffff, 'reference');
  return { iei: SMS.IEI_CONCAT_16, data: Uint8Array.of(ref >> 8, ref & 0xff, total, seq) };
}

/** Serialises IEs into a header including its UDHL octet. */
export function buildUdh(ies: readonly UdhIe[]): Uint8Array {
  const body: number[] = [];
  for (const ie of ies) {
    checkRange(ie.iei, 0xff, 'IEI');
    if (ie.data.length > 0xff) throw new EncodeError('udh', `IE 0x${ie.iei.toString(16)} data longer than 255 octets`);
    const want = SMS.IE_LENGTH[ie.iei];
    if (want !== undefined && ie.data.length !== want) {
      throw new EncodeError('udh', `IE 0x${ie.iei.toString(16).padStart(2, '0')} must be ${want} octets`);
    }
    body.push(ie.iei, ie.data.length, ...ie.data);
  }
  if (body.length > 0xff) throw new EncodeError('udh', 'user data header longer than 255 octets');
  return Uint8Array.from([body.length, ...body]);
}
