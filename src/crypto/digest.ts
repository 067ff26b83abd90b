/**
 * HTTP Digest computation (RFC 2617 §3.2.2, RFC 7616 §3.4.1) with MD5, MD5-sess and AKAv1-MD5
 * (RFC 3310: MD5 with the AKA RES bytes as the password), and the AKA nonce layout
 * base64(RAND || AUTN || server data) (RFC 3310 §3.2, TS 24.109 §5.2.1).
 */
import { createHash, hash, timingSafeEqual } from 'node:crypto';
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

/**
 * MD5 of the parts joined by ':' as lower-case hex ASCII bytes: HA1 stays out of JS strings. The text parts are
 * joined into one string first (they are public), so the hash sees one update per byte part, not two per part.
 */
function md5hexBytes(...parts: Array<string | Uint8Array>): Buffer {
  const h = createHash('md5');
  let text = '';
  parts.forEach((p, i) => {
    if (i > 0) text += ':';
    if (typeof p === 'string') text += p;
    else {
      if (text !== '') h.update(text, 'utf8');
      text = '';
      h.update(p);
    }
  });
  if (text !== '') h.update(text, 'utf8');
  const raw = h.digest();
  const hex = Buffer.alloc(32);
  hexInto(raw, hex, 0);
  raw.fill(0);
  return hex;
}

/** MD5 hex of public text: one-shot (crypto.hash), no Hash object per call. */
function md5hexText(text: string): string {
  return hash('md5', text, 'hex');
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

/**
 * MD5(username:realm:password) as hex ASCII bytes: the part of HA1 that depends on neither nonce nor request, so a
 * client may keep it (as a Secret: it is password-equivalent) for as long as the password and realm stay the same.
 * The caller zeroes the returned bytes.
 */
export function digestHa1Base(username: string, realm: string, password: string | Uint8Array): Buffer {
  return md5hexBytes(username, realm, password);
}

/** What a response needs besides the login: the request and the challenge's values. */
export type DigestRequestInput = Omit<DigestResponseInput, 'username' | 'realm' | 'password'>;

function ha1FromBase(base: Uint8Array, i: DigestRequestInput): Buffer | Uint8Array {
  switch (i.algorithm) {
    case 'MD5':
    case 'AKAv1-MD5':
      return base;
    case 'MD5-sess':
      return md5hexBytes(base, i.nonce, need('cnonce', i.cnonce));
    default:
      throw new RangeError(`unsupported Digest algorithm: ${String(i.algorithm)}`);
  }
}

function ha2(i: DigestRequestInput): string {
  switch (i.qop) {
    case undefined:
    case 'auth':
      return md5hexText(`${i.method}:${i.uri}`);
    case 'auth-int': {
      const body = i.body ?? '';
      const bodyHash = typeof body === 'string' ? md5hexText(body) : hash('md5', body, 'hex');
      return md5hexText(`${i.method}:${i.uri}:${bodyHash}`);
    }
    default:
      throw new RangeError(`unsupported qop: ${String(i.qop)}`);
  }
}

/**
 * The `response` value from a kept HA1 base (digestHa1Base): 32 lowercase hex digits. `base` is only read; an
 * MD5-sess HA1 made from it is zeroed here.
 */
export function digestResponseFromHa1Base(base: Uint8Array, input: DigestRequestInput): string {
  const a2 = ha2(input);
  const nc = input.qop === undefined ? undefined : typeof input.nc === 'number' ? formatNc(input.nc) : need('nc', input.nc);
  const cnonce = input.qop === undefined ? undefined : need('cnonce', input.cnonce);
  const a1 = ha1FromBase(base, input);
  try {
    const h = createHash('md5').update(a1);
    h.update(input.qop === undefined ? `:${input.nonce}:${a2}` : `:${input.nonce}:${nc!}:${cnonce!}:${input.qop}:${a2}`, 'utf8');
    return h.digest('hex');
  } finally {
    if (a1 !== base) a1.fill(0);
  }
}

/** The `response` value: 32 lowercase hex digits. */
export function computeDigestResponse(input: DigestResponseInput): string {
  const base = digestHa1Base(input.username, input.realm, input.password);
  try {
    return digestResponseFromHa1Base(base, input);
  } finally {
    base.fill(0);
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
