/**
 * EF_IMSI (TS 31.102 §4.2.2) and EF_ICCID (TS 102 221 §13.2): the subscriber and card identities.
 * EF_IMSI: length byte, then the IMSI as in TS 24.008 §10.5.1.4 (first digit with the type/parity
 * nibble, then swapped BCD). EF_ICCID: 10 bytes of swapped BCD.
 */
import { DecodeError, EncodeError } from '../errors.js';
import { nibblesToDigits, swappedNibbles, decodeSwappedBcd, encodeSwappedBcd } from './bcd.js';
import { USIM_CODEC } from './codec-name.js';

export const EF_IMSI_SIZE = 9;
export const EF_ICCID_SIZE = 10;
/** Identity type 001 (IMSI) in the low three bits; bit 4 set for an odd number of digits. */
const IMSI_TYPE = 0x1;
const ODD = 0x8;

export function decodeImsi(bytes: Uint8Array): string {
  if (bytes.length < 2) throw new DecodeError(USIM_CODEC, 'truncated', `EF_IMSI needs at least 2 bytes, got ${bytes.length}`, 0);
  const len = bytes[0]!;
  if (len === 0xff || len === 0) throw new DecodeError(USIM_CODEC, 'empty', 'EF_IMSI holds no IMSI', 0);
  if (len > bytes.length - 1) throw new DecodeError(USIM_CODEC, 'truncated', `EF_IMSI length ${len} exceeds the file`, 0);
  const body = bytes.subarray(1, 1 + len);
  const nibbles = swappedNibbles(body);
  const typeNibble = nibbles[0]!;
  if ((typeNibble & 0x7) !== IMSI_TYPE) throw new DecodeError(USIM_CODEC, 'bad-value', 'EF_IMSI identity type is not IMSI', 1);
  const digits = nibblesToDigits(nibbles.slice(1), 1, 'IMSI');
  if (digits.length < 6 || digits.length > 15) throw new DecodeError(USIM_CODEC, 'bad-length', `IMSI of ${digits.length} digits`, 1);
  return digits;
}

export function encodeImsi(imsi: string): Uint8Array {
  if (!/^\d{6,15}$/.test(imsi)) throw new EncodeError(USIM_CODEC, 'IMSI must be 6..15 digits');
  const odd = imsi.length % 2 === 1;
  const first = (Number(imsi[0]) << 4) | IMSI_TYPE | (odd ? ODD : 0);
  const rest = encodeSwappedBcd(imsi.slice(1), Math.ceil((imsi.length - 1) / 2), 'IMSI');
  const out = new Uint8Array(EF_IMSI_SIZE).fill(0xff);
  out[0] = 1 + rest.length;
  out[1] = first;
  out.set(rest, 2);
  return out;
}

export function decodeIccid(bytes: Uint8Array): string {
  if (bytes.length < EF_ICCID_SIZE) throw new DecodeError(USIM_CODEC, 'truncated', `EF_ICCID needs ${EF_ICCID_SIZE} bytes, got ${bytes.length}`, 0);
  return decodeSwappedBcd(bytes.subarray(0, EF_ICCID_SIZE), 'ICCID');
}

export function encodeIccid(iccid: string): Uint8Array {
  if (!/^\d{18,20}$/.test(iccid)) throw new EncodeError(USIM_CODEC, 'ICCID must be 18..20 digits');
  return encodeSwappedBcd(iccid, EF_ICCID_SIZE, 'ICCID');
}
