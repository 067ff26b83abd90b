import { XMLBuilder } from 'fast-xml-parser';
import { EncodeError } from '../errors.js';
import { isXmlChars } from './xml-document.js';

/**
 * Writes the small documents we send: a root element in a default namespace holding leaf elements
 * or one level of item elements. fast-xml-parser's builder escapes `& < > " '`; the checks here
 * refuse what no escape can carry (characters outside XML 1.0), and a CR is written as `&#13;`
 * because a receiving parser would otherwise normalise it to LF.
 */

/** A leaf element (text) or an element with child elements, in order. */
export type XmlOut = { readonly [name: string]: string | readonly XmlOut[] };

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: false,
});

function toOrdered(el: XmlOut): Record<string, unknown> {
  const [name, value] = Object.entries(el)[0] ?? fail('empty element description');
  if (typeof value === 'string') {
    if (!isXmlChars(value)) fail(`<${name}> text holds a character XML cannot carry`);
    return { [name]: [{ '#text': value }] };
  }
  return { [name]: value.map(toOrdered) };
}

function fail(message: string): never {
  throw new EncodeError('xml', message);
}

/**
 * Identifiers (service IDs, B-TIDs) are read back whitespace-trimmed, so one that is empty or
 * starts or ends with whitespace could not survive the trip: refuse it here.
 */
export function requireToken(value: string, what: string): string {
  if (value === '' || /^[ \t\r\n]|[ \t\r\n]$/.test(value)) {
    fail(`${what} must be non-empty without leading or trailing whitespace`);
  }
  return value;
}

/** `<?xml …?>` + `<root xmlns="namespace">…</root>`. */
export function writeXml(root: string, namespace: string, children: readonly XmlOut[]): string {
  const doc = [
    { '?xml': [{ '#text': '' }], ':@': { version: '1.0', encoding: 'UTF-8' } },
    { [root]: children.map(toOrdered), ':@': { xmlns: namespace } },
  ];
  // format:true only ever inserts LF, so any CR left in the output came from a value.
  return (builder.build(doc) as string).replace(/\r/g, '&#13;');
}
