/**
 * HTTP Digest header syntax (RFC 7235 §2.1, RFC 7616 §3.3-3.4): parsing WWW-Authenticate challenges
 * and Authorization credentials, and formatting Authorization. Parameter names are case-insensitive,
 * values are tokens or quoted strings with backslash escapes. Bad input throws DigestParseError only.
 */
import { DigestParseError } from './errors.js';

/** RFC 7230 tchar. */
const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
/** RFC 7235 token68 characters (before any trailing '=' padding). */
const TOKEN68 = /[A-Za-z0-9\-._~+/]/;

export interface AuthChallenge {
  /** As received (compare case-insensitively). */
  scheme: string;
  /** Parameter names lower-cased; empty for a token68 challenge. */
  params: Record<string, string>;
  token68?: string;
}

/** Scanner over one header value holding one or more comma-separated challenges. */
class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  get atEnd(): boolean {
    return this.pos >= this.text.length;
  }
  peek(ahead = 0): string {
    return this.text[this.pos + ahead] ?? '';
  }
  skipOws(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }
  /** Skips OWS and any empty list elements (RFC 7230 §7 allows ", ,"). Returns whether a comma was seen. */
  skipCommas(): boolean {
    let seen = false;
    this.skipOws();
    while (this.peek() === ',') {
      seen = true;
      this.pos++;
      this.skipOws();
    }
    return seen;
  }
  token(): string {
    const start = this.pos;
    while (TCHAR.test(this.peek())) this.pos++;
    if (this.pos === start) throw this.fail('expected-token', 'expected a token');
    return this.text.slice(start, this.pos);
  }
  quoted(): string {
    const start = this.pos;
    this.pos++; // opening quote
    let value = '';
    for (;;) {
      if (this.atEnd) throw new DigestParseError('unterminated-quote', 'unterminated quoted string', start);
      const ch = this.text[this.pos++]!;
      if (ch === '"') return value;
      if (ch === '\\') {
        if (this.atEnd) throw new DigestParseError('unterminated-quote', 'unterminated quoted string', start);
        const escaped = this.text[this.pos++]!;
        if (isControl(escaped)) throw this.fail('control-char', 'control character in quoted string', this.pos - 1);
        value += escaped;
        continue;
      }
      if (isControl(ch)) throw this.fail('control-char', 'control character in quoted string', this.pos - 1);
      value += ch;
    }
  }
  fail(reason: ConstructorParameters<typeof DigestParseError>[0], message: string, at = this.pos): DigestParseError {
    return new DigestParseError(reason, message, at);
  }
}

function isControl(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return (c < 0x20 && c !== 0x09) || c === 0x7f;
}

/**
 * If a token68 (RFC 7235: 1*token68-char *"=") stands alone here, up to the end or a comma, consume
 * and return it. Anything else (`name = value`) is left for the auth-param parser.
 */
function tryToken68(s: Scanner): string | undefined {
  const start = s.pos;
  let i = start;
  while (TOKEN68.test(s.text[i] ?? '')) i++;
  if (i === start) return undefined;
  while (s.text[i] === '=') i++;
  let j = i;
  while (s.text[j] === ' ' || s.text[j] === '\t') j++;
  if (j < s.text.length && s.text[j] !== ',') return undefined;
  s.pos = i;
  return s.text.slice(start, i);
}

/** Parses every challenge (or the one credentials value) in a header value. */
export function parseAuthHeader(value: string): AuthChallenge[] {
  const s = new Scanner(value);
  s.skipCommas();
  if (s.atEnd) throw new DigestParseError('empty', 'empty header value');
  const out: AuthChallenge[] = [];
  while (!s.atEnd) {
    const scheme = s.token();
    // A Map, then Object.fromEntries: a parameter named __proto__ stays an ordinary own property.
    const params = new Map<string, string>();
    const challenge: AuthChallenge = { scheme, params: {} };
    out.push(challenge);
    const hadSpace = s.peek() === ' ' || s.peek() === '\t';
    s.skipOws();
    if (s.atEnd) break;
    if (s.peek() === ',') {
      s.skipCommas();
      continue;
    }
    if (!hadSpace) throw s.fail('expected-comma', 'expected a space after the scheme');
    const t68 = tryToken68(s);
    if (t68 !== undefined) {
      challenge.token68 = t68;
      s.skipCommas();
      continue;
    }
    // auth-params until the next challenge (a token not followed by '=') or the end
    for (;;) {
      const nameAt = s.pos;
      const name = s.token();
      s.skipOws();
      if (s.peek() !== '=') {
        if (params.size === 0) throw s.fail('expected-equals', `expected '=' after '${name}'`);
        s.pos = nameAt; // start of the next challenge
        break;
      }
      s.pos++;
      s.skipOws();
      let v: string;
      if (s.peek() === '"') v = s.quoted();
      else if (TCHAR.test(s.peek())) v = s.token();
      else throw s.fail('expected-value', `expected a value for '${name}'`);
      const key = name.toLowerCase();
      if (params.has(key)) throw new DigestParseError('duplicate-param', `duplicate parameter '${key}'`, nameAt);
      params.set(key, v);
      s.skipOws();
      if (s.atEnd) break;
      if (!s.skipCommas()) throw s.fail('expected-comma', 'expected a comma between parameters');
      if (s.atEnd) break;
    }
    challenge.params = Object.fromEntries(params);
  }
  return out;
}

function firstDigest(value: string): Record<string, string> {
  const digest = parseAuthHeader(value).find((c) => c.scheme.toLowerCase() === 'digest');
  if (!digest) throw new DigestParseError('no-digest-challenge', 'no Digest scheme in header');
  return digest.params;
}

function required(params: Record<string, string>, names: readonly string[]): void {
  for (const n of names) {
    if (!Object.hasOwn(params, n)) throw new DigestParseError('missing-param', `missing parameter '${n}'`);
  }
}

export interface DigestChallenge {
  realm: string;
  nonce: string;
  /** As offered, e.g. 'AKAv1-MD5'; RFC 7616 default 'MD5' when absent. */
  algorithm: string;
  /** The qop-options list, e.g. ['auth', 'auth-int']; empty when the server sent none. */
  qop: string[];
  opaque?: string;
  stale: boolean;
  domain?: string;
  /** Every parameter, names lower-cased. */
  params: Record<string, string>;
}

/** Parses a WWW-Authenticate value and returns its (first) Digest challenge. */
export function parseChallenge(headerValue: string): DigestChallenge {
  const p = firstDigest(headerValue);
  required(p, ['realm', 'nonce']);
  const challenge: DigestChallenge = {
    realm: p.realm!,
    nonce: p.nonce!,
    algorithm: p.algorithm ?? 'MD5',
    qop: (p.qop ?? '').split(',').map((q) => q.trim()).filter((q) => q.length > 0),
    stale: (p.stale ?? '').toLowerCase() === 'true',
    params: p,
  };
  if (p.opaque !== undefined) challenge.opaque = p.opaque;
  if (p.domain !== undefined) challenge.domain = p.domain;
  return challenge;
}

export interface DigestAuthorization {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  /** 32 lowercase hex digits; empty in the first GBA request (TS 24.109 §5.2.1). */
  response: string;
  algorithm?: string;
  cnonce?: string;
  opaque?: string;
  qop?: string;
  /** 8 hex digits. */
  nc?: string;
  /** base64(AUTS) on an AKA synchronisation failure (RFC 3310 §3.4). */
  auts?: string;
}

/** Parses an Authorization value (server side: simulated BSF / BSM). */
export function parseAuthorization(headerValue: string): DigestAuthorization & { params: Record<string, string> } {
  const p = firstDigest(headerValue);
  required(p, ['username', 'realm', 'nonce', 'uri', 'response']);
  const out: DigestAuthorization & { params: Record<string, string> } = {
    username: p.username!,
    realm: p.realm!,
    nonce: p.nonce!,
    uri: p.uri!,
    response: p.response!,
    params: p,
  };
  for (const k of ['algorithm', 'cnonce', 'opaque', 'qop', 'nc', 'auts'] as const) {
    if (p[k] !== undefined) out[k] = p[k];
  }
  return out;
}

/** Which Authorization fields go out as quoted strings (RFC 7616 §3.4); the rest are tokens. */
const FIELD_ORDER: ReadonlyArray<readonly [keyof DigestAuthorization, 'quoted' | 'token']> = [
  ['username', 'quoted'],
  ['realm', 'quoted'],
  ['nonce', 'quoted'],
  ['uri', 'quoted'],
  ['response', 'quoted'],
  ['algorithm', 'token'],
  ['cnonce', 'quoted'],
  ['opaque', 'quoted'],
  ['qop', 'token'],
  ['nc', 'token'],
  ['auts', 'quoted'],
];

/** What isControl() refuses, as one pattern: C0 controls but HTAB, and DEL. */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function quote(name: string, v: string): string {
  if (CONTROL.test(v)) throw new RangeError(`Digest field '${name}' contains a control character`);
  return `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Formats an Authorization header value: `Digest username="…", realm="…", …`. */
export function formatAuthorization(fields: DigestAuthorization): string {
  const parts: string[] = [];
  for (const [name, kind] of FIELD_ORDER) {
    const v = fields[name];
    if (v === undefined) continue;
    if (kind === 'token') {
      if (!TOKEN.test(v)) throw new RangeError(`Digest field '${name}' is not a token: ${JSON.stringify(v)}`);
      parts.push(`${name}=${v}`);
    } else {
      parts.push(`${name}=${quote(name, v)}`);
    }
  }
  return `Digest ${parts.join(', ')}`;
}
