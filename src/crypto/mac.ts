/**
 * MIKEY message authentication with HMAC-SHA-1-160 (RFC 3830 §4.2.1): the KEMAC MAC over the whole
 * message up to and including the MAC-alg byte, and the verification message MAC.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { buf, concat } from './bytes.js';

export const HMAC_SHA1_160_LEN = 20;

export function hmacSha1_160(authKey: Uint8Array, data: Uint8Array): Buffer {
  return createHmac('sha1', buf(authKey)).update(buf(data)).digest();
}

/** Constant-time comparison; a MAC of the wrong length is simply not equal. */
export function verifyMac(expected: Uint8Array, got: Uint8Array): boolean {
  return expected.length === got.length && expected.length > 0 && timingSafeEqual(buf(expected), buf(got));
}

/**
 * MAC of a MIKEY verification message (SPEC §3.3).
 * [U] (SPEC §3.3, after RFC 3830 §5.2): MAC input = the verification message with the MAC field
 * excluded || IDi || IDr || T, where IDi and IDr are the identity values (the ID payloads' ID data,
 * without payload headers) of the initiator's MSK message and T is its timestamp value (the 4-byte
 * COUNTER as received). The clause text was not available; this function is the ONE place that
 * decides it.
 */
export function verificationMac(
  authKey: Uint8Array,
  verificationMsgWithoutMac: Uint8Array,
  idi: Uint8Array,
  idr: Uint8Array,
  t: Uint8Array,
): Buffer {
  return hmacSha1_160(authKey, concat(verificationMsgWithoutMac, idi, idr, t));
}
