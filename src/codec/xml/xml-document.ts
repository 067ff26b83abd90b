import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DecodeError } from '../errors.js';
import { readPlainXml } from './xml-simple.js';

/**
 * The one door through which every XML body of the project is read (BSF answers, BSM answers,
 * smartcard triggers). Bodies arrive from the network, so everything here assumes hostile input:
 * size, depth and element count are bounded before fast-xml-parser does real work, DOCTYPE (and
 * with it every entity-expansion trick) is refused outright, and the only escapes understood are
 * the five predefined entities and character references, decoded here rather than by the parser.
 * Whatever goes wrong, the caller sees a `DecodeError` with codec `xml` and nothing else.
 */

export const XML_LIMITS = {
  /** Largest body accepted, in UTF-8 bytes (64 KiB): our bodies are a few hundred bytes. */
  maxBytes: 64 * 1024,
  /** Deepest element nesting accepted (the root is depth 1). */
  maxDepth: 32,
  /** Most elements accepted in one document. */
  maxElements: 2048,
} as const;

/** One element, namespaces resolved; text is the decoded character data of its direct children. */
export interface XmlElement {
  /** The name as written, prefix included (`bsf:btid`). */
  readonly name: string;
  /** The name without its prefix (`btid`): what our readers match on. */
  readonly local: string;
  /** The namespace URI in scope for the element's prefix, if one was declared. */
  readonly namespace: string | undefined;
  /** Attributes as written (decoded values), xmlns declarations included. */
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  readonly text: string;
}

type OrderedNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  // Entities are decoded by `decodeReferences` below: the parser sees no DOCTYPE and expands nothing.
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // CDATA content is literal: keep it apart so that entity decoding never touches it.
  cdataPropName: '#cdata',
  maxNestedTags: XML_LIMITS.maxDepth,
  // Keep names such as `toString` as written (the default prefixes `__`). Safe here: the parser's
  // objects are only walked with Object.keys/entries below and never leave this module. The names
  // `__proto__`, `constructor` and `prototype` stay refused by the parser (a DecodeError).
  onDangerousProperty: (name: string) => name,
});

function fail(reason: string, message: string, offset?: number): never {
  throw new DecodeError('xml', reason, message, offset);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function toText(input: string | Uint8Array): string {
  if (typeof input === 'string') {
    const bytes = Buffer.byteLength(input, 'utf8');
    if (bytes > XML_LIMITS.maxBytes) fail('too-large', `body of ${bytes} bytes exceeds ${XML_LIMITS.maxBytes}`);
    return input;
  }
  if (input.length > XML_LIMITS.maxBytes) {
    fail('too-large', `body of ${input.length} bytes exceeds ${XML_LIMITS.maxBytes}`);
  }
  try {
    return utf8.decode(input);
  } catch {
    return fail('encoding', 'body is not valid UTF-8');
  }
}

/** Anything outside the XML 1.0 `Char` production (NUL, most C0 controls, lone surrogates, U+FFFE/F). */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
/** A start tag (or empty-element tag): a cheap upper bound on the element count before parsing. */
const START_TAG = /<[^/!?\s]/g;

/** Whitespace as XML defines it (not JavaScript's wider `trim`, which would eat U+00A0 and friends). */
export function xmlTrim(s: string): string {
  return s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
}

export function isXmlChars(s: string): boolean {
  return !NOT_XML_CHAR.test(s);
}

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

/** Decodes `&lt;`-style predefined entities and `&#…;` references; anything else is refused. */
function decodeReferences(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^;&]*);?/g, (whole, body: string) => {
    if (!whole.endsWith(';')) fail('bad-entity', `bare '&' in '${whole.slice(0, 16)}'`);
    if (Object.hasOwn(PREDEFINED, body)) return PREDEFINED[body]!;
    const m = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(body);
    if (m === null) fail('bad-entity', `entity '&${body.slice(0, 16)};' is not one of XML's predefined five`);
    const code = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2]!, 10);
    const ch = code <= 0x10ffff ? String.fromCodePoint(code) : '';
    if (ch === '' || !isXmlChars(ch) || (code >= 0xd800 && code <= 0xdfff)) {
      fail('bad-entity', `character reference &${body}; is not an XML character`);
    }
    return ch;
  });
}

function splitName(name: string): { prefix: string | undefined; local: string } {
  const parts = name.split(':');
  if (parts.length === 1) return { prefix: undefined, local: name };
  if (parts.length === 2 && parts[0] !== '' && parts[1] !== '') return { prefix: parts[0], local: parts[1]! };
  return fail('malformed', `'${name.slice(0, 40)}' is not a valid namespaced name`);
}

/** Whitespace, comments and processing instructions: all that may surround the root element. */
const MISC = /^(?:[ \t\r\n]+|<!--[^]*?-->|<\?[^]*?\?>)*/;

/**
 * fast-xml-parser's validator does not notice text after a self-closing root (`<a/>junk`) and the
 * parser drops it silently. Such a document is not well-formed: find the root's start tag (quotes
 * respected) and refuse anything after it but whitespace, comments and PIs.
 */
function checkAfterEmptyRoot(text: string): void {
  let i = MISC.exec(text)![0].length;
  let quote = '';
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== '') {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '>') {
      break;
    }
  }
  if (text[i - 1] !== '/') return;
  const rest = text.slice(i + 1);
  if (MISC.exec(rest)![0].length !== rest.length) fail('malformed', 'content after the root element');
}

interface Counter {
  elements: number;
}

function buildElement(
  name: string,
  content: unknown,
  rawAttrs: unknown,
  scope: ReadonlyMap<string, string>,
  depth: number,
  count: Counter,
): XmlElement {
  if (depth > XML_LIMITS.maxDepth) fail('too-deep', `elements nested deeper than ${XML_LIMITS.maxDepth}`);
  if (++count.elements > XML_LIMITS.maxElements) {
    fail('too-many-elements', `more than ${XML_LIMITS.maxElements} elements`);
  }
  const attributes = new Map<string, string>();
  let inner: Map<string, string> | undefined;
  if (rawAttrs !== undefined && rawAttrs !== null && typeof rawAttrs === 'object') {
    for (const [k, v] of Object.entries(rawAttrs)) {
      const value = decodeReferences(String(v));
      attributes.set(k, value);
      if (k === 'xmlns' || k.startsWith('xmlns:')) {
        inner ??= new Map(scope);
        inner.set(k === 'xmlns' ? '' : k.slice(6), value);
      }
    }
  }
  const here = inner ?? scope;
  const { prefix, local } = splitName(name);
  const ns = here.get(prefix ?? '');
  const children: XmlElement[] = [];
  let text = '';
  for (const node of Array.isArray(content) ? (content as OrderedNode[]) : []) {
    const key = Object.keys(node).find((k) => k !== ':@');
    if (key === undefined) continue;
    const value = node[key];
    if (key === '#text') {
      text += decodeReferences(String(value));
    } else if (key === '#cdata') {
      for (const part of Array.isArray(value) ? (value as OrderedNode[]) : []) {
        if (part['#text'] !== undefined) text += String(part['#text']);
      }
    } else {
      children.push(buildElement(key, value, node[':@'], here, depth + 1, count));
    }
  }
  return { name, local, namespace: ns === '' ? undefined : ns, attributes, children, text };
}

/**
 * Parses one XML document into an element tree. Accepts a string or the raw body bytes (UTF-8).
 * An XML declaration, comments, processing instructions and surrounding whitespace are allowed;
 * exactly one root element is required.
 */
export function parseXmlDocument(input: string | Uint8Array): XmlElement {
  return parse(input, true);
}

/** parseXmlDocument without the plain reader (xml-simple.ts): for the tests that compare the two. */
export function parseXmlDocumentGeneral(input: string | Uint8Array): XmlElement {
  return parse(input, false);
}

function parse(input: string | Uint8Array, plain: boolean): XmlElement {
  let text = toText(input);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // Refused before anything else looks at the text: no DTD, so no entity can ever be declared.
  const doctype = text.search(/<!DOCTYPE/i);
  if (doctype >= 0) fail('forbidden', 'DOCTYPE is not accepted', doctype);
  const badChar = text.search(NOT_XML_CHAR);
  if (badChar >= 0) fail('bad-char', `character U+${text.codePointAt(badChar)!.toString(16).padStart(4, '0')} is not allowed in XML`);
  const starts = text.match(START_TAG)?.length ?? 0;
  if (starts > XML_LIMITS.maxElements) fail('too-many-elements', `more than ${XML_LIMITS.maxElements} elements`);
  // XML 1.0 §2.11: line ends are normalised to LF before parsing.
  text = text.replace(/\r\n?/g, '\n');
  // Our peers' bodies are plain XML: read directly when they are; anything else goes the general way below.
  if (plain) {
    const tree = readPlainXml(text, XML_LIMITS);
    if (tree !== undefined) return tree;
  }

  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    fail('malformed', `${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  }
  let nodes: unknown;
  try {
    nodes = parser.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/nested/i.test(msg)) fail('too-deep', `elements nested deeper than ${XML_LIMITS.maxDepth}`);
    return fail('malformed', msg);
  }
  const top = Array.isArray(nodes) ? (nodes as OrderedNode[]) : [];
  const roots: OrderedNode[] = [];
  for (const node of top) {
    const key = Object.keys(node).find((k) => k !== ':@');
    if (key === undefined) continue;
    if (key === '#text') {
      if (xmlTrim(String(node[key])) !== '') fail('malformed', 'character data outside the root element');
    } else if (key === '#cdata') {
      fail('malformed', 'CDATA outside the root element');
    } else {
      roots.push(node);
    }
  }
  if (roots.length !== 1) fail('malformed', `a document needs exactly one root element, found ${roots.length}`);
  checkAfterEmptyRoot(text);
  const root = roots[0]!;
  const rootName = Object.keys(root).find((k) => k !== ':@')!;
  return buildElement(rootName, root[rootName], root[':@'], new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]), 1, {
    elements: 0,
  });
}

/** Direct children with the given local name, in document order. */
export function childrenNamed(el: XmlElement, local: string): XmlElement[] {
  return el.children.filter((c) => c.local === local);
}

/** Trimmed text of the first direct child with that local name, or undefined if there is none. */
export function childText(el: XmlElement, local: string): string | undefined {
  const c = el.children.find((x) => x.local === local);
  return c === undefined ? undefined : xmlTrim(c.text);
}

/** Like `childText`, but a missing or empty child is a `DecodeError('missing')`. */
export function requiredChildText(el: XmlElement, local: string): string {
  const t = childText(el, local);
  if (t === undefined || t === '') fail('missing', `<${el.local}> lacks a non-empty <${local}>`);
  return t;
}
