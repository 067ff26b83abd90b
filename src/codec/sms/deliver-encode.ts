import { EncodeError } from '../errors.js';
import { type AddressInput, encodeSmscPrefix, encodeTpAddress } from './address.js';
import { SMS, STRUCTURED_IEIS } from './constants.js';
import { decodeDcs, encodeDcs } from './dcs.js';
import { encodeGsm7, isGsm7Encodable, packSeptets } from './gsm7.js';
import { encodeScts } from './scts.js';
import type { Alphabet, UdhIe } from './types.js';
import { encodeUcs2 } from './ucs2.js';
import { buildUdh, concatIe, portsIe } from './udh.js';

export interface SmsDeliverInput {
  /** SMSC address for the prefix; null or absent gives the empty prefix `00`. */
  readonly smsc?: AddressInput | null;
  /** Write the SMSC prefix (default true, as a modem presents +CMT). False = bare TPDU. */
  readonly smscPrefix?: boolean;
  readonly originator: AddressInput;
  /** First-octet flags; `mms` defaults to true (bit set: no more messages waiting). TP-UDHI is
   * set when there are IEs; `udhi: true` forces an (empty) header. */
  readonly flags?: { readonly mms?: boolean; readonly lp?: boolean; readonly sri?: boolean; readonly rp?: boolean; readonly udhi?: boolean };
  readonly pid?: number;
  /** Raw TP-DCS; when absent it is built from `alphabet` and `messageClass`. */
  readonly dcs?: number;
  /** Default: GSM 7-bit for text it can carry, else UCS2; 8-bit for `userData`. */
  readonly alphabet?: Alphabet;
  readonly messageClass?: 0 | 1 | 2 | 3 | null;
  /** ISO 8601 with an offset (kept as written), or a Date shown at `timestampOffsetMinutes`. */
  readonly timestamp: Date | string;
  readonly timestampOffsetMinutes?: number;
  readonly ports?: { readonly destination: number; readonly source: number; readonly bits?: 8 | 16 };
  readonly concat?: { readonly reference: number; readonly total: number; readonly sequence: number; readonly referenceBits?: 8 | 16 };
  /** Further IEs, written after the port and concatenation IEs (or the whole header, in order). */
  readonly udh?: readonly UdhIe[];
  /** Text for GSM 7-bit or UCS2. Exactly one of `text` and `userData`. */
  readonly text?: string;
  /** Raw user data after the header: septets (one per byte) for GSM 7-bit, octets otherwise. */
  readonly userData?: Uint8Array;
}

function octet(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 255) throw new EncodeError('sms', `${what} must be an octet, got ${v}`);
  return v;
}

function resolveDcs(msg: SmsDeliverInput): number {
  if (msg.dcs !== undefined) {
    if (msg.alphabet !== undefined || msg.messageClass !== undefined) {
      throw new EncodeError('sms', 'give either dcs or alphabet/messageClass, not both');
    }
    return octet(msg.dcs, 'dcs');
  }
  const alphabet = msg.alphabet ?? (msg.text === undefined ? '8bit' : isGsm7Encodable(msg.text) ? 'gsm7' : 'ucs2');
  return encodeDcs(alphabet, msg.messageClass ?? null);
}

/** The header IEs in wire order: ports, concatenation, then the caller's own. */
function headerIes(msg: SmsDeliverInput): UdhIe[] {
  const extra = msg.udh ?? [];
  if ((msg.ports || msg.concat) && extra.some((ie) => STRUCTURED_IEIS.has(ie.iei))) {
    throw new EncodeError('sms', 'udh repeats a port or concatenation IE also given as ports/concat');
  }
  return [...(msg.ports ? [portsIe(msg.ports)] : []), ...(msg.concat ? [concatIe(msg.concat)] : []), ...extra];
}

/** The user data in its units (septets or octets). */
function payloadUnits(msg: SmsDeliverInput, alphabet: Alphabet, compressed: boolean): Uint8Array {
  const septetMode = alphabet === 'gsm7' && !compressed;
  if ((msg.text === undefined) === (msg.userData === undefined)) throw new EncodeError('sms', 'give exactly one of text and userData');
  if (msg.userData !== undefined) {
    if (septetMode && msg.userData.some((s) => s > 0x7f)) throw new EncodeError('sms', 'GSM 7-bit user data must be septets (0-127)');
    if (alphabet === 'ucs2' && !compressed && msg.userData.length % 2 !== 0) throw new EncodeError('sms', 'UCS2 user data must have an even length');
    return msg.userData;
  }
  const text = msg.text!;
  if (septetMode) return encodeGsm7(text);
  if (alphabet === 'ucs2' && !compressed) return encodeUcs2(text);
  throw new EncodeError('sms', `text needs uncompressed GSM 7-bit or UCS2, the DCS says ${compressed ? 'compressed ' : ''}${alphabet}`);
}

/** Builds an SMS-DELIVER, with the SMSC prefix unless `smscPrefix: false`. */
export function encodeSmsDeliver(msg: SmsDeliverInput): Uint8Array {
  const dcsValue = resolveDcs(msg);
  const dcs = decodeDcs(dcsValue);
  const septetMode = dcs.alphabet === 'gsm7' && !dcs.compressed;
  const units = payloadUnits(msg, dcs.alphabet, dcs.compressed);

  const ies = headerIes(msg);
  if (msg.flags?.udhi === false && ies.length > 0) throw new EncodeError('sms', 'flags.udhi is false but there are header IEs');
  const udhi = ies.length > 0 || msg.flags?.udhi === true;
  const header = udhi ? buildUdh(ies) : new Uint8Array(0);

  let udl: number;
  let ud: Uint8Array;
  if (septetMode) {
    const headerSeptets = Math.ceil((header.length * 8) / 7);
    udl = headerSeptets + units.length;
    if (udl > SMS.MAX_UD_SEPTETS) throw new EncodeError('sms', `user data needs ${udl} septets, at most ${SMS.MAX_UD_SEPTETS} fit`);
    ud = packSeptets(units, headerSeptets);
    ud.set(header, 0);
  } else {
    udl = header.length + units.length;
    if (udl > SMS.MAX_UD_OCTETS) throw new EncodeError('sms', `user data needs ${udl} octets, at most ${SMS.MAX_UD_OCTETS} fit`);
    ud = new Uint8Array(udl);
    ud.set(header, 0);
    ud.set(units, header.length);
  }

  const f = msg.flags ?? {};
  const firstOctet =
    SMS.MTI_DELIVER |
    ((f.mms ?? true) ? SMS.FO_MMS : 0) |
    (f.lp ? SMS.FO_LP : 0) |
    (f.sri ? SMS.FO_SRI : 0) |
    (udhi ? SMS.FO_UDHI : 0) |
    (f.rp ? SMS.FO_RP : 0);

  if (msg.smscPrefix === false && msg.smsc != null) throw new EncodeError('sms', 'an SMSC address needs the SMSC prefix');
  const prefix = msg.smscPrefix === false ? new Uint8Array(0) : encodeSmscPrefix(msg.smsc ?? null);
  const parts = [
    prefix,
    Uint8Array.of(firstOctet),
    encodeTpAddress(msg.originator),
    Uint8Array.of(octet(msg.pid ?? 0, 'pid'), dcsValue),
    encodeScts(msg.timestamp, msg.timestampOffsetMinutes),
    Uint8Array.of(udl),
    ud,
  ];
  return Uint8Array.from(Buffer.concat(parts));
}

/** The TPDU length a modem reports in +CMT/+CMGR for a PDU that starts with the SMSC prefix. */
export function tpduLength(pduWithPrefix: Uint8Array): number {
  if (pduWithPrefix.length === 0 || pduWithPrefix[0]! + 1 > pduWithPrefix.length) {
    throw new EncodeError('sms', 'PDU too short for its SMSC prefix');
  }
  return pduWithPrefix.length - (pduWithPrefix[0]! + 1);
}
