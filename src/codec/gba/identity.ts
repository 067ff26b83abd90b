/**
 * Names GBA derives from the IMSI (TS 23.003 §13.2, §16; SPEC §5) [C]: the BSF host, the IMPI of a
 * USIM without ISIM, and the home PLMN as the 3-byte Key Domain ID (MCC||MNC in TS 24.008 BCD).
 */
import { homeNetwork, keyDomainId, type HomeNetwork } from '../usim/plmn.js';

/** The home PLMN: one derivation (codec/usim/plmn.ts) for the card, GBA and the Key Domain ID alike. */
export type Plmn = HomeNetwork;

export function plmnFromImsi(imsi: string, mncLength: number): Plmn {
  if (!/^[0-9]{6,15}$/.test(imsi)) throw new RangeError('IMSI must be 6-15 digits');
  if (mncLength !== 2 && mncLength !== 3) throw new RangeError(`MNC length must be 2 or 3, got ${mncLength}`);
  return homeNetwork(imsi, mncLength);
}

const mnc3 = (p: Plmn) => p.mnc.padStart(3, '0');

/** `bsf.mnc<MNC3>.mcc<MCC>.pub.3gppnetwork.org` */
export function bsfHost(p: Plmn): string {
  return `bsf.mnc${mnc3(p)}.mcc${p.mcc}.pub.3gppnetwork.org`;
}

/** `<IMSI>@ims.mnc<MNC3>.mcc<MCC>.3gppnetwork.org` */
export function impiFromImsi(imsi: string, p: Plmn): string {
  return `${imsi}@ims.mnc${mnc3(p)}.mcc${p.mcc}.3gppnetwork.org`;
}

/** Key Domain ID = MCC||MNC as 3 BCD bytes (MNC digit 3 = F for a 2-digit MNC). */
export const keyDomainIdFromPlmn: (p: Plmn) => Uint8Array = keyDomainId;
