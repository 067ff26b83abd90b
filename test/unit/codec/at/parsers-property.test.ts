/** Property: every AT parser, fed anything, returns or throws a DecodeError, never another error. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError } from '../../../../src/codec/errors.js';
import * as at from '../../../../src/codec/at/index.js';

const PARSERS: ReadonlyArray<[string, string, (line: string) => unknown]> = [
  ['parseCmti', '+CMTI: ', at.parseCmti],
  ['parseCmtHeader', '+CMT: ', at.parseCmtHeader],
  ['parseCmgrHeader', '+CMGR: ', at.parseCmgrHeader],
  ['parseCmglEntries', '+CMGL: ', (l) => at.parseCmglEntries(l.split('\n'))],
  ['parseCreg urc', '+CEREG: ', (l) => at.parseCreg(l, 'urc')],
  ['parseCreg read', '+CGREG: ', (l) => at.parseCreg(l, 'read')],
  ['parseCgev', '+CGEV: ', at.parseCgev],
  ['parseCgpaddr', '+CGPADDR: ', at.parseCgpaddr],
  ['parseCgactRead', '+CGACT: ', (l) => at.parseCgactRead(l.split('\n'))],
  ['parseCsms', '+CSMS: ', at.parseCsms],
  ['parseCnmiTest', '+CNMI: ', at.parseCnmiTest],
  ['parseCpin', '+CPIN: ', at.parseCpin],
  ['splitSmscPrefix', '', (l) => at.splitSmscPrefix(l, 7)],
  ['splitParams', '', at.splitParams],
];

// Text built from the characters AT syntax cares about, so inputs get past the prefix check often.
const atText = fc
  .array(fc.constantFrom('"', ',', '(', ')', '-', ' ', '0', '1', '7', '9', '255', '65536', 'A', 'f', 'SM', 'ME', 'PDN', 'DEACT', 'NW', '.', ':', '\n', '+CMGL: ', '07'), {
    maxLength: 30,
  })
  .map((parts) => parts.join(''));

describe('AT parsers throw only DecodeError', () => {
  for (const [name, prefix, parse] of PARSERS) {
    it(name, () => {
      fc.assert(
        fc.property(fc.oneof(atText, fc.string({ maxLength: 40 })), fc.boolean(), (body, withPrefix) => {
          try {
            parse(withPrefix ? prefix + body : body);
          } catch (e) {
            assert.ok(e instanceof DecodeError, `${name} threw ${String(e)}`);
          }
        }),
        { numRuns: 500 },
      );
    });
  }
});
