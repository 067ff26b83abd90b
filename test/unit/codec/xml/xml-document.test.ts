import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError } from '../../../../src/codec/errors.js';
import { XML_LIMITS, parseXmlDocument } from '../../../../src/codec/xml/index.js';
import { expectDecodeError, mutated, onlyDecodeError, xmlText, xmlishString } from './helpers.js';

test('well-formed documents parse to a tree with local names, namespaces and decoded text', () => {
  const root = parseXmlDocument(
    '\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<!-- lead -->\n<?app data?>\n' +
      '<p:root xmlns:p="urn:p" xmlns="urn:d" a="1&amp;2&#x3C;">\n' +
      '  <child>x&lt;&gt;&amp;&apos;&quot;&#233;&#x1F600;<![CDATA[&amp;<raw>]]>y</child>\n' +
      '  <p:other/><!-- between --><q:x xmlns:q="urn:q"/>\n' +
      '</p:root>\n<!-- trail -->\n',
  );
  assert.equal(root.name, 'p:root');
  assert.equal(root.local, 'root');
  assert.equal(root.namespace, 'urn:p');
  assert.equal(root.attributes.get('a'), '1&2<');
  assert.deepEqual(
    root.children.map((c) => [c.local, c.namespace]),
    [
      ['child', 'urn:d'],
      ['other', 'urn:p'],
      ['x', 'urn:q'],
    ],
  );
  assert.equal(root.children[0]!.text, 'x<>&\'"é😀&amp;<raw>y');
});

test('element and attribute names that shadow Object methods are kept as written', () => {
  const root = parseXmlDocument('<toString valueOf="1"><hasOwnProperty>x</hasOwnProperty><__defineGetter__/></toString>');
  assert.equal(root.local, 'toString');
  assert.equal(root.attributes.get('valueOf'), '1');
  assert.deepEqual(
    root.children.map((c) => c.local),
    ['hasOwnProperty', '__defineGetter__'],
  );
});

test('line ends are normalised to LF; a CR written as &#13; survives', () => {
  const root = parseXmlDocument('<a>1\r\n2\r3&#13;4</a>');
  assert.equal(root.text, '1\n2\n3\r4');
});

test('bytes are read as UTF-8', () => {
  const root = parseXmlDocument(new TextEncoder().encode('<a>Grüße 😀</a>'));
  assert.equal(root.text, 'Grüße 😀');
});

const BAD_DOCUMENTS: Array<[string, string | Uint8Array, string]> = [
  ['empty', '', 'malformed'],
  ['only whitespace', '  \n ', 'malformed'],
  ['only a declaration', '<?xml version="1.0"?>', 'malformed'],
  ['plain text', 'hello', 'malformed'],
  ['unclosed', '<a>', 'malformed'],
  ['mismatched', '<a><b></a></b>', 'malformed'],
  ['two roots', '<a/><b/>', 'malformed'],
  ['two roots, first with content', '<a>x</a><b/>', 'malformed'],
  ['text after an empty root', '<a/>junk', 'malformed'],
  ['text after a root', '<a></a>junk', 'malformed'],
  ['text before the root', 'junk<a/>', 'malformed'],
  ['CDATA after the root', '<a/><![CDATA[x]]>', 'malformed'],
  ['repeated attribute', '<a x="1" x="2"/>', 'malformed'],
  ['attribute without value', '<a x/>', 'malformed'],
  ['bad name', '<1a/>', 'malformed'],
  ['two colons in a name', '<a:b:c/>', 'malformed'],
  ['empty prefix', '<:a/>', 'malformed'],
  ['bare ampersand', '<a>fish & chips</a>', 'malformed'],
  ['second declaration', '<?xml version="1.0"?><?xml version="1.0"?><a/>', 'malformed'],
  ['undeclared entity', '<a>&nbsp;</a>', 'bad-entity'],
  ['entity in an attribute', '<a b="&foo;"/>', 'bad-entity'],
  ['prototype name as entity', '<a>&constructor;</a>', 'bad-entity'],
  ['NUL by reference', '<a>&#0;</a>', 'bad-entity'],
  ['surrogate by reference', '<a>&#xD800;</a>', 'bad-entity'],
  ['beyond Unicode by reference', '<a>&#x110000;</a>', 'bad-entity'],
  ['control character', '<a>\u0001</a>', 'bad-char'],
  ['U+FFFE', '<a>\uFFFE</a>', 'bad-char'],
  ['lone surrogate', '<a>\uD800</a>', 'bad-char'],
  ['DOCTYPE without entities', '<!DOCTYPE a><a/>', 'forbidden'],
  ['lower-case doctype', '<!doctype a><a/>', 'forbidden'],
  ['external entity (XXE)', '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>', 'forbidden'],
  ['invalid UTF-8', Uint8Array.of(0x3c, 0x61, 0x3e, 0xc3, 0x28, 0x3c, 0x2f, 0x61, 0x3e), 'encoding'],
  ['prototype-polluting element name', '<__proto__><x/></__proto__>', 'malformed'],
  ['prototype-polluting attribute name', '<a constructor="x"/>', 'malformed'],
];

for (const [name, doc, reason] of BAD_DOCUMENTS) {
  test(`refused: ${name}`, () => {
    expectDecodeError(() => parseXmlDocument(doc), reason);
  });
}

test('billion laughs is refused before any expansion, quickly', () => {
  const lol = ['<!DOCTYPE lolz [', '<!ENTITY lol "lol">'];
  for (let i = 1; i <= 9; i++) {
    const prev = i === 1 ? 'lol' : `lol${i - 1}`;
    lol.push(`<!ENTITY lol${i} "${`&${prev};`.repeat(10)}">`);
  }
  lol.push(']>', '<lolz>&lol9;</lolz>');
  const started = performance.now();
  for (let i = 0; i < 100; i++) expectDecodeError(() => parseXmlDocument(lol.join('\n')), 'forbidden');
  assert.ok(performance.now() - started < 500, 'refusal must not depend on expansion');
});

test('size limit: 64 KiB is accepted, one byte more is refused before parsing', () => {
  const frame = '<a></a>';
  const exact = '<a>' + ' '.repeat(XML_LIMITS.maxBytes - frame.length) + '</a>';
  assert.equal(Buffer.byteLength(exact), XML_LIMITS.maxBytes);
  assert.equal(parseXmlDocument(exact).local, 'a');
  assert.equal(parseXmlDocument(Buffer.from(exact)).local, 'a');
  const over = '<a>' + ' '.repeat(XML_LIMITS.maxBytes - frame.length + 1) + '</a>';
  expectDecodeError(() => parseXmlDocument(over), 'too-large');
  expectDecodeError(() => parseXmlDocument(Buffer.from(over)), 'too-large');
  // Counted in UTF-8 bytes, not UTF-16 units: 'é' is two bytes.
  const multi = '<a>' + 'é'.repeat((XML_LIMITS.maxBytes - frame.length) / 2 + 1) + '</a>';
  assert.ok(multi.length < XML_LIMITS.maxBytes);
  expectDecodeError(() => parseXmlDocument(multi), 'too-large');
  // Garbage of any size past the limit is refused without being looked at.
  expectDecodeError(() => parseXmlDocument('<'.repeat(10 * XML_LIMITS.maxBytes)), 'too-large');
});

test('depth limit: 32 levels accepted, 33 refused', () => {
  const nest = (n: number): string => '<e>'.repeat(n) + '</e>'.repeat(n);
  let depth = 0;
  for (let el = parseXmlDocument(nest(XML_LIMITS.maxDepth)); ; el = el.children[0]!) {
    depth++;
    if (el.children.length === 0) break;
  }
  assert.equal(depth, XML_LIMITS.maxDepth);
  expectDecodeError(() => parseXmlDocument(nest(XML_LIMITS.maxDepth + 1)), 'too-deep');
  expectDecodeError(() => parseXmlDocument(nest(2000)), 'too-deep');
});

test('element count limit: 2048 accepted, 2049 refused', () => {
  const doc = (n: number): string => '<r>' + '<i/>'.repeat(n - 1) + '</r>';
  assert.equal(parseXmlDocument(doc(XML_LIMITS.maxElements)).children.length, XML_LIMITS.maxElements - 1);
  expectDecodeError(() => parseXmlDocument(doc(XML_LIMITS.maxElements + 1)), 'too-many-elements');
});

test('worst-case bodies within the limits are handled in bounded time', () => {
  const n = XML_LIMITS.maxBytes - 16;
  const bodies = [
    '<a>' + '&amp;'.repeat(n / 5) + '</a>',
    '<a>' + '&#x1F600;'.repeat(n / 9) + '</a>',
    '<a>' + '<![CDATA[x]]>'.repeat(n / 13) + '</a>',
    '<a>' + '<?p x?>'.repeat(n / 7) + '</a>',
    '<r>' + '<i a="&lt;"/>'.repeat(XML_LIMITS.maxElements - 1) + '</r>',
    '<e>'.repeat(XML_LIMITS.maxDepth) + 'x'.repeat(n - 300) + '</e>'.repeat(XML_LIMITS.maxDepth),
    '<a/>' + ' <!-- x -->'.repeat(n / 11),
    '<a/><!--' + '-'.repeat(n - 10),
  ];
  for (const body of bodies) {
    assert.ok(Buffer.byteLength(body) <= XML_LIMITS.maxBytes);
    const started = performance.now();
    onlyDecodeError(() => parseXmlDocument(body));
    // Tens of milliseconds expected; the bound only catches super-linear behaviour.
    assert.ok(performance.now() - started < 2000, body.slice(0, 40));
  }
});

test('property: random bytes only ever raise DecodeError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => onlyDecodeError(() => parseXmlDocument(bytes))),
    { numRuns: 5000 },
  );
});

test('property: random markup-like text only ever raises DecodeError', () => {
  fc.assert(
    fc.property(xmlishString(300), (text) => onlyDecodeError(() => parseXmlDocument(text))),
    { numRuns: 10000 },
  );
});

test('property: a parsed tree never holds a character XML forbids', () => {
  fc.assert(
    fc.property(xmlishString(200), (text) => {
      let root;
      try {
        root = parseXmlDocument(`<r>${text}</r>`);
      } catch (e) {
        assert.ok(e instanceof DecodeError);
        return;
      }
      const stack = [root];
      while (stack.length > 0) {
        const el = stack.pop()!;
        assert.doesNotMatch(el.text, /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
        stack.push(...el.children);
      }
    }),
    { numRuns: 5000 },
  );
});

interface Tree {
  name: string;
  text: string;
  children: readonly Tree[];
}

const treeArb: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.record({
    name: fc.constantFrom('a', 'b', 'item', 'p:x', 'serviceId', 'MSKID'),
    text: xmlText(12),
    children: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant<Tree[]>([]),
      fc.array(tie('node'), { maxLength: 3 }),
    ),
  }),
})).node;

const escapeText = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');

function serialise(t: Tree, top = true): string {
  const ns = top ? ' xmlns="urn:d" xmlns:p="urn:p"' : '';
  return `<${t.name}${ns}>${escapeText(t.text)}${t.children.map((c) => serialise(c, false)).join('')}</${t.name}>`;
}

function shape(t: { name: string; text: string; children: readonly unknown[] }): Tree {
  return { name: t.name, text: t.text, children: t.children.map((c) => shape(c as Tree)) };
}

test('property: any serialised tree reads back as the same tree', () => {
  fc.assert(
    fc.property(treeArb, (tree) => {
      assert.deepEqual(shape(parseXmlDocument(serialise(tree))), shape(tree));
    }),
    { numRuns: 5000 },
  );
});

test('property: edits of well-formed documents only ever raise DecodeError', () => {
  fc.assert(
    fc.property(
      treeArb.chain((tree) => mutated('<?xml version="1.0"?>\n' + serialise(tree))),
      (doc) => onlyDecodeError(() => parseXmlDocument(doc)),
    ),
    { numRuns: 10000 },
  );
});
