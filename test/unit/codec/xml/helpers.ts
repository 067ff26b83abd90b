import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError, EncodeError } from '../../../../src/codec/errors.js';

/** Runs `fn`; it may succeed, but if it throws, the error must be an xml DecodeError. */
export function onlyDecodeError(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    assert.equal(e.codec, 'xml');
  }
}

export function expectDecodeError(fn: () => unknown, reason: string): DecodeError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DecodeError, `expected DecodeError, got ${String(e)}`);
    assert.equal(e.codec, 'xml');
    assert.equal(e.reason, reason, e.message);
    return e;
  }
  assert.fail(`expected DecodeError '${reason}', but it succeeded`);
}

export function expectEncodeError(fn: () => unknown): void {
  assert.throws(fn, (e: unknown) => e instanceof EncodeError && e.codec === 'xml');
}

const XML_CHARS = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

/** Pieces that stress XML escaping, plus plain and non-ASCII characters. */
const SPECIAL_PIECES = ['<', '>', '&', '"', "'", ';', '#', ']]>', '&amp;', '&#60;', '\n', '\r', '\t', ' ', 'a', 'Z', '0', 'é', 'ß', '中', '😀', '\u00A0', '\u2028'];

/** Any string of XML characters (full Unicode), with the escape-prone pieces over-represented. */
export function xmlText(maxLength: number): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc.string({ unit: 'binary', maxLength }),
      fc.string({ unit: fc.constantFrom(...SPECIAL_PIECES), maxLength }),
    )
    .filter((s) => XML_CHARS.test(s));
}

/** A non-empty identifier without edge whitespace, e.g. a service ID. */
export function token(maxLength = 40): fc.Arbitrary<string> {
  return xmlText(maxLength).filter((s) => s !== '' && !/^[ \t\r\n]|[ \t\r\n]$/.test(s));
}

const MARKUP_PIECES = ['<', '>', '/', '=', '"', "'", '&', ';', '#', 'x', '!', '?', '-', '[', ']', ':', ' ', '\n', 'a', 'b', '<a>', '</a>', '<b/>', '<!--', '-->', '<![CDATA[', ']]>', '<?xml version="1.0"?>', '<!DOCTYPE', '&amp;', '&#', 'xmlns="u"', 'xmlns:p="v"', 'p:', '\u0000', '\uD800', 'é'];

/** Strings made of markup fragments: mostly malformed, sometimes well-formed. */
export function xmlishString(maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...MARKUP_PIECES), maxLength });
}

/** Random edits of a document: deletions, insertions of markup fragments, truncations. */
export function mutated(doc: string): fc.Arbitrary<string> {
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: xmlishString(4) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), len: fc.constant(0) }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let s = doc;
    for (const e of edits) {
      const at = s.length === 0 ? 0 : e.at % s.length;
      if (e.kind === 'delete') s = s.slice(0, at) + s.slice(at + e.len);
      else if (e.kind === 'insert') s = s.slice(0, at) + e.text + s.slice(at);
      else s = s.slice(0, at);
    }
    return s;
  });
}
