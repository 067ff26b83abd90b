/**
 * Status words (ISO/IEC 7816-4, ETSI TS 102 221 §10.2, TS 31.102 §7.3) → typed meanings. One table:
 * the terminal maps them to errors, the virtual USIM answers with them.
 */

/** The status words the project sends or acts on, by name. */
export const SW = {
  OK: 0x9000,
  /** 98 62: authentication error, incorrect MAC (AKA MAC-A, MIKEY MAC). */
  AUTH_MAC: 0x9862,
  /** 98 64: authentication error, security context not supported. */
  CONTEXT_NOT_SUPPORTED: 0x9864,
  /** 98 65: key freshness failure (replayed / old MIKEY timestamp counter). */
  KEY_FRESHNESS: 0x9865,
  /** 98 66: authentication error, no memory space available (EF_MSK). */
  NO_MEMORY: 0x9866,
  /** 98 67: authentication error, no memory space available in EF_MUK. */
  NO_MEMORY_MUK: 0x9867,
  WRONG_LENGTH: 0x6700,
  SECURITY_STATUS: 0x6982,
  PIN_BLOCKED: 0x6983,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  NO_EF_SELECTED: 0x6986,
  WRONG_DATA: 0x6a80,
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  FILE_NOT_FOUND: 0x6a82,
  RECORD_NOT_FOUND: 0x6a83,
  WRONG_P1P2: 0x6a86,
  REFERENCE_NOT_FOUND: 0x6a88,
  OUT_OF_RANGE: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  TECHNICAL_PROBLEM: 0x6f00,
  MEMORY_PROBLEM: 0x6581,
  END_OF_FILE: 0x6282,
  /** 63 F1 (SPEC §8, odd-INS AUTHENTICATE): more command data expected, send the next block. */
  MORE_COMMAND_DATA: 0x63f1,
  /** 62 F3: authentication response data available, fetch it with AUTHENTICATE P1 A0. */
  AUTH_RESPONSE_AVAILABLE: 0x62f3,
  /** 62 F1: more response data available, fetch the next block (P1 20). */
  MORE_RESPONSE_DATA: 0x62f1,
} as const;

export type SwKind =
  | 'ok'
  /** 61xx (and 9Fxx of GSM cards): xx response bytes wait for GET RESPONSE. */
  | 'response-available'
  /** 6Cxx: resend with Le = xx. */
  | 'wrong-le'
  /** 63Cx: verification failed, x tries left. */
  | 'verify-failed'
  | 'warning'
  /** 63 F1: the card waits for the next block of a chained command. */
  | 'more-command-data'
  /** 62 F3: the response waits for retrieval (AUTHENTICATE P1 A0). */
  | 'auth-response-available'
  /** 62 F1: more response data to retrieve (P1 20). */
  | 'more-response-data'
  | 'auth-mac'
  | 'context-not-supported'
  | 'key-freshness'
  | 'no-memory'
  | 'file-not-found'
  | 'record-not-found'
  | 'reference-not-found'
  | 'security-status'
  | 'pin-blocked'
  | 'conditions-not-satisfied'
  | 'wrong-length'
  | 'wrong-parameters'
  | 'wrong-data'
  | 'not-supported'
  | 'card-error'
  | 'unknown';

export interface SwMeaning {
  sw: number;
  kind: SwKind;
  text: string;
  /** 61xx / 6Cxx / 9Fxx: the byte count (00 = 256). 63Cx: tries left. */
  count?: number;
}

const EXACT: ReadonlyMap<number, { kind: SwKind; text: string }> = new Map([
  [SW.OK, { kind: 'ok', text: 'normal ending' }],
  [SW.AUTH_MAC, { kind: 'auth-mac', text: 'authentication error, incorrect MAC' }],
  [SW.CONTEXT_NOT_SUPPORTED, { kind: 'context-not-supported', text: 'authentication error, security context not supported' }],
  [SW.KEY_FRESHNESS, { kind: 'key-freshness', text: 'key freshness failure' }],
  [SW.NO_MEMORY, { kind: 'no-memory', text: 'authentication error, no memory space available' }],
  [SW.NO_MEMORY_MUK, { kind: 'no-memory', text: 'authentication error, no memory space available in EF_MUK' }],
  [SW.WRONG_LENGTH, { kind: 'wrong-length', text: 'wrong length' }],
  [SW.SECURITY_STATUS, { kind: 'security-status', text: 'security status not satisfied' }],
  [SW.PIN_BLOCKED, { kind: 'pin-blocked', text: 'authentication/PIN method blocked' }],
  [SW.CONDITIONS_NOT_SATISFIED, { kind: 'conditions-not-satisfied', text: 'conditions of use not satisfied' }],
  [SW.NO_EF_SELECTED, { kind: 'conditions-not-satisfied', text: 'command not allowed, no EF selected' }],
  [SW.WRONG_DATA, { kind: 'wrong-data', text: 'incorrect parameters in the data field' }],
  [SW.FUNCTION_NOT_SUPPORTED, { kind: 'not-supported', text: 'function not supported' }],
  [SW.FILE_NOT_FOUND, { kind: 'file-not-found', text: 'file or application not found' }],
  [SW.RECORD_NOT_FOUND, { kind: 'record-not-found', text: 'record not found' }],
  [SW.WRONG_P1P2, { kind: 'wrong-parameters', text: 'incorrect parameters P1 to P2' }],
  [SW.REFERENCE_NOT_FOUND, { kind: 'reference-not-found', text: 'referenced data not found' }],
  [SW.OUT_OF_RANGE, { kind: 'wrong-parameters', text: 'wrong parameter(s) P1-P2 (offset out of range)' }],
  [SW.INS_NOT_SUPPORTED, { kind: 'not-supported', text: 'instruction code not supported' }],
  [SW.CLA_NOT_SUPPORTED, { kind: 'not-supported', text: 'class not supported' }],
  [SW.TECHNICAL_PROBLEM, { kind: 'card-error', text: 'technical problem, no precise diagnosis' }],
  [SW.MEMORY_PROBLEM, { kind: 'card-error', text: 'memory problem' }],
  [SW.END_OF_FILE, { kind: 'warning', text: 'end of file reached before reading Le bytes' }],
  [SW.MORE_COMMAND_DATA, { kind: 'more-command-data', text: 'more command data expected (send the next block)' }],
  [SW.AUTH_RESPONSE_AVAILABLE, { kind: 'auth-response-available', text: 'authentication response data available' }],
  [SW.MORE_RESPONSE_DATA, { kind: 'more-response-data', text: 'more response data available' }],
]);

const n256 = (b: number) => (b === 0 ? 256 : b);

export function describeSw(sw: number): SwMeaning {
  const exact = EXACT.get(sw);
  if (exact) return { sw, ...exact };
  const sw1 = sw >> 8;
  const sw2 = sw & 0xff;
  if (sw1 === 0x61 || sw1 === 0x9f) return { sw, kind: 'response-available', text: `${n256(sw2)} response byte(s) available`, count: n256(sw2) };
  if (sw1 === 0x6c) return { sw, kind: 'wrong-le', text: `wrong Le, exact length ${n256(sw2)}`, count: n256(sw2) };
  if (sw1 === 0x63 && (sw2 & 0xf0) === 0xc0) return { sw, kind: 'verify-failed', text: `verification failed, ${sw2 & 0x0f} tries left`, count: sw2 & 0x0f };
  if (sw1 === 0x91 || sw1 === 0x92) return { sw, kind: 'ok', text: 'normal ending with extra information' };
  if (sw1 === 0x62 || sw1 === 0x63) return { sw, kind: 'warning', text: 'warning' };
  return { sw, kind: 'unknown', text: 'unknown status word' };
}

export const swHex = (sw: number): string => sw.toString(16).padStart(4, '0').toUpperCase();
