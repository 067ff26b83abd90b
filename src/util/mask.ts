/**
 * The one home of subscriber-identity masking (IMSI, ICCID, B-TID/IMPI), used by logs and support bundles
 * (daemon/diagnostics/masker), MQTT payloads (mqtt/sanitize), the card's `imsiMasked` and every log call.
 * Two audiences, two IMSI forms, both defined here:
 *  - logs and bundles: `maskId` — a short prefix and suffix, nothing else (the same for any identifier);
 *  - MQTT (field testers need the home network): `maskImsi` — MCC+MNC and the last two digits kept.
 */

export const ELLIPSIS = '…';

/** For logs: keep a short prefix and suffix of an identifier (IMSI, IMPI, B-TID). */
export function maskId(id: string): string {
  if (id.length <= 8) return '*'.repeat(id.length);
  return `${id.slice(0, 4)}${ELLIPSIS}${id.slice(-4)}`;
}

/** IMSI with MCC+MNC (3 + mncLength digits) and the last 2 digits kept. */
export function maskImsi(imsi: string, mncLength: 2 | 3 = 2): string {
  const keep = 3 + mncLength;
  return imsi.slice(0, keep) + '*'.repeat(Math.max(0, imsi.length - keep - 2)) + imsi.slice(-2);
}

/** ICCID with the issuer identification number (89 + country + issuer) and the last 2 digits kept. */
export function maskIccid(iccid: string): string {
  return iccid.slice(0, 7) + '*'.repeat(Math.max(0, iccid.length - 9)) + iccid.slice(-2);
}

/** B-TID = base64(RAND)@BSF host (TS 33.220): the first 4 characters of the RAND part and the host kept. */
export function maskBtid(rand: string, host: string): string {
  return `${rand.slice(0, 4)}${ELLIPSIS}@${host}`;
}

/** ICCID inside text: 89 + 16..18 digits (+ an F filler). */
export const ICCID_PATTERN = /(?<![0-9])89[0-9]{16,18}[Ff]?(?![0-9])/g;
/** B-TID (or IMPI-like user@host) inside text; at least 8 base64 characters so ordinary words@host are left alone. */
export const BTID_PATTERN = /(?<![A-Za-z0-9+/=])([A-Za-z0-9+/]{8,}={0,2})@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)/g;
