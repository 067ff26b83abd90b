// The plain reader (xml-simple.ts) against the general path (fast-xml-parser behind its validator): on every
// input parseXmlDocument gives what the general path alone gives — the same tree, or the same DecodeError —
// and the bodies our peers send really take the plain way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError } from '../../../../src/codec/errors.js';
import {
  buildBootstrappingInfo,
  buildMskRequest,
  buildMskResponse,
  buildRegisterRequest,
  buildRegisterResponse,
  XML_LIMITS,
} from '../../../../src/codec/xml/index.js';
import { parseXmlDocument, parseXmlDocumentGeneral } from '../../../../src/codec/xml/xml-document.js';
import { readPlainXml } from '../../../../src/codec/xml/xml-simple.js';
import { mutated, xmlishString, xmlText } from './helpers.js';

function outcome(parse: () => unknown): { tree?: unknown; error?: { reason: string; message: string } } {
  try {
    return { tree: parse() };
  } catch (e) {
    assert.ok(e instanceof DecodeError, `only DecodeErrors, got ${String(e)}`);
    return { error: { reason: e.reason, message: e.message } };
  }
}

function agrees(input: string): void {
  assert.deepEqual(outcome(() => parseXmlDocument(input)), outcome(() => parseXmlDocumentGeneral(input)), JSON.stringify(input));
}

const BODIES = [
  buildMskResponse([
    { keyDomainId: Uint8Array.of(0, 0xf1, 0x10), mskId: Uint8Array.of(3, 3, 0, 0), status: 403 },
    { keyDomainId: Uint8Array.of(0, 0xf1, 0x10), mskId: Uint8Array.of(1, 1, 0, 1), status: 200 },
  ]),
  buildMskRequest([{ keyDomainId: Uint8Array.of(0, 0xf1, 0x10), mskId: Uint8Array.of(1, 1, 0, 0) }]),
  buildRegisterRequest(['urn:allServices', 'sport']),
  buildRegisterResponse([{ serviceId: 'news', status: 200 }, { serviceId: 'sport', status: 403 }]),
  buildBootstrappingInfo({ btid: 'kYnSkGlhCMbc7KNRQkz7qQ==@bsf.example.org', lifetime: new Date('2025-03-02T10:00:03Z') }),
];

const PLAIN = [
  '<a/>',
  ' \n<a></a>',
  '<?xml version="1.0"?><a/>',
  "<?xml version='1.1' encoding='utf-8' standalone='yes' ?>\n\n<a/>\n",
  '<p:root xmlns:p="urn:p" xmlns="urn:d" a=\'1\'>\n  <child>x y > z</child>\n  <p:other/><q:x xmlns:q="urn:q"/>\n</p:root>',
  '<toString valueOf="1"><hasOwnProperty>x</hasOwnProperty><__defineGetter__/></toString>',
  '<a>1\n2</a>',
  '<a  b = "c"  d=\'e"f\' ></a >',
  '<a>Grüße 😀 中</a>',
  '<r>t1<i>x</i>t2<j/>t3</r>',
  '<a xml:lang="en"><b xmlns="u"><c xmlns=""/></b></a>',
];

const NOT_PLAIN = [
  '',
  ' <?xml version="1.0"?><a/>',
  '<!-- c --><a/>',
  '<a><!-- c --></a>',
  '<a><![CDATA[x]]></a>',
  '<?xml version="1.0"?><?pi x?><a/>',
  '<a>fish &amp; chips</a>',
  '<a b="x\ty"/>',
  '<a b="x\ny"/>',
  '<a x="1" x="2"/>',
  '<a x/>',
  '<a:b:c/>',
  '<:a/>',
  '<1a/>',
  '<a><b></a></b>',
  '<a>',
  '<a/>junk',
  '<a/><b/>',
  '<a>]]></a>',
  '<__proto__/>',
  '<a constructor="x"/>',
  '<a b="1"c="2"/>',
  '<?xml version="1.0"?>',
  '<é/>',
];

test('the bodies our peers send take the plain way, and read as the general path reads them', () => {
  for (const body of BODIES) {
    assert.notEqual(readPlainXml(body, XML_LIMITS), undefined, body);
    agrees(body);
  }
});

test('plain documents are read directly; the same tree as the general path', () => {
  for (const doc of PLAIN) {
    assert.notEqual(readPlainXml(doc, XML_LIMITS), undefined, doc);
    agrees(doc);
  }
});

test('anything outside the subset is declined, and the general path decides (same tree or same error)', () => {
  for (const doc of NOT_PLAIN) {
    assert.equal(readPlainXml(doc, XML_LIMITS), undefined, doc);
    agrees(doc);
  }
});

test('limits: depth and element count over the limit are declined, at the limit read', () => {
  const nest = (n: number) => '<e>'.repeat(n) + '</e>'.repeat(n);
  assert.notEqual(readPlainXml(nest(XML_LIMITS.maxDepth), XML_LIMITS), undefined);
  assert.equal(readPlainXml(nest(XML_LIMITS.maxDepth + 1), XML_LIMITS), undefined);
  agrees(nest(XML_LIMITS.maxDepth));
  agrees(nest(XML_LIMITS.maxDepth + 1));
  const flat = (n: number) => '<r>' + '<i/>'.repeat(n - 1) + '</r>';
  assert.notEqual(readPlainXml(flat(XML_LIMITS.maxElements), XML_LIMITS), undefined);
  assert.equal(readPlainXml(flat(XML_LIMITS.maxElements + 1), XML_LIMITS), undefined);
  agrees(flat(XML_LIMITS.maxElements + 1));
});

test('property: markup soup gives the same outcome both ways', () => {
  fc.assert(fc.property(xmlishString(40), agrees), { numRuns: 3000 });
});

test('property: edited bodies give the same outcome both ways', () => {
  fc.assert(fc.property(fc.constantFrom(...BODIES, ...PLAIN).chain(mutated), agrees), { numRuns: 3000 });
});

test('property: any text in elements and attributes gives the same outcome both ways', () => {
  fc.assert(
    fc.property(xmlText(30), xmlText(15), (t, v) => {
      const attr = v.replace(/"/g, "'");
      agrees(`<r a="${attr}"><i>${t}</i>${t}</r>`);
    }),
    { numRuns: 2000 },
  );
});
