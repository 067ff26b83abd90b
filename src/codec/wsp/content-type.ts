/**
 * Content-type-value (WAP-230 §8.4.2.24) and its parameters (§8.4.2.4):
 *   Constrained-media  = Short-integer (well-known) | Extension-media (text)
 *   Content-general-form = Value-length (Well-known-media | Extension-media) *Parameter
 */
import { EncodeError } from '../errors.js';
import { ByteReader } from '../reader.js';
import {
  concatBytes,
  isDecimal,
  readIntegerValue,
  readLongInteger,
  readTextString,
  readTextValue,
  readTokenText,
  readUintvar,
  readValueLength,
  startsInteger,
  writeIntegerValue,
  writeTextString,
  writeTextValue,
  writeTokenText,
  writeUintvar,
  writeValueLength,
  LENGTH_QUOTE,
  SHORT_LENGTH_MAX,
} from './primitives.js';
import {
  codeLabel,
  parseCodeLabel,
  charsetMib,
  charsetName,
  contentTypeCode,
  contentTypeName,
  paramByCodeOf,
  paramByNameOf,
  paramCodeFor,
  type ParamKind,
} from './tables.js';

export interface ContentType {
  name: string;
  /** The well-known code when the PDU used one, null for the text form. */
  code: number | null;
  params: Record<string, string>;
}

/** Codes beyond this are not meaningful well-known values; refusing them keeps numbers exact. */
const MAX_CODE = 0xffffffffn;

function toCode(r: ByteReader, v: bigint, at: number, what: string): number {
  if (v > MAX_CODE) return r.fail('unsupported', `${what}: well-known code ${v} out of range`, at);
  return Number(v);
}

export function decodeContentType(r: ByteReader): ContentType {
  const b = r.peekU8('Content-Type');
  if (b >= 0x80) {
    r.u8();
    const code = b & 0x7f;
    return { name: contentTypeName(code), code, params: {} };
  }
  if (b >= 0x20) return { name: readTextString(r, 'Content-Type'), code: null, params: {} };
  // General form: everything (media + parameters) lives inside the value-length.
  const len = readValueLength(r, 'Content-Type length');
  const inner = new ByteReader(r.take(len, 'Content-Type'), 'wsp', r.absoluteOffset - len);
  const at = inner.offset;
  const m = inner.peekU8('media type');
  let media: { name: string; code: number | null };
  if (startsInteger(m)) {
    const code = toCode(inner, readIntegerValue(inner, 'media type'), at, 'media type');
    media = { name: contentTypeName(code), code };
  } else if (m >= 0x20) {
    media = { name: readTextString(inner, 'media type'), code: null };
  } else {
    return inner.fail('bad-value', `media type cannot start with 0x${m.toString(16)}`, at);
  }
  const params: Record<string, string> = {};
  while (!inner.atEnd) {
    const [k, v] = decodeParameter(inner);
    // defineProperty: a parameter named `__proto__` is data, not the object's prototype.
    Object.defineProperty(params, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return { ...media, params };
}

function decodeParameter(r: ByteReader): [string, string] {
  const at = r.offset;
  const b = r.peekU8('parameter');
  if (startsInteger(b)) {
    const token = readIntegerValue(r, 'parameter token');
    const row = token <= 0x7fn ? paramByCodeOf(Number(token)) : undefined;
    if (row) return [row[1], decodeTypedValue(r, row[2], row[1])];
    // Unassigned token: its value still has the generic typed-value shape; keep it under `0x..`.
    const label = codeLabel(toCode(r, token, at, 'parameter token'));
    return [label, decodeTypedValue(r, 'value', label)];
  }
  if (b >= 0x20 && b < 0x7f) {
    const name = readTokenText(r, 'parameter name').toLowerCase();
    return [name, decodeUntypedValue(r, name)];
  }
  return r.fail('bad-value', `parameter cannot start with 0x${b.toString(16)}`, at);
}

/** Q-value: uintvar 1..100 = 0.00..0.99, 101..1099 = 0.001..0.999. */
function decodeQ(r: ByteReader): string {
  const at = r.offset;
  const q = readUintvar(r, 'q-value');
  if (q < 1 || q > 1099) return r.fail('bad-value', `q-value ${q} out of range`, at);
  return String(q <= 100 ? (q - 1) / 100 : (q - 100) / 1000);
}

function decodeTypedValue(r: ByteReader, kind: ParamKind, name: string): string {
  if (kind === 'q') return decodeQ(r);
  const at = r.offset;
  const b = r.peekU8(name);
  if (startsInteger(b)) {
    const v = readIntegerValue(r, name);
    if (kind === 'charset' && v <= MAX_CODE) return charsetName(Number(v));
    if (kind === 'media') return contentTypeName(toCode(r, v, at, name));
    return v.toString();
  }
  if (b === LENGTH_QUOTE) return r.fail('bad-value', `${name}: unexpected value-length`, at);
  return readTextValue(r, name);
}

function decodeUntypedValue(r: ByteReader, name: string): string {
  const b = r.peekU8(name);
  if (b >= 0x80) return readIntegerValue(r, name).toString();
  if (b >= 1 && b <= SHORT_LENGTH_MAX) return readLongInteger(r, name).toString();
  if (b === LENGTH_QUOTE) return r.fail('bad-value', `${name}: unexpected value-length`);
  return readTextValue(r, name);
}

function encodeQ(v: string): Uint8Array {
  const m = /^0(?:\.([0-9]{1,3}))?$/.exec(v.trim());
  if (!m) throw new EncodeError('wsp', `q-value must be 0 <= q < 1 with up to 3 decimals: ${v}`);
  const frac = m[1] ?? '';
  const q = frac.length <= 2 ? Number((frac + '00').slice(0, 2)) + 1 : Number(frac) + 100;
  return writeUintvar(q);
}

function encodeParameter(name: string, value: string): Uint8Array {
  const row = paramByNameOf(name);
  const label = parseCodeLabel(name);
  if (!row && label !== null) {
    const v = isDecimal(value) ? writeIntegerValue(BigInt(value)) : writeTextValue(value, name);
    return concatBytes([writeIntegerValue(label), v]);
  }
  if (!row) {
    const v = isDecimal(value) ? writeIntegerValue(BigInt(value)) : writeTextValue(value, name);
    return concatBytes([writeTokenText(name.toLowerCase(), 'parameter name'), v]);
  }
  const [, canonical, kind] = row;
  let code = row[0];
  let v: Uint8Array;
  if (kind === 'q') v = encodeQ(value);
  else if (kind === 'charset') {
    const mib = value === '' ? null : (charsetMib(value) ?? (isDecimal(value) ? BigInt(value) : null));
    v = mib === null ? writeTextValue(value, canonical) : writeIntegerValue(mib);
  } else if (kind === 'media' && isDecimal(value)) {
    // A number is the Integer-value `type` parameter (0x03), not a media type.
    code = paramCodeFor(canonical, 'value') ?? code;
    v = writeIntegerValue(BigInt(value));
  } else if (kind === 'media') {
    const ct = contentTypeCode(value);
    v = ct === null ? writeTextValue(value, canonical) : writeIntegerValue(ct);
  } else v = isDecimal(value) ? writeIntegerValue(BigInt(value)) : writeTextValue(value, canonical);
  return concatBytes([writeIntegerValue(code), v]);
}

/** Smallest encoding: a short-integer or text alone when there are no parameters. */
export function encodeContentType(name: string, params: Record<string, string> = {}): Uint8Array {
  if (name === '') throw new EncodeError('wsp', 'empty content type');
  const code = contentTypeCode(name);
  const paramBytes = concatBytes(Object.entries(params).map(([k, v]) => encodeParameter(k, v)));
  if (paramBytes.length === 0 && code !== null && code < 0x80) return Uint8Array.of(0x80 | code);
  const media = code !== null ? writeIntegerValue(code) : writeTextString(name, 'content type');
  if (paramBytes.length === 0 && code === null) return media;
  const body = concatBytes([media, paramBytes]);
  return concatBytes([writeValueLength(body.length), body]);
}
