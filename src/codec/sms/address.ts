import { EncodeError } from '../errors.js';
import type { ByteReader } from '../reader.js';
import { SMS } from './constants.js';
import { decodeGsm7, encodeGsm7, packSeptets, unpackSeptets } from './gsm7.js';
import type { Address } from './types.js';

/** Semi-octet digits of TS 24.008 §10.5.4.7 (BCD plus `* # a b c`); 0xF is only a filler. */
const BCD_DIGITS = '0123456789*#abc';
const FILLER = 0xf;

/** How a caller names an address to encode: a bare string, or the string with its TOA. */
export type AddressInput = string | { readonly address: string; readonly toa?: number; readonly ton?: number; readonly npi?: number };

function withToa(address: string, toa: number): Address {
  return { address, toa, ton: (toa >> 4) & 0x07, npi: toa & 0x0f };
}

function decodeDigits(r: ByteReader, value: Uint8Array, start: number, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) {
    const octet = value[i >> 1]!;
    const nibble = i & 1 ? octet >> 4 : octet & 0x0f;
    if (nibble === FILLER) r.fail('bad-bcd', `filler digit F inside an address (digit ${i + 1} of ${count})`, start + (i >> 1));
    out += BCD_DIGITS[nibble]!;
  }
  return out;
}

/** TP-OA: length in semi-octets (digits), TOA, value. Alphanumeric values are packed GSM 7-bit. */
export function decodeTpAddress(r: ByteReader): Address {
  const lengthAt = r.offset;
  const semiOctets = r.u8('address length');
  if (semiOctets > SMS.MAX_ADDRESS_SEMI_OCTETS) {
    r.fail('bad-length', `address length ${semiOctets} semi-octets exceeds ${SMS.MAX_ADDRESS_SEMI_OCTETS}`, lengthAt);
  }
  const toa = r.u8('type of address');
  const start = r.offset;
  const value = r.take(Math.ceil(semiOctets / 2), 'address value');
  if (((toa >> 4) & 0x07) === SMS.TON_ALPHANUMERIC) {
    return withToa(decodeGsm7(unpackSeptets(value, Math.floor((semiOctets * 4) / 7))), toa);
  }
  const digits = decodeDigits(r, value, start, semiOctets);
  return withToa(((toa >> 4) & 0x07) === SMS.TON_INTERNATIONAL ? `+${digits}` : digits, toa);
}

/** The modem's RP-address prefix: length in octets (TOA included); 0 = no SMSC. */
export function decodeSmscPrefix(r: ByteReader): Address | null {
  const lengthAt = r.offset;
  const octets = r.u8('SMSC length');
  if (octets === 0) return null;
  if (octets > SMS.MAX_SMSC_OCTETS) r.fail('bad-length', `SMSC length ${octets} octets exceeds ${SMS.MAX_SMSC_OCTETS}`, lengthAt);
  const toa = r.u8('SMSC type of address');
  const start = r.offset;
  const value = r.take(octets - 1, 'SMSC address');
  if (((toa >> 4) & 0x07) === SMS.TON_ALPHANUMERIC) {
    return withToa(decodeGsm7(unpackSeptets(value, Math.floor((value.length * 8) / 7))), toa);
  }
  // An odd digit count ends in a filler nibble; any other F is bad BCD.
  let count = value.length * 2;
  if (count > 0 && value[value.length - 1]! >> 4 === FILLER) count--;
  const digits = decodeDigits(r, value, start, count);
  return withToa(((toa >> 4) & 0x07) === SMS.TON_INTERNATIONAL ? `+${digits}` : digits, toa);
}

/** Resolves the TOA: explicit toa, else ton/npi, else from the string's shape. */
function resolveToa(input: AddressInput): { text: string; toa: number } {
  if (typeof input !== 'string') {
    if (input.toa !== undefined) return { text: input.address, toa: checkOctet(input.toa, 'toa') };
    if (input.ton !== undefined || input.npi !== undefined) {
      const ton = input.ton ?? 0;
      const npi = input.npi ?? (ton === SMS.TON_ALPHANUMERIC ? 0 : 1);
      if (!Number.isInteger(ton) || ton < 0 || ton > 7) throw new EncodeError('sms', `bad type of number ${ton}`);
      if (!Number.isInteger(npi) || npi < 0 || npi > 15) throw new EncodeError('sms', `bad numbering plan ${npi}`);
      return { text: input.address, toa: 0x80 | (ton << 4) | npi };
    }
    input = input.address;
  }
  if (/^\+[0-9]*$/.test(input)) return { text: input, toa: SMS.TOA_INTERNATIONAL };
  if (/^[0-9]*$/.test(input)) return { text: input, toa: SMS.TOA_UNKNOWN_ISDN };
  return { text: input, toa: SMS.TOA_ALPHANUMERIC };
}

function checkOctet(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 255) throw new EncodeError('sms', `${what} must be an octet, got ${v}`);
  return v;
}

function encodeDigits(text: string): number[] {
  const digits = text.startsWith('+') ? text.slice(1) : text;
  const out: number[] = [];
  for (let i = 0; i < digits.length; i++) {
    const d = BCD_DIGITS.indexOf(digits[i]!);
    if (d < 0) throw new EncodeError('sms', `'${digits[i]}' cannot be a semi-octet address digit in '${text}'`);
    if (i & 1) out[out.length - 1] = (out[out.length - 1]! & 0x0f) | (d << 4);
    else out.push(0xf0 | d);
  }
  return out;
}

/** Encodes a TP-OA/TP-DA (length in semi-octets). */
export function encodeTpAddress(input: AddressInput): Uint8Array {
  const { text, toa } = resolveToa(input);
  if (((toa >> 4) & 0x07) === SMS.TON_ALPHANUMERIC) {
    const septets = encodeGsm7(text);
    const semiOctets = Math.ceil((septets.length * 7) / 4);
    if (semiOctets > SMS.MAX_ADDRESS_SEMI_OCTETS) throw new EncodeError('sms', `alphanumeric address '${text}' is too long`);
    return Uint8Array.from([semiOctets, toa, ...packSeptets(septets)]);
  }
  const value = encodeDigits(text);
  const digitCount = text.startsWith('+') ? text.length - 1 : text.length;
  if (digitCount > SMS.MAX_ADDRESS_SEMI_OCTETS) throw new EncodeError('sms', `address '${text}' has more than ${SMS.MAX_ADDRESS_SEMI_OCTETS} digits`);
  return Uint8Array.from([digitCount, toa, ...value]);
}

/** Encodes the SMSC prefix (length in octets, TOA included); null → `00`. */
export function encodeSmscPrefix(input: AddressInput | null): Uint8Array {
  if (input === null) return Uint8Array.of(0);
  const { text, toa } = resolveToa(input);
  if (((toa >> 4) & 0x07) === SMS.TON_ALPHANUMERIC) throw new EncodeError('sms', `SMSC address '${text}' must be digits`);
  const value = encodeDigits(text);
  if (value.length + 1 > SMS.MAX_SMSC_OCTETS) throw new EncodeError('sms', `SMSC address '${text}' is too long`);
  return Uint8Array.from([value.length + 1, toa, ...value]);
}
