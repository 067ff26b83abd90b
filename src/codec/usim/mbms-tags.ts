/**
 * [U] SPEC §8 "project choice for the inner mode tags": the layout of the data objects inside the
 * MBMS security context AUTHENTICATE (INS 89, P2 85). TS 31.102 §7.1.2 puts the command data in a
 * BER-TLV data object with tag 73 [C]; the inner tags and mode values below are the project's choice
 * because the clause text was not available. This is the ONE module that holds them: correct them here.
 *
 * Command data:  73 L { 80 01 mode, [81 L MIKEY message], [82 03 Key Domain ID], [83 04 MSK ID],
 *                        [84 L IDi], [85 L IDr] }
 * Response data: DB L { [86 L MIKEY verification message], [87 L MTK], [88 L MTK salt] }, or no data.
 */

/** [C] Outer data object of the MBMS security context command. */
export const MBMS_DATA_OBJECT_TAG = 0x73;
/** [U] Success tag of the response (the one the 3G / GBA contexts use). */
export const MBMS_RESPONSE_TAG = 0xdb;

/** [U] Inner tags. */
export const MBMS_TAG = {
  MODE: 0x80,
  MIKEY: 0x81,
  KEY_DOMAIN_ID: 0x82,
  MSK_ID: 0x83,
  IDI: 0x84,
  IDR: 0x85,
  VERIFICATION: 0x86,
  MTK: 0x87,
  SALT: 0x88,
} as const;

/** [U] Mode values carried in the MODE data object. */
export const MBMS_MODE = {
  'msk-update': 0x01,
  'mtk-generation': 0x02,
  'msk-deletion': 0x03,
  'muk-deletion': 0x04,
} as const;

export type MbmsModeName = keyof typeof MBMS_MODE;
