/**
 * The masker every log line and every support-bundle file passes through: identities keep a short prefix
 * (and suffix, as the daemon's maskId does), key material and credentials are hidden whole. It is the
 * text-level twin of the MQTT sanitizer (src/mqtt/sanitize.ts), whose secret-name rule it reuses, and it is
 * idempotent: masking masked text changes nothing (bcastctl masks the bundle a second time).
 *
 * Lines that are JSON objects (pino's output) are parsed and masked value by value, so a masked line stays
 * valid JSON and a rule can use the field name; anything else is masked as plain text.
 */
import { BTID_PATTERN, ELLIPSIS, ICCID_PATTERN, maskBtid, maskId } from '../../util/mask.js';
import { isSecretName } from '../../mqtt/sanitize.js';

/** One text rule: applied in table order to each line (or JSON string value) on its own. */
export interface MaskRule {
  readonly name: string;
  readonly pattern: RegExp;
  readonly replace: (match: string, ...groups: string[]) => string;
}

const prefixOnly = (s: string, keep: number) => `${s.slice(0, keep)}${ELLIPSIS}`;

/** Secret-looking `name=value` / `"name": "value"` / `name: value` pairs (prose and pino-pretty lines). */
const SECRET_PAIR_NAMES = 'password|passwd|passphrase|secret|pin[12]?|puk[12]?';

export const MASK_RULES: readonly MaskRule[] = [
  {
    // `Authorization: Digest username="…", response="…"` (and the challenge): everything after "Digest ".
    // Only when parameters follow, so "no usable Digest challenge" stays readable.
    name: 'digest',
    pattern: /\bDigest\s+(?=[A-Za-z][A-Za-z0-9_-]*\s*=).*$/g,
    replace: () => `Digest ${ELLIPSIS}`,
  },
  {
    name: 'authorization',
    pattern: /\b(authorization["']?\s*[:=]\s*["']?(?:Basic|Bearer))\s+(?!\u2026)\S+/gi,
    replace: (_m, head: string) => `${head} ${ELLIPSIS}`,
  },
  {
    // mqtt://user:password@host → mqtt://***@host
    name: 'url-userinfo',
    pattern: /\b([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/\s@"'<>]+@/g,
    replace: (_m, scheme: string) => `${scheme}***@`,
  },
  {
    // PINs typed to the modem: AT+CPIN="1234", AT+CLCK="SC",1,"1234", AT+CPWD="SC","1234","4321".
    name: 'at-pin',
    pattern: /(\+C(?:PIN2?|LCK|PWD)\s*=)([^\r\n]*)/gi,
    replace: (_m, cmd: string, rest: string) => cmd + rest.replace(/(?<![0-9A-Za-z])[0-9]{4,8}(?![0-9A-Za-z])/g, '****'),
  },
  {
    name: 'secret-pair',
    pattern: new RegExp(`(["']?)\\b(${SECRET_PAIR_NAMES})\\b\\1(\\s*[:=]\\s*)(?:"((?:[^"\\\\]|\\\\.)*)"|'([^']*)'|([^\\s"',;&}\\]]+))`, 'gi'),
    replace: (m, q: string, name: string, sep: string, dq?: string, sq?: string) =>
      `${q}${name}${q}${sep}${dq !== undefined ? '"***"' : sq !== undefined ? "'***'" : '***'}`,
  },
  {
    // Hex runs of 32+ digits: keys (K, OPc, Ks, MRK, MSK …), RES/CK/IK dumps. A short prefix stays for correlation.
    name: 'hex-key',
    pattern: /(?<![0-9A-Fa-f])[0-9A-Fa-f]{32,}(?![0-9A-Fa-f])/g,
    replace: (m) => `${prefixOnly(m, 4)}[${m.length} hex]`,
  },
  {
    // ICCID: 89 + 16..18 digits (+ an F filler).
    name: 'iccid',
    pattern: ICCID_PATTERN,
    replace: (m) => maskId(m),
  },
  {
    // IMSI-like digit runs (14-15 digits).
    name: 'imsi',
    pattern: /(?<![0-9])[0-9]{14,15}(?![0-9])/g,
    replace: (m) => maskId(m),
  },
  {
    // B-TID = base64(RAND)@BSF host (TS 33.220), and IMPI-like user@host identities.
    name: 'btid',
    pattern: BTID_PATTERN,
    replace: (_m, id: string, host: string) => maskBtid(id, host),
  },
];

/**
 * What every rule above needs to match at all: '=' or ':' (digest, authorization, at-pin, secret-pair), '@'
 * (url-userinfo, btid), or a run of 14 hex digits (hex-key 32, iccid 18, imsi 14). Text without any of these
 * (most log values: component names, short messages) is returned as it is without running the rules.
 * Keep in step with MASK_RULES.
 */
const MAY_MATCH = /[=:@]|[0-9A-Fa-f]{14}/;

/** Masks one line (or one string value) of plain text. */
export function maskPlain(text: string): string {
  if (!MAY_MATCH.test(text)) return text;
  if (text.includes('\n')) return text.split('\n').map(maskPlain).join('\n');
  let out = text;
  for (const rule of MASK_RULES) out = out.replace(rule.pattern, rule.replace as (m: string, ...g: string[]) => string);
  return out;
}

/** Field names whose values are identities: masked like maskId even when no text rule matches. */
const IDENTITY_FIELDS = new Set(['imsi', 'iccid', 'btid', 'impi', 'impu', 'msisdn', 'username', 'user']);
/** Values the logger or the masker already put in place of a secret. */
const PLACEHOLDERS = new Set(['[redacted]', '[secret]', '[masked]']);

function maskIdentity(v: string): string {
  // Already masked (by maskId, this masker or the MQTT sanitizer, which hides digits with '*').
  if (v.includes(ELLIPSIS) || v.includes('*')) return v;
  return maskId(v);
}

/**
 * Masks a JSON value deeply: secret-named fields become "[masked]", identity fields keep a maskId form, every
 * string goes through the text rules, and integers long enough to be an IMSI are masked as text.
 */
export function maskValue(value: unknown, key?: string): unknown {
  if (key !== undefined && isSecretName(key)) return typeof value === 'string' && PLACEHOLDERS.has(value) ? value : '[masked]';
  if (typeof value === 'string') {
    const masked = maskPlain(value);
    return key !== undefined && IDENTITY_FIELDS.has(key.toLowerCase()) && masked === value ? maskIdentity(value) : masked;
  }
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || Math.abs(value) < 1e13) return value;
    const text = String(value);
    const masked = maskPlain(text);
    return masked === text ? value : masked;
  }
  if (Array.isArray(value)) return value.map((v) => maskValue(v));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskValue(v, k);
    return out;
  }
  return value;
}

/** Masks one log line: JSON object lines value by value (staying valid JSON), other lines as text. */
export function maskLine(line: string): string {
  const t = line.trim();
  if (t.startsWith('{') && t.endsWith('}')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(t);
    } catch {
      return maskPlain(line);
    }
    return JSON.stringify(maskValue(parsed));
  }
  return maskPlain(line);
}

/** Masks a whole text (a log file, a README): line by line. */
export function maskText(text: string): string {
  return text.split('\n').map(maskLine).join('\n');
}
