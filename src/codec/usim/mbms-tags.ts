/**
 * The bytes of AUTHENTICATE in the MBMS security context (TS 31.102 §7.1.2, SPEC §8), in one table.
 * [I]/[C] SPEC §8: two independent implementations build and parse these APDUs — a Qualcomm modem's
 * USIM driver (mmgsdi `mmgsdi_uim_uicc.c`, uimdrv `uimusim.c`: production code) and the Nokia/Symbian
 * TSY (`cmmcustommesshandler.cpp`). They replace the earlier [U] layout `73 { 80 01 mode, 81 L MIKEY… }`.
 *
 * Command:  00 89 80 85 Lc  53 <BER length> <mode(1)> <payload>     (first block; P1 00 on the next)
 * Response: 53|73 L { DB <3GPP output> }  or  53|73 L { AE L { 80|8A|8B|8C|86|87|88 … } }  (OMA BCAST)
 * Retrieval of a response announced by 62 F3: 00 89 A0 85 00, then 00 89 20 85 00 while 62 F1.
 */
import { EncodeError } from '../errors.js';
import { ByteReader } from '../reader.js';
import { USIM_CODEC } from './codec-name.js';

/** [C] P1 of the command blocks: "first block of authentication data", then the following ones. */
export const MBMS_P1 = {
  FIRST_COMMAND_BLOCK: 0x80,
  NEXT_COMMAND_BLOCK: 0x00,
  /** [C] Retrieval: first / next block of authentication response data. */
  FIRST_RESPONSE_BLOCK: 0xa0,
  NEXT_RESPONSE_BLOCK: 0x20,
} as const;

/** [C] The one primitive data object of the command: mode byte || payload, no inner tags. */
export const MBMS_COMMAND_TAG = 0x53;
/** [C] Data object tags a card answers with (Qualcomm accepts both). */
export const MBMS_RESPONSE_TAGS: readonly number[] = [0x53, 0x73];

/** [C] Mode byte values (the Qualcomm driver, the Symbian TSY and another vendor's enum agree). */
export const MBMS_MODE = {
  'msk-update': 0x01,
  'mtk-generation': 0x02,
  'msk-deletion': 0x03,
  'muk-deletion': 0x04,
} as const;

export type MbmsModeName = keyof typeof MBMS_MODE;

/** [C] First byte of a response value: 3GPP MBMS operation ("successful operation") or OMA BCAST. */
export const MBMS_FORM_TAG = { THREE_GPP: 0xdb, OMA_BCAST: 0xae } as const;

/** [C] Inner TLVs of the OMA BCAST operation response (`AE L {…}`). */
export const BCAST_TAG = {
  MANAGEMENT_DATA: 0x80,
  PARENTAL_RATING: 0x8a,
  SPE_TYPE_NOT_SUPPORTED: 0x8b,
  MIKEY: 0x8c,
  TEK: 0x86,
  SALT: 0x87,
  PARENTAL_CONTROL: 0x88,
} as const;

/**
 * [U] SPEC §8 leaves the inside of the 3GPP `DB` output open ("the rest is the output"). Project
 * choice, the length-value style of the 3G / GBA contexts (`DB L RES …`): MSK update `DB [L verification
 * message]`, MTK generation `DB L MTK [L salt]`, one length byte each. This pair is the one home of
 * that choice (the terminal decodes with it, the virtual USIM encodes): correct it here once read.
 */
export function encodeThreeGppOutput(fields: readonly Uint8Array[]): Uint8Array {
  const out: number[] = [MBMS_FORM_TAG.THREE_GPP];
  for (const f of fields) {
    if (f.length > 0xff) throw new EncodeError(USIM_CODEC, `3GPP MBMS output field of ${f.length} bytes is too long`);
    out.push(f.length, ...f);
  }
  return Uint8Array.from(out);
}

/** The length-value fields after `DB` (the caller knows from the mode what they are). */
export function decodeThreeGppOutput(value: Uint8Array, base = 0): Uint8Array[] {
  const r = new ByteReader(value, USIM_CODEC, base);
  if (r.u8('3GPP output tag') !== MBMS_FORM_TAG.THREE_GPP) r.fail('bad-tag', 'expected DB', 0);
  const fields: Uint8Array[] = [];
  while (!r.atEnd) fields.push(Uint8Array.from(r.take(r.u8('field length'), '3GPP output field')));
  return fields;
}

/** [C] Largest command data of one short APDU; longer data goes in chained blocks (63 F1 between). */
export const MBMS_BLOCK_SIZE = 255;
