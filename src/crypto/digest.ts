/**
 * HTTP Digest computation (RFC 2617 §3.2.2, RFC 7616 §3.4.1) with MD5, MD5-sess and AKAv1-MD5
 * (RFC 3310: MD5 with the AKA RES bytes as the password), and the AKA nonce layout
 * base64(RAND || AUTN || server data) (RFC 3310 §3.2, TS 24.109 §5.2.1).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { concat, hexInto } from './bytes.js';
import { DigestParseError } from './errors.js';

export type DigestAlgorithm = 'MD5' | 'AKAv1-MD5' | 'MD5-sess';
export type DigestQop = 'auth' | 'auth-int';

export interface DigestResponseInput {
  username: string;
  realm: string;
  /** A text password, or raw bytes (AKAv1-MD5: the RES; empty when sending AUTS). */
  password: string | Uint8Array;
  method: string;
  uri: string;
  nonce: string;
  /** Nonce count: a number (formatted with formatNc) or its 8-hex-digit form. Needed when qop is set. */
  nc?: number | string;
  /** Needed when qop is set and for MD5-sess. */
  cnonce?: string;
  /** undefined: the RFC 2069 compatible form without qop. */
  qop: DigestQop | undefined;
  /** Entity body for qop=auth-int; empty when absent. */
  body?: Uint8Array | string;
  algorithm: DigestAlgorithm;
}

/** MD5 of the parts joined by ':' as lower-case hex ASCII bytes: HA1 stays out of JS strings. */
function md5hexBytes(...parts: Array<string | Uint8Array>): Buffer {
  const h = createHash('md5');
  parts.forEach((p, i) => {
    if (i > 0) h.update(':');
    h.update(typeof p === 'string' ? Buffer.from(p, 'utf8') : p);
  });
  const raw = h.digest();
  const hex = Buffer.alloc(32);
  hexInto(raw, hex, 0);
  raw.fill(0);
  return hex;
}

function md5hex(...parts: Array<string | Uint8Array>): string {
  return md5hexBytes(...parts).toString('latin1');
}

/** nc as sent on the wire: 8 lowercase hex digits (RFC 7616 §3.4). */
export function formatNc(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 0xffffffff) throw new RangeError(`nonce count out of range: ${n}`);
  return n.toString(16).padStart(8, '0');
}

function need(name: string, v: string | undefined): string {
  if (v === undefined) throw new RangeError(`Digest ${name} is required with this qop/algorithm`);
  return v;
}

/** HA1 as hex ASCII bytes; it is password-equivalent, so the caller zeroes it after use. */
function ha1(i: DigestResponseInput): Buffer {
  const base = md5hexBytes(i.username, i.realm, i.password);
  switch (i.algorithm) {
    case 'MD5':
    case 'AKAv1-MD5':
      return base;
    case 'MD5-sess': {
      const sess = md5hexBytes(base, i.nonce, need('cnonce', i.cnonce));
      base.fill(0);
      return sess;
    }
    default:
      base.fill(0);
      throw new RangeError(`unsupported Digest algorithm: ${String(i.algorithm)}`);
  }
}

function ha2(i: DigestResponseInput): string {
  switch (i.qop) {
    case undefined:
    case 'auth':
      return md5hex(i.method, i.uri);
    case 'auth-int':
      return md5hex(i.method, i.uri, md5hex(i.body ?? ''));
    default:
      throw new RangeError(`unsupported qop: ${String(i.qop)}`);
  }
}

/** The `response` value: 32 lowercase hex digits. */
export function computeDigestResponse(input: DigestResponseInput): string {
  const a2 = ha2(input);
  const nc = input.qop === undefined ? undefined : typeof input.nc === 'number' ? formatNc(input.nc) : need('nc', input.nc);
  const cnonce = input.qop === undefined ? undefined : need('cnonce', input.cnonce);
  const a1 = ha1(input);
  try {
    if (input.qop === undefined) return md5hex(a1, input.nonce, a2);
    return md5hex(a1, input.nonce, nc!, cnonce!, input.qop, a2);
  } finally {
    a1.fill(0);
  }
}

/**
 * Server side: does `response` (any hex case) match what the shared password gives? Constant time.
 * A response that is not 32 hex digits, or lacks the nc / cnonce its qop needs, is simply false.
 */
export function verifyDigestResponse(input: DigestResponseInput & { response: string }): boolean {
  if (!/^[0-9a-fA-F]{32}$/.test(input.response)) return false;
  // nc and cnonce come from the peer's header: their absence is a bad request, not a caller bug.
  if (input.qop !== undefined && (input.nc === undefined || input.cnonce === undefined)) return false;
  if (input.algorithm === 'MD5-sess' && input.cnonce === undefined) return false;
  const expected = Buffer.from(computeDigestResponse(input), 'hex');
  return timingSafeEqual(expected, Buffer.from(input.response, 'hex'));
}

export interface AkaNonce {
  rand: Buffer;
  autn: Buffer;
  /** Whatever the server appended (may be empty). */
  serverData: Buffer;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Splits an AKA nonce. Throws DigestParseError('bad-nonce') if it is not base64 or too short. */
export function decodeAkaNonce(nonce: string): AkaNonce {
  if (!BASE64.test(nonce)) throw new DigestParseError('bad-nonce', 'AKA nonce is not base64');
  const raw = Buffer.from(nonce, 'base64');
  if (raw.length < 32) throw new DigestParseError('bad-nonce', `AKA nonce holds ${raw.length} bytes, RAND || AUTN needs 32`);
  return {
    rand: Buffer.from(raw.subarray(0, 16)),
    autn: Buffer.from(raw.subarray(16, 32)),
    serverData: Buffer.from(raw.subarray(32)),
  };
}

export function encodeAkaNonce({ rand, autn, serverData }: { rand: Uint8Array; autn: Uint8Array; serverData?: Uint8Array }): string {
  if (rand.length !== 16 || autn.length !== 16) throw new RangeError('AKA nonce needs a 16-byte RAND and a 16-byte AUTN');
  return concat(rand, autn, serverData ?? new Uint8Array(0)).toString('base64');
}
