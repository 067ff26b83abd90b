/** TS 27.005 parsers, table-driven from captured lines; malformed input must give DecodeError only. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DecodeError } from '../../../../src/codec/errors.js';
import {
  parseCmglEntries,
  parseCmgrHeader,
  parseCmtHeader,
  parseCmti,
  parseCnmiTest,
  parseCsms,
  splitSmscPrefix,
} from '../../../../src/codec/at/index.js';

function throwsDecode(fn: () => unknown, reason?: string): void {
  assert.throws(fn, (e: unknown) => e instanceof DecodeError && e.codec === 'at' && (reason === undefined || e.reason === reason));
}

describe('parseCmti', () => {
  const cases = [
    { line: '+CMTI: "SM",1', want: { name: '+CMTI', mem: 'SM', index: 1 }, src: 'SIMCom A76xx boot log (transcript)' },
    { line: '+CMTI: "SM",2', want: { name: '+CMTI', mem: 'SM', index: 2 }, src: 'SIMCom A76xx boot log (transcript)' },
    { line: '+CMTI: "ME",42', want: { name: '+CMTI', mem: 'ME', index: 42 }, src: 'SIM800C log, MaJerle/lwcell issue #63' },
    { line: '+CMTI:"MT",0', want: { name: '+CMTI', mem: 'MT', index: 0 }, src: 'no space after the colon' },
    { line: '+CDSI: "SR",3', want: { name: '+CDSI', mem: 'SR', index: 3 }, src: '27.005 §3.4.1 status report indication' },
  ];
  for (const c of cases) it(`${c.line} (${c.src})`, () => assert.deepEqual(parseCmti(c.line), c.want));

  const bad = [
    { line: '+CMTI: ,-1', reason: 'bad-value', why: 'T-SIM7000G, Xinyuan-LilyGO/T-SIM7600X issue #63: no storage' },
    { line: '+CMTI: "SM"', reason: 'bad-syntax', why: 'index missing' },
    { line: '+CMTI: "SM",one', reason: 'bad-value', why: 'index not a number' },
    { line: '+CMTI: "SM,1', reason: 'bad-syntax', why: 'unterminated string' },
    { line: '+CMT: ,23', reason: 'wrong-prefix', why: 'a +CMT header is not an indication' },
  ];
  for (const b of bad) it(`refuses ${b.line} (${b.why})`, () => throwsDecode(() => parseCmti(b.line), b.reason));
});

describe('parseCmtHeader', () => {
  const cases = [
    { line: '+CMT: ,23', want: { alpha: null, length: 23 } },
    { line: '+CMT: "",22', want: { alpha: null, length: 22 } },
    { line: '+CMT: "Mum",35', want: { alpha: 'Mum', length: 35 } },
    // Cinterion PHS8-P leaves out <alpha> (noted in a public netcomm smstools source).
    { line: '+CMT: 25', want: { alpha: null, length: 25 } },
    { line: '+CDS: 24', want: { alpha: null, length: 24 } },
    { line: '+CBM: 88', want: { alpha: null, length: 88 } },
  ];
  for (const c of cases) it(c.line, () => assert.deepEqual(parseCmtHeader(c.line), c.want));

  it('refuses a text-mode header (Quectel EC25 manual example) as unsupported', () => {
    throwsDecode(() => parseCmtHeader('+CMT: "+8615021012496",,"13/03/18,17:07:21+32",145,4,0,0,"+8613800551500",145,28'), 'unsupported');
  });
  it('refuses a zero or non-numeric length', () => {
    throwsDecode(() => parseCmtHeader('+CMT: ,0'), 'bad-value');
    throwsDecode(() => parseCmtHeader('+CMT: ,x'), 'bad-value');
    throwsDecode(() => parseCmtHeader('+CDS: ,24'), 'unsupported');
  });
});

/** gammu tests/at-sms/*.dump: real AT+CMGR answers collected by the gammu project. */
const GAMMU_CMGR = [
  {
    dump: 'tests/at-sms/01.dump',
    header: '+CMGR: 1,,78',
    pdu: '0791246030500200110481643000007030427132500047D6B0BEECCE83F4E17558EF4EAFEB2CD09C5DD78BC3207519447E8FC3737719D44EB7DF20B8FC6D7FEB5D2062795D5797DB65903E0C82BFC7E837BCEC4EBB00',
    smsc: '0791246030500200',
  },
  {
    dump: 'tests/at-sms/40.dump (a WAP push, ports 0B84/23F0)',
    header: '+CMGR: 1,,153',
    pdu: '07912374151616F6440B911174164210F000F571309290346280860605040B8423F04F06226170706C69636174696F6E2F766E642E7761702E6D6D732D6D65737361676500AF848C82983831343630343934406D6D7331008D928918802B33333333333439333231312F545950453D504C4D4E0096008F8186818A808E03017A598805810303F48083687474703A2F2F6D74732F3F69643D383134363034393400',
    smsc: '07912374151616F6',
  },
  {
    dump: 'tests/at-sms/42.dump',
    header: '+CMGR: 1,,45',
    pdu: '06914977000030200B914977745010F700FB918050809053221DB15CEC868BC9663018080402816432DD0C060281A4412A159904',
    smsc: '06914977000030',
  },
];

describe('parseCmgrHeader and splitSmscPrefix', () => {
  for (const g of GAMMU_CMGR) {
    it(`gammu ${g.dump}`, () => {
      const h = parseCmgrHeader(g.header);
      assert.equal(h.stat, 1);
      assert.equal(h.statName, 'REC READ');
      assert.equal(h.alpha, null);
      const { smsc, tpdu } = splitSmscPrefix(g.pdu, h.length);
      assert.equal(smsc, g.smsc);
      assert.equal(tpdu.length / 2, h.length);
    });
  }

  it('accepts the 2-parameter form and a stat of 0', () => {
    assert.deepEqual(parseCmgrHeader('+CMGR: 0,20'), { stat: 0, statName: 'REC UNREAD', alpha: null, length: 20 });
  });

  it('takes a PDU without SMSC prefix when its size is exactly <length>', () => {
    assert.deepEqual(splitSmscPrefix('0404AB', 3), { smsc: null, tpdu: '0404AB' });
  });

  it('refuses a text-mode answer (hologram-SIMCOM issue #1) as unsupported', () => {
    throwsDecode(() => parseCmgrHeader('+CMGR: "REC UNREAD", "+18001235555","","17/03/18,15:58:43-20"'), 'unsupported');
  });

  it('refuses a PDU whose size contradicts the header, and a PDU that is not hex', () => {
    throwsDecode(() => splitSmscPrefix(GAMMU_CMGR[0]!.pdu, 77), 'length-mismatch');
    throwsDecode(() => splitSmscPrefix('07912G', 2), 'bad-pdu');
    throwsDecode(() => splitSmscPrefix('0791A', 2), 'bad-pdu');
  });

  it('refuses a stat out of range and a missing length', () => {
    throwsDecode(() => parseCmgrHeader('+CMGR: 5,,20'), 'bad-value');
    throwsDecode(() => parseCmgrHeader('+CMGR: 1'), 'bad-syntax');
  });
});

/** ModemManager src/tests/test-modem-helpers.c, test_cmgl_response_generic. */
const MM_CMGL_PDU =
  '07914306073011F00405812261F700003130916191314095C274D96D2FBBD3E437280CB2BEC961F3DB5D76818EF2F0381D9E83E06F39A8CC2E9FD372F' +
  '77BEE0249CBE37A594E0E83E2F532085E2F93CB73D0B93CA7A7DFEEB01C447F93DF7310BD3E07CDCB727B7A9C7ECF41E432C8FC96B7C32079189E26874179D0F8DD7E93C3A0B' +
  '21B246AA641D637396C7EBBCB22D0FD7E77B5D376B3AB3C07';
/** A Huawei listing quoted in the public ts-gsm-modem at-messages-parser sources. */
const HUAWEI_CMGL_PDU = '07913306092049F0040B913336766883F500007110811094904003CF7A1A';

describe('parseCmglEntries', () => {
  it('reads the ModemManager generic listing', () => {
    const [e, ...rest] = parseCmglEntries(['+CMGL: 0,1,,147', MM_CMGL_PDU]);
    assert.equal(rest.length, 0);
    assert.deepEqual(
      { index: e!.index, stat: e!.statName, alpha: e!.alpha, length: e!.length, smsc: e!.smsc, tpduOctets: e!.tpdu.length / 2 },
      { index: 0, stat: 'REC READ', alpha: null, length: 147, smsc: '07914306073011F0', tpduOctets: 147 },
    );
  });

  it('reads several entries, skips blank lines, keeps the PDU as printed', () => {
    const got = parseCmglEntries(['+CMGL: 0,1,,22', HUAWEI_CMGL_PDU, '', '+CMGL: 7,0,"Bob",147', MM_CMGL_PDU, '+CMGL: 9,1,22', HUAWEI_CMGL_PDU]);
    assert.deepEqual(
      got.map((e) => [e.index, e.stat, e.alpha, e.length, e.pdu === HUAWEI_CMGL_PDU]),
      [
        [0, 1, null, 22, true],
        [7, 0, 'Bob', 147, false],
        [9, 1, null, 22, true],
      ],
    );
  });

  it('returns nothing for an empty listing', () => assert.deepEqual(parseCmglEntries([]), []));

  const bad: ReadonlyArray<{ lines: string[]; reason: string; why: string }> = [
    { lines: ['+CMGL: 0,1,,22'], reason: 'truncated', why: 'header without PDU' },
    { lines: [HUAWEI_CMGL_PDU], reason: 'wrong-prefix', why: 'PDU without header' },
    { lines: ['+CMGL: 0,1,,23', HUAWEI_CMGL_PDU], reason: 'length-mismatch', why: 'header length disagrees' },
    { lines: ['+CMGL: 0,"REC READ","+3336766883",,"17/01/18"', 'Hello'], reason: 'unsupported', why: 'text mode' },
    { lines: ['+CMGL: 0,1', HUAWEI_CMGL_PDU], reason: 'bad-syntax', why: 'too few parameters' },
  ];
  for (const b of bad) it(`refuses ${b.why}`, () => throwsDecode(() => parseCmglEntries(b.lines), b.reason));
});

describe('parseCsms', () => {
  it('reads the read answer and the answer of the set command', () => {
    assert.deepEqual(parseCsms('+CSMS: 1,1,1,1'), { service: 1, mt: true, mo: true, bm: true });
    // A public walkthrough shows AT+CSMS=0 answered so (then ERROR on that phone).
    assert.deepEqual(parseCsms('+CSMS: 1,1,1'), { service: null, mt: true, mo: true, bm: true });
    assert.deepEqual(parseCsms('+CSMS: 0,1,1,0'), { service: 0, mt: true, mo: true, bm: false });
  });
  it('refuses other shapes', () => {
    throwsDecode(() => parseCsms('+CSMS: 1,1'), 'bad-syntax');
    throwsDecode(() => parseCsms('+CSMS: 1,2,1'), 'bad-value');
  });
});

describe('parseCnmiTest', () => {
  /** gammu tests/at-cnmi/0{1,2,3}.dump (commit eae4505f): real AT+CNMI=? answers. */
  const cases = [
    {
      line: '+CNMI: (2),(0-1,3),(0,2),(0-1),(0)',
      want: { mode: [2], mt: [0, 1, 3], bm: [0, 2], ds: [0, 1], bfr: [0] },
    },
    {
      line: '+CNMI: (0-2),(0,1,3),(0),(0,1),(0,1)',
      want: { mode: [0, 1, 2], mt: [0, 1, 3], bm: [0], ds: [0, 1], bfr: [0, 1] },
    },
    {
      line: '+CNMI:(0-3),(0-3),(0-3),(0,1),(0,1)',
      want: { mode: [0, 1, 2, 3], mt: [0, 1, 2, 3], bm: [0, 1, 2, 3], ds: [0, 1], bfr: [0, 1] },
    },
    { line: '+CNMI: (0-2),(0-3)', want: { mode: [0, 1, 2], mt: [0, 1, 2, 3], bm: [], ds: [], bfr: [] } },
    { line: '+CNMI: 2,(),(0, 2)', want: { mode: [2], mt: [], bm: [0, 2], ds: [], bfr: [] } },
  ];
  for (const c of cases) it(c.line, () => assert.deepEqual(parseCnmiTest(c.line), c.want));

  it('refuses broken lists', () => {
    throwsDecode(() => parseCnmiTest('+CNMI: (0-2'), 'bad-syntax');
    throwsDecode(() => parseCnmiTest('+CNMI: (2-0)'), 'bad-value');
    throwsDecode(() => parseCnmiTest('+CNMI: (a)'), 'bad-syntax');
    throwsDecode(() => parseCnmiTest('+CNMI:'), 'missing-param');
  });
});
