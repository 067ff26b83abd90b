/**
 * The last gate before a payload reaches the broker (DESIGN.md "Contracts" 2): key material is removed,
 * subscriber identities are masked. Callers are expected not to hand secrets in at all; this catches mistakes.
 *  - removed: fields named like a key or credential (Ks, MRK, MUK, MSK, MTK, TEK, RES, CK, IK, K, OPc, PIN,
 *    password …; `mskId` is an id and stays), every byte container (Buffer, typed arrays, crypto Secret,
 *    anything that is not a plain object, array or Date).
 *  - masked wherever they occur in a string: IMSIs (MCC+MNC and the last 2 digits kept), ICCIDs, B-TIDs
 *    (first 4 characters …@host), and hex strings whose bytes spell one of these.
 * Pure: returns a copy plus the paths it touched (so the publisher can log them, never the values).
 */

import { BTID_PATTERN, ICCID_PATTERN, maskBtid, maskIccid, maskImsi } from '../util/mask.js';

export interface SanitizeOptions {
  /** The opt-in player exchange: `tek` fields may pass. */
  allowTek?: boolean;
  /** A top-level field left out of the result (the publisher adds `ts` itself), as if it were absent. */
  omit?: string;
  /** MNC length of the home network (EF_AD). Default 2: with a 3-digit MNC this hides a digit more, never less. */
  mncLength?: 2 | 3;
}

export interface SanitizeResult<T = unknown> {
  value: T;
  /** JSON-pointer-ish paths of fields removed as secrets. */
  removed: string[];
  /** Paths of values where an identity was masked. */
  masked: string[];
}

/** Name heads of secrets: the first word of a field name (`ksExtNaf`, `msk`, `tekHex`, `PIN1`). */
const SECRET_HEADS = new Set([
  'k', 'ks', 'ksnaf', 'ksextnaf', 'ksintnaf', 'mrk', 'muk', 'msk', 'mtk', 'tek', 'res', 'xres', 'ck', 'ik', 'opc',
  'pin', 'pin1', 'pin2', 'puk', 'puk1', 'puk2',
]);
/** Words that may follow a secret head and still name the secret itself (`mskHex`); anything else (`mskId`) does not. */
const SECRET_QUALIFIERS = new Set([
  'hex', 'b64', 'base64', 'bytes', 'value', 'key', 'raw', 'data', 'material', 'ext', 'int', 'naf', 'local', 'u', 'me',
  'code', 'new', 'old', 'plain', 'enc', 'encrypted',
]);
/** Words that make a field secret wherever they stand in its name. */
const SECRET_ANYWHERE = new Set(['password', 'passwd', 'passphrase', 'secret', 'authorization', 'credential', 'credentials']);
/** Field names whose string values are identities, masked even when they match no pattern below. */
const IDENTITY_NAMES = new Set(['imsi', 'iccid', 'btid', 'impi']);

/** `ksExtNaf` → [ks, ext, naf]; `MSK_ID` → [msk, id]; `PIN1` → [pin1]. */
function words(name: string): string[] {
  return name
    .split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/)
    .filter((w) => w !== '')
    .map((w) => w.toLowerCase());
}

/** What a field name means here; field names are few and repeat, so each is worked out once. */
interface NameClass {
  secret: boolean;
  secretUnlessTek: boolean;
  identity: boolean;
  /** The name itself as it goes out (maskIdentities of it), per MNC length: names are masked like any string. */
  out2?: string;
  out3?: string;
}
const NAME_CACHE = new Map<string, NameClass>();
const NAME_CACHE_LIMIT = 4096;

function classifyName(name: string): NameClass {
  let c = NAME_CACHE.get(name);
  if (c === undefined) {
    const secret = secretName(name, false);
    c = { secret, secretUnlessTek: secret && !secretName(name, true), identity: IDENTITY_NAMES.has(words(name).join('')) };
    // Names come from our own payloads; a cap keeps a hostile payload's keys from growing it without bound.
    if (NAME_CACHE.size >= NAME_CACHE_LIMIT) NAME_CACHE.clear();
    NAME_CACHE.set(name, c);
  }
  return c;
}

/** True when a field of this name holds a secret (given whether TEKs are allowed here). */
export function isSecretName(name: string, allowTek = false): boolean {
  const c = classifyName(name);
  return allowTek ? c.secret && !c.secretUnlessTek : c.secret;
}

function secretName(name: string, allowTek: boolean): boolean {
  const w = words(name);
  if (w.length === 0) return false;
  if (w.some((x) => SECRET_ANYWHERE.has(x))) return true;
  // `OPc` splits as o+pc: the whole name counts too.
  const joined = w.join('');
  const head = SECRET_HEADS.has(joined) ? joined : w[0]!;
  if (head === 'tek' && allowTek) return false;
  return SECRET_HEADS.has(joined) || (SECRET_HEADS.has(head) && w.slice(1).every((x) => SECRET_QUALIFIERS.has(x)));
}

/** 15 digits is an IMSI; longer runs (an IMSI glued to other digits) are masked the same way. */
const IMSI = /(?<![0-9])[0-9]{15,}(?![0-9])/g;
const HEX = /^(?:[0-9A-Fa-f]{2}){16,}$/;

/** The shortest identity the patterns match: an IMSI (15 digits); B-TIDs are told by their '@'. */
const SHORTEST_IDENTITY = 15;

/** Masks every identity-looking run inside `s`; returns s itself when nothing matched. */
export function maskIdentities(s: string, mncLength: 2 | 3 = 2): string {
  // Most strings (states, names, short ids) cannot hold one: skip the regexes.
  if (s.length < SHORTEST_IDENTITY && !s.includes('@')) return s;
  if (HEX.test(s)) {
    // A hex dump of bytes spelling an identity (e.g. a MUK ID = IDi||IDr with the B-TID inside).
    const text = Buffer.from(s, 'hex').toString('latin1');
    if (maskIdentities(text, mncLength) !== text) return '[masked]';
  }
  return s
    .replace(ICCID_PATTERN, (m) => maskIccid(m))
    .replace(IMSI, (m) => maskImsi(m, mncLength))
    .replace(BTID_PATTERN, (_m, b64: string, host: string) => maskBtid(b64, host));
}

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

const MAX_DEPTH = 32;

export function sanitize<T = unknown>(payload: unknown, opts: SanitizeOptions = {}): SanitizeResult<T> {
  const allowTek = opts.allowTek === true;
  const omit = opts.omit;
  const mnc = opts.mncLength ?? 2;
  // A field name goes out masked like any string (a key may be an identity); names repeat, so it is done once.
  const outName = (key: string, c: NameClass): string => {
    let name = mnc === 2 ? c.out2 : c.out3;
    if (name === undefined) {
      name = maskIdentities(key, mnc);
      if (mnc === 2) c.out2 = name;
      else c.out3 = name;
    }
    if (name !== key) masked.push(path());
    return name;
  };
  const removed: string[] = [];
  const masked: string[] = [];
  const ancestors = new Set<object>();
  // The JSON pointer of the value being walked, as segments: joined only for a field removed or masked (rare),
  // not built as a string for every field of every payload.
  const at: string[] = [];
  const path = (): string => (at.length === 0 ? '' : `/${at.join('/')}`);

  const maskString = (s: string, identityField: boolean): string => {
    let out = maskIdentities(s, mnc);
    if (identityField && out === s && s.length > 0) out = `${s.slice(0, Math.min(4, Math.floor(s.length / 3)))}…`;
    if (out !== s) masked.push(path());
    return out;
  };

  // Returns undefined for "drop this value".
  const walk = (v: unknown, fieldName: string | undefined, depth: number): unknown => {
    if (typeof v === 'string') return maskString(v, fieldName !== undefined && classifyName(fieldName).identity);
    if (typeof v === 'number') {
      // A 15-digit integer is an IMSI kept as a number.
      if (Number.isInteger(v) && Math.abs(v) >= 1e14) {
        const m = maskString(String(v), false);
        return m === String(v) ? v : m;
      }
      return Number.isFinite(v) ? v : null;
    }
    if (typeof v === 'boolean' || v === null) return v;
    if (typeof v === 'bigint') return maskString(v.toString(), false);
    if (typeof v !== 'object') return undefined; // functions, symbols, undefined: JSON drops them too
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
    if (depth >= MAX_DEPTH || ancestors.has(v) || !(Array.isArray(v) || isPlainObject(v))) {
      // Byte containers (Buffer, Uint8Array, ArrayBuffer, DataView, crypto Secret), class instances, cycles.
      removed.push(path());
      return undefined;
    }
    ancestors.add(v);
    try {
      if (Array.isArray(v)) {
        const out: unknown[] = [];
        for (let i = 0; i < v.length; i++) {
          at.push(String(i));
          const s = walk(v[i], fieldName, depth + 1);
          at.pop();
          out.push(s === undefined ? null : s);
        }
        return out;
      }
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v)) {
        if (depth === 0 && key === omit) continue;
        const c = classifyName(key);
        at.push(key);
        if (allowTek ? c.secret && !c.secretUnlessTek : c.secret) {
          removed.push(path());
          at.pop();
          continue;
        }
        const s = walk((v as Record<string, unknown>)[key], key, depth + 1);
        if (s !== undefined) out[outName(key, c)] = s;
        at.pop();
      }
      return out;
    } finally {
      ancestors.delete(v);
    }
  };

  const value = walk(payload, undefined, 0);
  return { value: (value === undefined ? null : value) as T, removed, masked };
}
