/**
 * The home network of an IMSI and its MBMS Key Domain ID. [R] Key Domain ID = MCC || MNC in 3 bytes,
 * laid out like a TS 24.008 §10.5.1.3 PLMN identity: MCC2 MCC1 | MNC3 MCC3 | MNC2 MNC1 (MNC3 = F for
 * a two-digit MNC).
 */
import { DecodeError } from '../errors.js';
import { USIM_CODEC } from './codec-name.js';

export interface HomeNetwork {
  mcc: string;
  mnc: string;
}

export function homeNetwork(imsi: string, mncLength: 2 | 3): HomeNetwork {
  if (!/^\d{6,15}$/.test(imsi)) throw new DecodeError(USIM_CODEC, 'bad-value', 'IMSI must be 6..15 digits');
  return { mcc: imsi.slice(0, 3), mnc: imsi.slice(3, 3 + mncLength) };
}

export function keyDomainId({ mcc, mnc }: HomeNetwork): Uint8Array {
  const d = (s: string, i: number) => Number(s[i]);
  const mnc3 = mnc.length === 3 ? d(mnc, 2) : 0xf;
  return Uint8Array.of((d(mcc, 1) << 4) | d(mcc, 0), (mnc3 << 4) | d(mcc, 2), (d(mnc, 1) << 4) | d(mnc, 0));
}
