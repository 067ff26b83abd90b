import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  SMARTCARD_TRIGGER_MEDIA_TYPE,
  buildRegisterRequest,
  parseSmartcardTrigger,
  type SmartcardTrigger,
} from '../../../../src/codec/xml/index.js';
import { expectDecodeError, mutated, onlyDecodeError, token } from './helpers.js';

test('media type', () => {
  assert.equal(SMARTCARD_TRIGGER_MEDIA_TYPE, 'application/vnd.oma.bcast.smartcard-trigger+xml');
});

const GOOD: Array<[string, string, SmartcardTrigger]> = [
  ['an empty root', '<trigger/>', { rootElement: 'trigger', rootNamespace: undefined, unknownElements: [] }],
  [
    'a namespaced root with nested unknown elements, reported once each in document order',
    '<?xml version="1.0"?><t:SmartcardTrigger xmlns:t="urn:oma:bcast"><t:reason>purchase</t:reason><t:service><t:id>1</t:id></t:service><t:reason/></t:SmartcardTrigger>',
    { rootElement: 'SmartcardTrigger', rootNamespace: 'urn:oma:bcast', unknownElements: ['reason', 'service', 'id'] },
  ],
  [
    'any other well-formed document is a trigger too',
    buildRegisterRequest(['urn:x']),
    { rootElement: 'mbmsSecurityRegister', rootNamespace: 'urn:3GPP:metadata:2005:MBMS:register', unknownElements: ['serviceID'] },
  ],
];

for (const [name, body, expected] of GOOD) {
  test(`trigger: ${name}`, () => {
    assert.deepEqual(parseSmartcardTrigger(body), expected);
    assert.deepEqual(parseSmartcardTrigger(Buffer.from(body)), expected);
  });
}

test('the unknown-element report is capped at 32 names', () => {
  const body = '<t>' + Array.from({ length: 100 }, (_, i) => `<e${i}/>`).join('') + '</t>';
  const t = parseSmartcardTrigger(body);
  assert.equal(t.unknownElements.length, 32);
  assert.deepEqual(t.unknownElements.slice(0, 3), ['e0', 'e1', 'e2']);
});

const BAD: Array<[string, string, string]> = [
  ['empty body', '', 'malformed'],
  ['not XML', 'TRIGGER', 'malformed'],
  ['unclosed', '<trigger><x></trigger>', 'malformed'],
  ['DOCTYPE', '<!DOCTYPE t SYSTEM "http://evil/t.dtd"><t/>', 'forbidden'],
];

for (const [name, body, reason] of BAD) {
  test(`not a trigger: ${name}`, () => {
    expectDecodeError(() => parseSmartcardTrigger(body), reason);
  });
}

test('property: edited triggers only ever raise DecodeError', () => {
  const base = '<?xml version="1.0"?><t:SmartcardTrigger xmlns:t="urn:oma:bcast"><t:reason a="1">x&amp;y</t:reason></t:SmartcardTrigger>';
  fc.assert(
    fc.property(mutated(base), (doc) => onlyDecodeError(() => parseSmartcardTrigger(doc))),
    { numRuns: 5000 },
  );
});

test('property: the root and every child name are reported', () => {
  // Names starting with `xml` are reserved by XML; the three below are refused by the parser.
  const refused = new Set(['__proto__', 'constructor', 'prototype']);
  const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,8}$/).filter((n) => !/^xml/i.test(n) && !refused.has(n));
  fc.assert(
    fc.property(name, fc.uniqueArray(name, { maxLength: 10 }), token(10), (root, kids, text) => {
      const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      const body = `<${root}>${kids.map((k) => `<${k}>${escaped}</${k}>`).join('')}</${root}>`;
      const t = parseSmartcardTrigger(body);
      assert.equal(t.rootElement, root);
      assert.deepEqual(t.unknownElements, kids);
    }),
    { numRuns: 3000 },
  );
});
