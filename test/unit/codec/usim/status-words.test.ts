import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeSw, swHex, type SwKind } from '../../../../src/codec/usim/index.js';

const TABLE: [number, SwKind, number | undefined][] = [
  [0x9000, 'ok', undefined],
  [0x9110, 'ok', undefined],
  [0x6122, 'response-available', 0x22],
  [0x6100, 'response-available', 256],
  [0x9f10, 'response-available', 0x10],
  [0x6c09, 'wrong-le', 9],
  [0x63c2, 'verify-failed', 2],
  [0x9862, 'auth-mac', undefined],
  [0x9864, 'context-not-supported', undefined],
  [0x9865, 'key-freshness', undefined],
  [0x9866, 'no-memory', undefined],
  [0x9867, 'no-memory', undefined],
  [0x6a82, 'file-not-found', undefined],
  [0x6982, 'security-status', undefined],
  [0x6983, 'pin-blocked', undefined],
  [0x6a88, 'reference-not-found', undefined],
  [0x6d00, 'not-supported', undefined],
  [0x6282, 'warning', undefined],
  [0x63f1, 'more-command-data', undefined],
  [0x62f3, 'auth-response-available', undefined],
  [0x62f1, 'more-response-data', undefined],
  [0x6fff, 'unknown', undefined],
];

describe('usim codec: status words', () => {
  for (const [sw, kind, count] of TABLE) {
    it(`${swHex(sw)} → ${kind}`, () => {
      const m = describeSw(sw);
      assert.equal(m.kind, kind);
      assert.equal(m.count, count);
      assert.ok(m.text.length > 0);
    });
  }
});
