/** Shapes shared by the SMS decoder, encoder, JSON view and reassembler. */

export type Alphabet = 'gsm7' | '8bit' | 'ucs2';

/** A TP/RP address as received. */
export interface Address {
  /** '+' and digits for international numbers, the text for alphanumeric senders, else digits. */
  readonly address: string;
  /** Type of number, TOA bits 4-6 (1 international, 5 alphanumeric, ...). */
  readonly ton: number;
  /** Numbering plan identification, TOA bits 0-3. */
  readonly npi: number;
  /** The whole type-of-address octet. */
  readonly toa: number;
}

/** First-octet flags of an SMS-DELIVER, as transmitted. */
export interface DeliverFlags {
  /** Raw TP-MMS bit: true = bit set = NO more messages are waiting in the SC. */
  readonly mms: boolean;
  /** TP-LP (loop prevention). */
  readonly lp: boolean;
  /** TP-SRI (a status report will be returned to the originator). */
  readonly sri: boolean;
  /** TP-UDHI (the user data starts with a header). */
  readonly udhi: boolean;
  /** TP-RP (reply path exists). */
  readonly rp: boolean;
}

export interface DataCoding {
  /** The TP-DCS octet. */
  readonly value: number;
  readonly alphabet: Alphabet;
  /** Message class 0-3, or null when the DCS gives none. */
  readonly messageClass: 0 | 1 | 2 | 3 | null;
  /** TS 23.042 compression: user data is not decoded as text and TP-UDL counts octets. */
  readonly compressed: boolean;
}

export interface UdhIe {
  readonly iei: number;
  readonly data: Uint8Array;
}

export interface Ports {
  readonly destination: number;
  readonly source: number;
  /** 16 from IE 0x05, 8 from IE 0x04. */
  readonly bits: 8 | 16;
}

export interface Concat {
  readonly reference: number;
  readonly total: number;
  readonly sequence: number;
  /** 8 from IE 0x00, 16 from IE 0x08. */
  readonly referenceBits: 8 | 16;
}

export interface SmsDeliver {
  /** SMSC address from the modem's prefix; null when absent or empty (`00`). */
  readonly smsc: string | null;
  readonly originator: Address;
  /** The TPDU's first octet. */
  readonly firstOctet: number;
  readonly flags: DeliverFlags;
  readonly pid: number;
  readonly dcs: DataCoding;
  /** TP-SCTS as ISO 8601 local time with the SC's offset, e.g. `2011-12-13T13:12:11+01:00`. */
  readonly timestamp: string;
  /** The SC time zone offset in minutes east of UTC (a multiple of 15). */
  readonly timestampOffsetMinutes: number;
  /** Every header IE in order, unparsed (empty when TP-UDHI is clear). */
  readonly udh: readonly UdhIe[];
  /** From the last port IE (TS 23.040: the last occurrence wins); null when none. */
  readonly ports: Ports | null;
  /** From the last concatenation IE, as written (validity is the reassembler's business). */
  readonly concat: Concat | null;
  /** TP-UDL as received (septets for uncompressed GSM 7-bit, else octets). */
  readonly udl: number;
  /**
   * User data after the header, in its own units: one septet per byte (values 0-127) for
   * uncompressed GSM 7-bit, else the octets. Concatenating these across parts is lossless.
   */
  readonly userData: Uint8Array;
  /** Present for uncompressed GSM 7-bit and UCS2. */
  readonly text?: string;
}

export interface DecodeSmsOptions {
  /** Whether an SMSC address prefix precedes the TPDU (default true, as in +CMT/+CMGR). */
  readonly smscPrefix?: boolean;
  /**
   * The `<length>` of +CMT/+CMGR (TPDU octets). When given, the prefix is present iff the PDU is
   * longer, and the prefix length must account for exactly the difference.
   */
  readonly tpduLength?: number;
}
