import { DecodeError } from '../errors.js';
import { ByteReader } from '../reader.js';
import { decodeSmscPrefix, decodeTpAddress } from './address.js';
import { SMS } from './constants.js';
import { decodeDcs } from './dcs.js';
import { decodeGsm7, septetOctets, unpackSeptets } from './gsm7.js';
import { decodeScts } from './scts.js';
import type { DecodeSmsOptions, SmsDeliver } from './types.js';
import { decodeUcs2 } from './ucs2.js';
import { parseUdh } from './udh.js';

/** Decides whether the SMSC prefix is there, checking it against +CMT/+CMGR's `<length>`. */
function hasSmscPrefix(pdu: Uint8Array, opts: DecodeSmsOptions): boolean {
  const { tpduLength, smscPrefix } = opts;
  if (tpduLength === undefined) return smscPrefix ?? true;
  if (!Number.isInteger(tpduLength) || tpduLength < 0) {
    throw new DecodeError('sms', 'bad-value', `TPDU length ${tpduLength} is not a non-negative integer`);
  }
  if (pdu.length < tpduLength) {
    throw new DecodeError('sms', 'truncated', `PDU has ${pdu.length} octets, TPDU length says ${tpduLength}`, pdu.length);
  }
  const present = pdu.length > tpduLength;
  if (smscPrefix !== undefined && smscPrefix !== present) {
    throw new DecodeError('sms', 'length-mismatch', `TPDU length ${tpduLength} of ${pdu.length} octets contradicts smscPrefix=${smscPrefix}`, 0);
  }
  if (present && pdu[0]! + 1 !== pdu.length - tpduLength) {
    throw new DecodeError('sms', 'length-mismatch', `SMSC prefix of ${pdu[0]! + 1} octets, but PDU minus TPDU length is ${pdu.length - tpduLength}`, 0);
  }
  return present;
}

/**
 * Decodes an SMS-DELIVER (TS 23.040 §9.2.2.1), by default with the modem's SMSC prefix in front.
 * Every length is checked against the bytes present; anything inconsistent throws DecodeError
 * with the offset into `pdu`, never a best guess.
 */
export function decodeSmsDeliver(input: Uint8Array, opts: DecodeSmsOptions = {}): SmsDeliver {
  // A plain view, so that a Buffer argument still yields plain Uint8Array copies (Buffer#slice aliases).
  const pdu = input.constructor === Uint8Array ? input : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const r = new ByteReader(pdu, 'sms');
  const smsc = hasSmscPrefix(pdu, opts) ? decodeSmscPrefix(r) : null;

  const foAt = r.offset;
  const firstOctet = r.u8('first octet');
  const mti = firstOctet & SMS.FO_MTI_MASK;
  if (mti !== SMS.MTI_DELIVER) r.fail('unsupported', `TP-MTI ${mti} is not SMS-DELIVER`, foAt);
  const flags = {
    mms: (firstOctet & SMS.FO_MMS) !== 0,
    lp: (firstOctet & SMS.FO_LP) !== 0,
    sri: (firstOctet & SMS.FO_SRI) !== 0,
    udhi: (firstOctet & SMS.FO_UDHI) !== 0,
    rp: (firstOctet & SMS.FO_RP) !== 0,
  };

  const originator = decodeTpAddress(r);
  const pid = r.u8('TP-PID');
  const dcs = decodeDcs(r.u8('TP-DCS'));
  const scts = decodeScts(r);

  const udlAt = r.offset;
  const udl = r.u8('TP-UDL');
  // TP-UDL counts septets only for uncompressed GSM 7-bit (TS 23.040 §9.2.3.16).
  const septetMode = dcs.alphabet === 'gsm7' && !dcs.compressed;
  const max = septetMode ? SMS.MAX_UD_SEPTETS : SMS.MAX_UD_OCTETS;
  if (udl > max) r.fail('bad-length', `TP-UDL ${udl} exceeds ${max} ${septetMode ? 'septets' : 'octets'}`, udlAt);
  const udAt = r.offset;
  const ud = r.take(septetMode ? septetOctets(udl) : udl, `user data (TP-UDL ${udl})`);
  if (!r.atEnd) r.fail('trailing-data', `${r.remaining} octet(s) after the user data`);

  let headerOctets = 0;
  let udh: ReturnType<typeof parseUdh> = { ies: [], ports: null, concat: null };
  if (flags.udhi) {
    if (ud.length === 0) r.fail('truncated', 'TP-UDHI set but the user data is empty', udAt);
    headerOctets = 1 + ud[0]!;
    const headerUnits = septetMode ? Math.ceil((headerOctets * 8) / 7) : headerOctets;
    if (headerUnits > udl) r.fail('bad-length', `UDHL ${ud[0]} runs past TP-UDL ${udl}`, udAt);
    udh = parseUdh(ud.subarray(1, headerOctets), udAt + 1);
  }

  let userData: Uint8Array;
  let text: string | undefined;
  if (septetMode) {
    // The header is padded with fill bits to a septet boundary; skip whole header septets.
    userData = unpackSeptets(ud, udl).slice(Math.ceil((headerOctets * 8) / 7));
    text = decodeGsm7(userData);
  } else {
    userData = ud.slice(headerOctets);
    if (dcs.alphabet === 'ucs2' && !dcs.compressed) {
      if (userData.length % 2 !== 0) r.fail('bad-length', `UCS2 user data has an odd length ${userData.length}`, udAt + headerOctets);
      text = decodeUcs2(userData);
    }
  }

  const out: { -readonly [K in keyof SmsDeliver]: SmsDeliver[K] } = {
    smsc: smsc?.address ?? null,
    originator,
    firstOctet,
    flags,
    pid,
    dcs,
    timestamp: scts.iso,
    timestampOffsetMinutes: scts.offsetMinutes,
    udh: udh.ies,
    ports: udh.ports,
    concat: udh.concat,
    udl,
    userData,
  };
  if (text !== undefined) out.text = text;
  return out;
}
