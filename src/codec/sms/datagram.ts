import { EncodeError } from '../errors.js';
import type { AddressInput } from './address.js';
import { SMS } from './constants.js';
import { decodeDcs } from './dcs.js';
import { encodeSmsDeliver } from './deliver-encode.js';

export interface DatagramSmsOptions {
  readonly originator: AddressInput;
  /** SMSC address for the prefix; null/absent gives `00`. */
  readonly smsc?: AddressInput | null;
  /** Write the SMSC prefix (default true). */
  readonly smscPrefix?: boolean;
  readonly destinationPort: number;
  readonly sourcePort: number;
  readonly payload: Uint8Array;
  /** Concatenation reference, used only when the payload needs several parts. */
  readonly reference: number;
  /** 8 (IE 0x00, SPEC §1, default) or 16 (IE 0x08). */
  readonly referenceBits?: 8 | 16;
  readonly timestamp: Date | string;
  readonly timestampOffsetMinutes?: number;
  readonly pid?: number;
  /** An 8-bit, uncompressed TP-DCS (default 0x04). */
  readonly dcs?: number;
}

/**
 * Splits a datagram (e.g. a WAP push) into SMS-DELIVER PDUs: 16-bit port IE on every part and, when
 * one part cannot hold it, a concatenation IE after the ports (`0B 05 04 dst src 00 03 ref tot seq`).
 */
export function encodeDatagramAsSms(opts: DatagramSmsOptions): Uint8Array[] {
  const dcs = opts.dcs ?? 0x04;
  const coding = decodeDcs(dcs);
  if (coding.alphabet !== '8bit' || coding.compressed) throw new EncodeError('sms', `DCS 0x${dcs.toString(16)} is not uncompressed 8-bit`);
  const refBits = opts.referenceBits ?? 8;
  const ports = { destination: opts.destinationPort, source: opts.sourcePort };
  const common = {
    originator: opts.originator,
    ...(opts.smsc === undefined ? {} : { smsc: opts.smsc }),
    ...(opts.smscPrefix === undefined ? {} : { smscPrefix: opts.smscPrefix }),
    timestamp: opts.timestamp,
    ...(opts.timestampOffsetMinutes === undefined ? {} : { timestampOffsetMinutes: opts.timestampOffsetMinutes }),
    ...(opts.pid === undefined ? {} : { pid: opts.pid }),
    dcs,
    ports,
  };
  // UDHL(1) + port IE(2+4), plus the concat IE (2+3 or 2+4) when segmented.
  const single = SMS.MAX_UD_OCTETS - (1 + 6);
  if (opts.payload.length <= single) return [encodeSmsDeliver({ ...common, userData: opts.payload })];

  const perPart = single - (refBits === 8 ? 5 : 6);
  const total = Math.ceil(opts.payload.length / perPart);
  if (total > 0xff) throw new EncodeError('sms', `payload of ${opts.payload.length} octets needs ${total} parts, at most 255`);
  const out: Uint8Array[] = [];
  for (let i = 0; i < total; i++) {
    out.push(
      encodeSmsDeliver({
        ...common,
        concat: { reference: opts.reference, total, sequence: i + 1, referenceBits: refBits },
        userData: opts.payload.subarray(i * perPart, (i + 1) * perPart),
      }),
    );
  }
  return out;
}
