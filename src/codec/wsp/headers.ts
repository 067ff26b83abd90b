/**
 * WSP headers (WAP-230 §8.4.1): Well-known-header (Short-integer field name + typed value) or
 * Application-header (Token-text name + Text-string value). Header values without a decoder here
 * are kept as the hex of their encoded form, which the generic value rule (§8.4.1.2) can always
 * delimit: 0..30 = that many octets follow, 31 = uintvar length, 32..127 = NUL-terminated text,
 * 128..255 = one octet.
 */
import { EncodeError } from '../errors.js';
import { fromHex, toHex } from '../hex.js';
import { ByteReader } from '../reader.js';
import {
  concatBytes,
  isDecimal,
  readIntegerValue,
  readQuotedString,
  readTextString,
  readTokenText,
  readUintvar,
  startsInteger,
  writeIntegerValue,
  writeLongInteger,
  writeQuotedString,
  writeTextString,
  writeTokenText,
  LENGTH_QUOTE,
  SHORT_LENGTH_MAX,
  TEXT_QUOTE,
} from './primitives.js';
import {
  applicationIdCode,
  applicationIdName,
  codeLabel,
  headerByCode,
  headerByName,
  parseCodeLabel,
  type HeaderKind,
} from './tables.js';

export interface WspHeader {
  name: string;
  value: string;
}

/** A decoded header plus the well-known code it used, if any (the push keeps app-id codes). */
export interface DecodedHeader extends WspHeader {
  valueCode: number | null;
}

/** Dates JS can represent exactly; larger ones stay decimal seconds. */
const MAX_DATE_SECONDS = 8_640_000_000_000n;

/** Skips one value by the generic rule and returns its encoded octets. */
function readGenericValue(r: ByteReader, what: string): Uint8Array {
  const start = r.offset;
  const b = r.u8(what);
  if (b <= SHORT_LENGTH_MAX) r.skip(b, what);
  else if (b === LENGTH_QUOTE) r.skip(readUintvar(r, what), what);
  else if (b < 0x80) {
    const end = r.bytes.indexOf(0, r.offset);
    if (end < 0) r.fail('truncated', `${what}: text not terminated by NUL`);
    r.skip(end + 1 - r.offset, what);
  }
  return r.bytes.slice(start, r.offset);
}

/** First octet of a Text-string: NUL (empty), printable, or the 0x7F quote. */
function startsText(b: number): boolean {
  return b === 0 || (b >= 0x20 && b <= TEXT_QUOTE);
}

function formatDate(seconds: bigint): string {
  if (seconds > MAX_DATE_SECONDS) return seconds.toString();
  return new Date(Number(seconds) * 1000).toISOString().replace('.000Z', 'Z');
}

function decodeValue(r: ByteReader, kind: HeaderKind, name: string): { value: string; valueCode: number | null } {
  const at = r.offset;
  const b = r.peekU8(name);
  const plain = (value: string) => ({ value, valueCode: null });
  switch (kind) {
    case 'integer':
    case 'date': {
      if (!startsInteger(b)) return r.fail('bad-value', `${name}: expected an integer, found 0x${b.toString(16)}`, at);
      const v = readIntegerValue(r, name);
      return plain(kind === 'date' ? formatDate(v) : v.toString());
    }
    case 'text':
      if (!startsText(b)) return r.fail('bad-value', `${name}: expected text, found 0x${b.toString(16)}`, at);
      return plain(readTextString(r, name));
    case 'quoted':
      if (!startsText(b)) return r.fail('bad-value', `${name}: expected a quoted string, found 0x${b.toString(16)}`, at);
      return plain(readQuotedString(r, name));
    case 'app-id': {
      if (startsInteger(b)) {
        const v = readIntegerValue(r, name);
        if (v > 0xffffffffn) return r.fail('unsupported', `${name}: application id ${v} out of range`, at);
        return { value: applicationIdName(Number(v)), valueCode: Number(v) };
      }
      if (!startsText(b)) return r.fail('bad-value', `${name}: expected an id or a URI`, at);
      return plain(readTextString(r, name));
    }
    case 'raw':
      return plain(toHex(readGenericValue(r, name)));
  }
}

export function decodeHeaders(r: ByteReader): DecodedHeader[] {
  const out: DecodedHeader[] = [];
  while (!r.atEnd) {
    const at = r.offset;
    const b = r.peekU8('header name');
    if (b >= 0x80) {
      r.u8();
      const code = b & 0x7f;
      const row = headerByCode(code);
      const name = row?.[1] ?? codeLabel(code);
      out.push({ name, ...decodeValue(r, row?.[2] ?? 'raw', name) });
    } else if (b >= 0x20 && b < TEXT_QUOTE) {
      const name = readTokenText(r, 'header name');
      if (!startsText(r.peekU8(name))) return r.fail('bad-value', `${name}: application header value must be text`);
      out.push({ name, value: readTextString(r, name), valueCode: null });
    } else if (b === 0) {
      return r.fail('bad-value', 'empty header name', at);
    } else {
      // 0x7F / 0x01-0x1F switch header code pages; only the default page is defined for push.
      return r.fail('unsupported', `header code page shift 0x${b.toString(16)}`, at);
    }
  }
  return out;
}

function parseDate(value: string, name: string): bigint {
  if (isDecimal(value)) return BigInt(value);
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || ms < 0 || ms % 1000 !== 0) {
    throw new EncodeError('wsp', `${name}: not a date in whole seconds since 1970: ${value}`);
  }
  return BigInt(ms / 1000);
}

function checkedRaw(hex: string, name: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromHex(hex);
    const r = new ByteReader(bytes, 'wsp');
    readGenericValue(r, name);
    if (r.atEnd) return bytes;
  } catch {
    // fall through: reported below as an EncodeError
  }
  throw new EncodeError('wsp', `${name}: value must be the hex of one encoded WSP value, got ${JSON.stringify(hex)}`);
}

function encodeValue(kind: HeaderKind, name: string, value: string): Uint8Array {
  switch (kind) {
    case 'integer':
      if (!isDecimal(value)) throw new EncodeError('wsp', `${name}: not a non-negative integer: ${value}`);
      return writeIntegerValue(BigInt(value));
    case 'date':
      return writeLongInteger(parseDate(value, name));
    case 'text':
      return writeTextString(value, name);
    case 'quoted':
      return writeQuotedString(value, name);
    case 'app-id': {
      // A name from the OMNA table or a `0x..` label is sent as its code; any other text as a URI.
      const code = applicationIdCode(value);
      return code === null ? writeTextString(value, name) : writeIntegerValue(code);
    }
    case 'raw':
      return checkedRaw(value, name);
  }
}

/**
 * Known names get their well-known code, `0x..` names are sent as that code with a hex value,
 * anything else becomes an Application-header.
 */
export function encodeHeader(h: WspHeader): Uint8Array {
  const row = headerByName(h.name);
  if (row) return concatBytes([Uint8Array.of(0x80 | row[0]), encodeValue(row[2], row[1], h.value)]);
  const code = parseCodeLabel(h.name);
  if (code !== null) {
    if (code > 0x7f) throw new EncodeError('wsp', `header code ${h.name} does not fit a short-integer`);
    return concatBytes([Uint8Array.of(0x80 | code), checkedRaw(h.value, h.name)]);
  }
  return concatBytes([writeTokenText(h.name, 'header name'), writeTextString(h.value, h.name)]);
}

export function isApplicationIdHeader(name: string): boolean {
  return headerByName(name)?.[2] === 'app-id';
}
