/**
 * RFC 3830 (+ RFC 4563 empty map, RFC 6043 GENERIC-ID) assigned numbers used by the MIKEY codec.
 * The MBMS-specific [U] choices (which Key IDs each message carries, payload order) are not here: they
 * live in `mbms.ts`.
 */

/** Payload types (RFC 3830 §6). Each payload starts with the next payload's type; 0 ends the chain. */
export const MIKEY_PAYLOAD = {
  LAST: 0,
  KEMAC: 1,
  PKE: 2,
  DH: 3,
  SIGN: 4,
  T: 5,
  ID: 6,
  CERT: 7,
  CHASH: 8,
  V: 9,
  SP: 10,
  RAND: 11,
  ERR: 12,
  KEY_DATA: 20,
  EXT: 21,
} as const;

/** Data types (HDR): the three MBMS uses have names in the JSON view, others stay numbers. */
export const MIKEY_DATA_TYPE = { PSK_INIT: 0, PSK_VERIFICATION: 1, ERROR: 6 } as const;
export const MIKEY_DATA_TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'psk-init'],
  [1, 'psk-verification'],
  [6, 'error'],
]);

export const MIKEY_VERSION = 1;
export const MIKEY_PRF_MIKEY_1 = 0;

/** CS ID map types (HDR). */
export const MIKEY_CS_ID_MAP = { SRTP_ID: 0, EMPTY: 1, GENERIC_ID: 2 } as const;
export const MIKEY_CS_ID_MAP_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'SRTP-ID'],
  [1, 'empty'],
  [2, 'GENERIC-ID'],
]);
/** SRTP-ID map entry: Policy_no(1) SSRC(4) ROC(4). */
export const SRTP_ID_ENTRY_LENGTH = 9;

/** Timestamp types and their value lengths (T payload). */
export const MIKEY_TS_TYPE = { NTP_UTC: 0, NTP: 1, COUNTER: 2 } as const;
export const MIKEY_TS: ReadonlyMap<number, { name: string; length: number }> = new Map([
  [0, { name: 'NTP-UTC', length: 8 }],
  [1, { name: 'NTP', length: 8 }],
  [2, { name: 'COUNTER', length: 4 }],
]);

export const MIKEY_ID_TYPE = { NAI: 0, URI: 1 } as const;
export const MIKEY_ID_TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'NAI'],
  [1, 'URI'],
]);

/** KEMAC encryption algorithms. Encr data carries its own length, so unknown values still decode. */
export const MIKEY_ENCR_ALG = { NULL: 0, AES_CM_128: 1, AES_KW_128: 2 } as const;
export const MIKEY_ENCR_ALG_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'NULL'],
  [1, 'AES-CM-128'],
  [2, 'AES-KW-128'],
]);

/** MAC algorithms and MAC lengths (KEMAC, V). An unknown one cannot be delimited. */
export const MIKEY_MAC_ALG = { NULL: 0, HMAC_SHA_1_160: 1 } as const;
export const MIKEY_MAC: ReadonlyMap<number, { name: string; length: number }> = new Map([
  [0, { name: 'NULL', length: 0 }],
  [1, { name: 'HMAC-SHA-1-160', length: 20 }],
]);

/** Key data sub-payload types; `salt` says whether a salt field follows the key. */
export const MIKEY_KEY_TYPE = { TGK: 0, TGK_SALT: 1, TEK: 2, TEK_SALT: 3 } as const;
export const MIKEY_KEY_TYPES: ReadonlyMap<number, { name: string; salt: boolean }> = new Map([
  [0, { name: 'TGK', salt: false }],
  [1, { name: 'TGK+SALT', salt: true }],
  [2, { name: 'TEK', salt: false }],
  [3, { name: 'TEK+SALT', salt: true }],
]);

/** Key validity types (key data KV field). */
export const MIKEY_KV = { NULL: 0, SPI: 1, INTERVAL: 2 } as const;
export const MIKEY_KV_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'null'],
  [1, 'SPI'],
  [2, 'interval'],
]);

/** ERR payload error numbers (RFC 3830 §6.12). */
export const MIKEY_ERROR_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'Auth failure'],
  [1, 'Invalid TS'],
  [2, 'Invalid PRF'],
  [3, 'Invalid MAC'],
  [4, 'Invalid EA'],
  [5, 'Invalid HA'],
  [6, 'Invalid DH'],
  [7, 'Invalid ID'],
  [8, 'Invalid Cert'],
  [9, 'Invalid SP'],
  [10, 'Invalid SPpar'],
  [11, 'Invalid DT'],
  [12, 'Unspecified error'],
]);

/**
 * General extension types [C — IANA MIKEY "General Extensions Type" registry]: 0/1 RFC 3830, 3 Key ID
 * (RFC 4563), 4 CSB_ID (RFC 4738), 5 OMA BCAST (RFC 4909, obsoleted by RFC 5410).
 */
export const MIKEY_EXT_TYPE = { VENDOR_ID: 0, SDP_IDS: 1, KEY_ID: 3, CSB_ID: 4, OMA_BCAST: 5 } as const;
export const MIKEY_EXT_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'vendor-id'],
  [1, 'sdp-ids'],
  [3, 'key-id'],
  [4, 'csb-id'],
  [5, 'oma-bcast'],
]);

/** Key ID Type values of the Key ID extension [C — RFC 4563 Table 2]. There is no MUK type. */
export const MIKEY_KEY_ID_TYPE = { KEY_DOMAIN_ID: 0, MSK_ID: 1, MTK_ID: 2 } as const;
export const MIKEY_KEY_ID_TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'keyDomainId'],
  [1, 'mskId'],
  [2, 'mtkId'],
]);

/** OMA BCAST extension subtypes [C — RFC 5410 §3]. */
export const MIKEY_OMA_BCAST_SUBTYPE = { LTKM: 1, STKM: 2, LTKM_REPORTING: 3, PARENTAL_CONTROL: 4 } as const;
export const MIKEY_OMA_BCAST_SUBTYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [1, 'LTKM'],
  [2, 'STKM'],
  [3, 'LTKM Reporting'],
  [4, 'Parental Control'],
]);

export const nameOr = (names: ReadonlyMap<number, string>, v: number): string | number => names.get(v) ?? v;
