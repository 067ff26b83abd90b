/**
 * The decoded form of a MIKEY message. Fields hold wire values (numbers, bytes); names for them are
 * in `constants.ts` and the JSON view. The next-payload bytes are implied by the payload order.
 */

export interface SrtpCs {
  policyNo: number;
  ssrc: number;
  roc: number;
}

/** RFC 6043 GENERIC-ID map entry; session data kept as bytes. */
export interface GenericCs {
  csId: number;
  protType: number;
  s: boolean;
  /** One policy number per byte (#P = length). */
  policies: Uint8Array;
  sessionData: Uint8Array;
  spi: Uint8Array;
}

/** CS ID map: #CS is the entry count for SRTP-ID / GENERIC-ID and explicit for the empty map. */
export type CsIdMap =
  | { mapType: 0; srtp: SrtpCs[] }
  | { mapType: 1; csCount: number }
  | { mapType: 2; generic: GenericCs[] };

export interface HdrPayload {
  type: 'HDR';
  version: number;
  dataType: number;
  v: boolean;
  prf: number;
  csbId: number;
  csIdMap: CsIdMap;
}

export type TPayload =
  | { type: 'T'; tsType: 2; counter: number }
  | { type: 'T'; tsType: 0 | 1; ntp: bigint };

export interface RandPayload {
  type: 'RAND';
  rand: Uint8Array;
}

export interface IdPayload {
  type: 'ID';
  idType: number;
  id: Uint8Array;
}

export type KeyValidity = { kvType: 0 } | { kvType: 1; spi: Uint8Array } | { kvType: 2; vf: Uint8Array; vt: Uint8Array };

/** A key data sub-payload (RFC 3830 §6.13); `salt` is present exactly for the +SALT types. */
export interface KeyData {
  keyType: number;
  key: Uint8Array;
  salt?: Uint8Array;
  kv: KeyValidity;
}

export interface KemacPayload {
  type: 'KEMAC';
  encrAlg: number;
  /** What is sent. The encoder always writes this; `keyData` is only a decoded view of it. */
  encrData: Uint8Array;
  /** Set by the decoder when encrAlg is NULL: the plain key data sub-payloads in encrData. */
  keyData?: KeyData[];
  macAlg: number;
  mac: Uint8Array;
  /** Set by the decoder: absolute offset of the MAC field (the MAC covers bytes [0, macOffset)). */
  macOffset?: number;
}

export interface VPayload {
  type: 'V';
  macAlg: number;
  mac: Uint8Array;
  /** Set by the decoder: absolute offset of the MAC field. */
  macOffset?: number;
}

export interface SpPayload {
  type: 'SP';
  policyNo: number;
  protType: number;
  /** Policy parameters, kept as sent. */
  params: Uint8Array;
}

export interface ErrPayload {
  type: 'ERR';
  errNo: number;
  reserved: number;
}

export interface ExtPayload {
  type: 'EXT';
  extType: number;
  data: Uint8Array;
}

export type MikeyPayload =
  | TPayload
  | RandPayload
  | IdPayload
  | KemacPayload
  | VPayload
  | SpPayload
  | ErrPayload
  | ExtPayload;

export type MikeyPayloadName = MikeyPayload['type'];

export interface MikeyMessage {
  hdr: HdrPayload;
  /** The payloads after HDR, in wire order. */
  payloads: MikeyPayload[];
}

/** A MIKEY message decoded once, with the bytes it came as (the MAC input and the USIM need them as received). */
export interface DecodedMikey {
  raw: Uint8Array;
  message: MikeyMessage;
}
