/**
 * File identifiers, the USIM application identifier and the UST service numbers (ETSI TS 102 221,
 * TS 31.102 §4). One table for the whole USIM file system the project touches.
 */

export const FID = {
  MF: 0x3f00,
  EF_DIR: 0x2f00,
  EF_ICCID: 0x2fe2,
  /** The current application's ADF (TS 102 221 §8.3): how the USIM ADF is reselected by FID. */
  ADF_CURRENT: 0x7fff,
  EF_IMSI: 0x6f07,
  EF_AD: 0x6fad,
  EF_UST: 0x6f38,
  EF_GBABP: 0x6fd6,
  EF_MSK: 0x6fd7,
  EF_MUK: 0x6fd8,
  EF_GBANL: 0x6fda,
} as const;

export type FileName = keyof typeof FID;

/** RID A000000087 (3GPP) + application code 1002 (USIM), TS 101 220 Annex E. */
export const USIM_AID_PREFIX: Readonly<Uint8Array> = Uint8Array.of(0xa0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x02);

/** Service numbers in EF_UST (TS 31.102 §4.2.8). */
export const UST_SERVICE = {
  GBA: 68,
  MBMS_SECURITY: 69,
  /** OMA BCAST Smart Card Profile (named in pySim's and another vendor's service tables, SPEC §8). */
  BCAST_SCP: 75,
} as const;

export const fidHex = (fid: number): string => fid.toString(16).padStart(4, '0').toUpperCase();
