/** The result-code and URC tables, and line classification without the framer. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CME_ERRORS,
  CMS_ERRORS,
  URC_TABLE,
  classifyLine,
  errorCodeForText,
  errorTextForCode,
  findUrc,
  parseFinal,
  splitParams,
} from '../../../../src/codec/at/index.js';
import { DecodeError } from '../../../../src/codec/errors.js';

describe('CME/CMS error tables', () => {
  it('map every number to its text and the text back to the number', () => {
    for (const [table, result] of [
      [CME_ERRORS, 'CME ERROR'],
      [CMS_ERRORS, 'CMS ERROR'],
    ] as const) {
      for (const [code, text] of table) {
        assert.equal(errorTextForCode(result, code), text);
        // CMS 211 repeats the text of CMS 22; the lower code wins.
        if (!(result === 'CMS ERROR' && code === 211)) assert.equal(errorCodeForText(result, text), code, text);
      }
    }
  });

  it('compare verbose texts loosely, as modules print them', () => {
    const cases: ReadonlyArray<['CME ERROR' | 'CMS ERROR', string, number]> = [
      ['CME ERROR', 'SIM not inserted', 10],
      ['CME ERROR', 'sim not inserted', 10],
      ['CME ERROR', 'network not allowed, emergency calls only', 32],
      ['CME ERROR', 'Incorrect parameters', 50],
      ['CMS ERROR', '(U)SIM not inserted', 310],
      ['CMS ERROR', 'Requested facility not subscribed', 50],
      ['CMS ERROR', 'SMSC address unknown', 330],
    ];
    for (const [result, text, code] of cases) assert.equal(errorCodeForText(result, text), code, text);
    assert.equal(errorCodeForText('CME ERROR', 'no such error'), undefined);
    assert.equal(errorTextForCode('CME ERROR', 9999), undefined);
  });

  it('parseFinal recognises finals only', () => {
    assert.deepEqual(parseFinal('+CMS ERROR: 304'), { kind: 'final', result: 'CMS ERROR', code: 304, text: 'invalid PDU mode parameter' });
    assert.deepEqual(parseFinal('+CME ERROR'), { kind: 'final', result: 'CME ERROR' });
    assert.deepEqual(parseFinal('+CME ERROR:3'), { kind: 'final', result: 'CME ERROR', code: 3, text: 'operation not allowed' });
    for (const notFinal of ['OK!', 'ok', 'OKAY', '+CME: 3', 'CONNECT', 'RING']) assert.equal(parseFinal(notFinal), null, notFinal);
  });
});

describe('URC table', () => {
  it('has each name once', () => {
    const names = URC_TABLE.map((e) => e.name.toUpperCase());
    assert.equal(new Set(names).size, names.length);
  });

  it('marks exactly the codes that are also read answers as ambiguous', () => {
    const ambiguous = URC_TABLE.filter((e) => e.ambiguous).map((e) => e.name);
    for (const n of ['+CREG', '+CGREG', '+CEREG', '+C5GREG', '+CPIN', '+CFUN']) assert.ok(ambiguous.includes(n), n);
    for (const n of ['+CMTI', '+CGEV', 'RDY', '+QIND', '+QUSIM', 'SMS DONE', 'PB DONE', '^SYSSTART', '+UUPSDD', '+SIMCARD', '+CIEV']) {
      assert.ok(!ambiguous.includes(n), n);
    }
  });

  const lines: ReadonlyArray<[string, string | undefined]> = [
    ['+CMTI: "SM",1', '+CMTI'],
    ['+CMTIX: 1', undefined],
    ['RDY', 'RDY'],
    ['rdy', 'RDY'],
    ['SMS Ready', 'SMS Ready'],
    ['Call Ready', 'Call Ready'],
    ['^SYSSTART', '^SYSSTART'],
    ['^SYSSTART AIRPLANE MODE', '^SYSSTART'],
    ['^SYSSTARTED', undefined],
    ['+SIMCARD: NOT AVAILABLE', '+SIMCARD'],
    ['+UUPSDD: 0', '+UUPSDD'],
    ['+PDP: DEACT', '+PDP'],
    ['DST: 1', 'DST'],
    ['*ATREADY: 1', '*ATREADY'],
    ['#QSS: 1', '#QSS'],
    ['+E_UTRAN Service', '+E_UTRAN Service'],
    ['Revision: EG25GGBR07A08M2G', undefined],
  ];
  for (const [line, want] of lines) {
    it(`"${line}" → ${want ?? 'not a URC'}`, () => {
      const colon = line.indexOf(':');
      assert.equal(findUrc(line, colon > 0 ? line.slice(0, colon) : null)?.name, want);
    });
  }

  it('classifyLine gives final, URC or information text', () => {
    assert.equal(classifyLine('OK').kind, 'final');
    assert.equal(classifyLine('+CGEV: ME DETACH').kind, 'urc');
    assert.deepEqual(classifyLine('+SIMCROSS:1'), { kind: 'info', text: '+SIMCROSS:1', prefix: '+SIMCROSS' });
    assert.deepEqual(classifyLine('+CUSD: 0,"malformed'), { kind: 'urc', name: '+CUSD', text: '+CUSD: 0,"malformed', params: ['0,"malformed'], ambiguous: true });
  });
});

describe('splitParams', () => {
  it('splits on commas outside strings and brackets and keeps quoting', () => {
    assert.deepEqual(splitParams(' 1 , "a,b" ,(0-1,3),, x y '), [
      { value: '1', quoted: false },
      { value: 'a,b', quoted: true },
      { value: '(0-1,3)', quoted: false },
      { value: '', quoted: false },
      { value: 'x y', quoted: false },
    ]);
    assert.deepEqual(splitParams(''), []);
    assert.deepEqual(splitParams('"  spaced  "'), [{ value: '  spaced  ', quoted: true }]);
    assert.deepEqual(splitParams('ab"c'), [{ value: 'ab"c', quoted: false }]);
  });
  it('refuses unbalanced quotes and brackets', () => {
    for (const bad of ['"open', '(0-1', '0-1)', '"a"b']) assert.throws(() => splitParams(bad), DecodeError, bad);
  });
});
