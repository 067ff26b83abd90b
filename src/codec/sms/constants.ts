/**
 * TS 23.040 / TS 23.038 numbers used by the SMS codec, in one table so a reader can check them
 * against the specification in one place. All [C] (SPEC.md §1); no [U] choice lives in this codec.
 */
export const SMS = {
  /** TP-MTI (first octet bits 0-1) of an SMS-DELIVER. */
  MTI_DELIVER: 0,
  /** First-octet bits of an SMS-DELIVER (TS 23.040 §9.2.2.1). */
  FO_MTI_MASK: 0x03,
  FO_MMS: 0x04, // TP-More-Messages-to-Send: bit SET means NO more messages are waiting
  FO_LP: 0x08, // TP-Loop-Prevention
  FO_SRI: 0x20, // TP-Status-Report-Indication
  FO_UDHI: 0x40, // TP-User-Data-Header-Indicator
  FO_RP: 0x80, // TP-Reply-Path

  /** Type-of-number values (TOA bits 4-6) the codec treats specially. */
  TON_INTERNATIONAL: 1,
  TON_ALPHANUMERIC: 5,
  /** TOA octets the encoder picks when the caller gives only a string. */
  TOA_INTERNATIONAL: 0x91,
  TOA_UNKNOWN_ISDN: 0x81,
  TOA_ALPHANUMERIC: 0xd0,
  /** TP-OA value is at most 10 octets = 20 semi-octets (§9.1.2.5: whole field ≤ 12 octets). */
  MAX_ADDRESS_SEMI_OCTETS: 20,
  /** RP-address in front of the TPDU: TOA + at most 10 value octets (TS 24.011 §8.2.5.1). */
  MAX_SMSC_OCTETS: 11,

  /** TP-User-Data capacity (§9.2.3.16). */
  MAX_UD_OCTETS: 140,
  MAX_UD_SEPTETS: 160,

  /** User-data-header information element identifiers (§9.2.3.24). */
  IEI_CONCAT_8: 0x00,
  IEI_PORTS_8: 0x04,
  IEI_PORTS_16: 0x05,
  IEI_CONCAT_16: 0x08,
  /** IE data lengths those identifiers require. */
  IE_LENGTH: { 0x00: 3, 0x04: 2, 0x05: 4, 0x08: 4 } as Readonly<Record<number, number>>,

  /** GSM 7-bit escape to the extension table (TS 23.038 §6.2.1.1). */
  GSM7_ESCAPE: 0x1b,
} as const;

/** IEIs whose meaning the codec lifts into `ports` / `concat`. */
export const STRUCTURED_IEIS: ReadonlySet<number> = new Set([
  SMS.IEI_CONCAT_8,
  SMS.IEI_PORTS_8,
  SMS.IEI_PORTS_16,
  SMS.IEI_CONCAT_16,
]);
