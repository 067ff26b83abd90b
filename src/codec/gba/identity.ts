/**
 * Names GBA derives from the IMSI (TS 23.003 §13.2, §16; SPEC §5) [C]: the BSF host, the IMPI of a
 * USIM without ISIM, and the home PLMN as the 3-byte Key Domain ID (MCC||MNC in TS 24.008 BCD).
 */
export interface Plmn {
  mcc: string;
  mnc: string;
}

export function plmnFromImsi(imsi: string, mncLength: number): Plmn {
  if (!/^[0-9]{6,15}$/.test(imsi)) throw new RangeError('IMSI must be 6-15 digits');
  if (mncLength !== 2 && mncLength !== 3) throw new RangeError(`MNC length must be 2 or 3, got ${mncLength}`);
  return { mcc: imsi.slice(0, 3), mnc: imsi.slice(3, 3 + mncLength) };
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
export function keyDomainIdFromPlmn(p: Plmn): Uint8Array {
  const d = (s: string, i: number) => (i < s.length ? Number(s[i]) : 0xf);
  const { mcc, mnc } = p;
  return Uint8Array.of((d(mcc, 1) << 4) | d(mcc, 0), (d(mnc, 2) << 4) | d(mcc, 2), (d(mnc, 1) << 4) | d(mnc, 0));
}
