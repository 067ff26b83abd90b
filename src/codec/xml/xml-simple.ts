import type { XmlElement } from './xml-document.js';

/**
 * A strict reader of the plain XML our peers send (BSM and BSF answers): an optional XML declaration, then
 * elements with attributes and character data, and whitespace. It builds the same tree as the general path of
 * parseXmlDocument (fast-xml-parser behind its validator) at a fraction of the cost, and it declines —
 * returns undefined, so the general path decides, with its errors — at the first thing outside that subset:
 * comments, processing instructions, CDATA, any '&', names outside ASCII, a tab or newline in an attribute
 * value, a duplicate attribute, a mismatched or missing end tag, text after the root, depth over the limit.
 * It never throws and never accepts what the general path would refuse (test/unit/codec/xml/xml-simple.test.ts
 * compares the two). Called after parseXmlDocument's own checks (size, characters, DOCTYPE, line ends).
 */

const DECLARATION = /^<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(["'])1\.[0-9]+\1(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(["'])[A-Za-z][A-Za-z0-9._-]*\2)?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(["'])(?:yes|no)\3)?[ \t\n]*\?>/y;
/** A name with at most one prefix, both parts non-empty (what splitName accepts), ASCII only. */
const NAME = /[A-Za-z_][A-Za-z0-9._-]*(?::[A-Za-z_][A-Za-z0-9._-]*)?/y;
const SPACE = /[ \t\n]*/y;
/** An attribute value without '<', '&', tab or newline (those are normalised or decoded on the general path). */
const VALUE = /"([^"<&\t\n]*)"|'([^'<&\t\n]*)'/y;
/** Character data up to the next markup; ']]>' is not allowed in it. */
const TEXT = /[^<&]*/y;
/** Names the general path refuses (fast-xml-parser's onDangerousProperty). */
const REFUSED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

const XML_NS: ReadonlyMap<string, string> = new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]);

function match(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

function skipSpace(text: string, at: number): number {
  SPACE.lastIndex = at;
  SPACE.exec(text);
  return SPACE.lastIndex;
}

interface Limits {
  maxDepth: number;
  maxElements: number;
}

/** The tree of `text`, or undefined when it is not in the plain subset (the general path then reads it). */
export function readPlainXml(text: string, limits: Limits): XmlElement | undefined {
  if (text.includes('&')) return undefined;
  let at = 0;
  const decl = match(DECLARATION, text, 0);
  if (decl !== null) at = decl[0].length;
  at = skipSpace(text, at);
  let elements = 0;

  interface Open {
    name: string;
    local: string;
    namespace: string | undefined;
    attributes: Map<string, string>;
    children: XmlElement[];
    text: string;
    scope: ReadonlyMap<string, string>;
  }
  const stack: Open[] = [];
  let root: XmlElement | undefined;

  const finish = (o: Open): XmlElement => ({ name: o.name, local: o.local, namespace: o.namespace, attributes: o.attributes, children: o.children, text: o.text });

  while (root === undefined) {
    if (text.charCodeAt(at) !== 0x3c /* < */) return undefined;
    const next = text.charCodeAt(at + 1);
    if (next === 0x2f /* / */) {
      // An end tag: it must close the innermost open element.
      const open = stack.pop();
      if (open === undefined) return undefined;
      const name = match(NAME, text, at + 2);
      if (name === null || name[0] !== open.name) return undefined;
      at = skipSpace(text, at + 2 + name[0].length);
      if (text.charCodeAt(at) !== 0x3e /* > */) return undefined;
      at++;
      const el = finish(open);
      if (stack.length === 0) root = el;
      else stack[stack.length - 1]!.children.push(el);
    } else {
      // A start tag (or an empty-element tag).
      const name = match(NAME, text, at + 1);
      if (name === null) return undefined;
      if (stack.length + 1 > limits.maxDepth || ++elements > limits.maxElements) return undefined;
      const qname = name[0];
      at += 1 + qname.length;
      const attributes = new Map<string, string>();
      let inner: Map<string, string> | undefined;
      const scope = stack.length === 0 ? XML_NS : stack[stack.length - 1]!.scope;
      for (;;) {
        const afterSpace = skipSpace(text, at);
        const c = text.charCodeAt(afterSpace);
        if (c === 0x3e /* > */ || (c === 0x2f /* / */ && text.charCodeAt(afterSpace + 1) === 0x3e)) {
          at = afterSpace;
          break;
        }
        // Attributes are separated from the name and from each other by whitespace.
        if (afterSpace === at) return undefined;
        const attr = match(NAME, text, afterSpace);
        if (attr === null) return undefined;
        const key = attr[0];
        let p = skipSpace(text, afterSpace + key.length);
        if (text.charCodeAt(p) !== 0x3d /* = */) return undefined;
        p = skipSpace(text, p + 1);
        const value = match(VALUE, text, p);
        if (value === null || attributes.has(key) || REFUSED_NAMES.has(key)) return undefined;
        const v = value[1] ?? value[2] ?? '';
        attributes.set(key, v);
        if (key === 'xmlns' || key.startsWith('xmlns:')) {
          inner ??= new Map(scope);
          inner.set(key === 'xmlns' ? '' : key.slice(6), v);
        }
        at = p + value[0].length;
      }
      const colon = qname.indexOf(':');
      const local = colon < 0 ? qname : qname.slice(colon + 1);
      if (REFUSED_NAMES.has(qname) || REFUSED_NAMES.has(local)) return undefined;
      const here = inner ?? scope;
      const ns = here.get(colon < 0 ? '' : qname.slice(0, colon));
      const open: Open = { name: qname, local, namespace: ns === '' ? undefined : ns, attributes, children: [], text: '', scope: here };
      if (text.charCodeAt(at) === 0x2f /* / */) {
        at += 2;
        const el = finish(open);
        if (stack.length === 0) root = el;
        else stack[stack.length - 1]!.children.push(el);
      } else {
        at++;
        stack.push(open);
      }
    }
    if (root !== undefined) break;
    // Character data of the innermost open element, up to the next markup.
    const chars = match(TEXT, text, at)![0];
    if (chars.includes(']]>')) return undefined;
    stack[stack.length - 1]!.text += chars;
    at += chars.length;
    const after = text.charCodeAt(at + 1);
    // Comments, CDATA and processing instructions are the general path's.
    if (after === 0x21 /* ! */ || after === 0x3f /* ? */) return undefined;
  }
  return skipSpace(text, at) === text.length ? root : undefined;
}
