/**
 * AtFramer: every line kind, echo handling, garbage tolerance, and the guarantee that chunking never
 * changes the output (exhaustively for +CMT reports, randomly with fast-check for everything else).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AtFramer, type AtLine } from '../../../../src/codec/at/index.js';
import { byteByByte, cutAt, vectorPdus } from './transcript.js';

const enc = new TextEncoder();

function frame(input: string | Uint8Array, echoes: readonly string[] = []): AtLine[] {
  const f = new AtFramer();
  for (const e of echoes) f.expectEcho(e);
  return f.push(input);
}

function framePieces(pieces: readonly Uint8Array[], echoes: readonly string[] = []): AtLine[] {
  const f = new AtFramer();
  for (const e of echoes) f.expectEcho(e);
  return pieces.flatMap((p) => f.push(p));
}

const ok: AtLine = { kind: 'final', result: 'OK' };

/** Input (as the modem sends it) → lines. */
const KINDS: ReadonlyArray<{ name: string; input: string; echoes?: string[]; want: AtLine[] }> = [
  { name: 'OK', input: '\r\nOK\r\n', want: [ok] },
  { name: 'ERROR', input: '\r\nERROR\r\n', want: [{ kind: 'final', result: 'ERROR' }] },
  { name: 'NO CARRIER (EG25-G after ATH)', input: '\r\nNO CARRIER\r\n', want: [{ kind: 'final', result: 'NO CARRIER' }] },
  { name: 'BUSY', input: '\r\nBUSY\r\n', want: [{ kind: 'final', result: 'BUSY' }] },
  { name: 'NO ANSWER', input: '\r\nNO ANSWER\r\n', want: [{ kind: 'final', result: 'NO ANSWER' }] },
  { name: 'NO DIALTONE', input: '\r\nNO DIALTONE\r\n', want: [{ kind: 'final', result: 'NO DIALTONE' }] },
  { name: 'NO DIAL TONE spelling', input: '\r\nNO DIAL TONE\r\n', want: [{ kind: 'final', result: 'NO DIALTONE' }] },
  {
    name: '+CME ERROR numeric (Air780E, no SIM)',
    input: '\r\n+CME ERROR: 10\r\n',
    want: [{ kind: 'final', result: 'CME ERROR', code: 10, text: 'SIM not inserted' }],
  },
  {
    name: '+CME ERROR verbose (A7670SA dialling without service)',
    input: '\r\n+CME ERROR: no network service\r\n',
    want: [{ kind: 'final', result: 'CME ERROR', code: 30, text: 'no network service' }],
  },
  {
    name: '+CMS ERROR numeric',
    input: '\r\n+CMS ERROR: 500\r\n',
    want: [{ kind: 'final', result: 'CMS ERROR', code: 500, text: 'unknown error' }],
  },
  {
    name: '+CMS ERROR numeric, vendor code without a standard text (EC25, Quectel forum)',
    input: '\r\n+CMS ERROR: 350\r\n',
    want: [{ kind: 'final', result: 'CMS ERROR', code: 350 }],
  },
  {
    name: '+CMS ERROR verbose (EC25, Quectel forum)',
    input: '\r\n+CMS ERROR: unknown error\r\n',
    want: [{ kind: 'final', result: 'CMS ERROR', code: 500, text: 'unknown error' }],
  },
  {
    name: '+CME ERROR verbose text the table does not know',
    input: '\r\n+CME ERROR: modem is on fire\r\n',
    want: [{ kind: 'final', result: 'CME ERROR', text: 'modem is on fire' }],
  },
  { name: 'prompt after CR LF, no line end', input: '\r\n> ', want: [{ kind: 'prompt' }] },
  { name: 'prompt without space, line ended', input: '\r\n>\r\n', want: [{ kind: 'prompt' }] },
  {
    name: 'unsolicited +CMTI',
    input: '\r\n+CMTI: "SM",1\r\n',
    want: [{ kind: 'urc', name: '+CMTI', text: '+CMTI: "SM",1', params: ['SM', '1'], ambiguous: false }],
  },
  {
    name: 'bare URC RDY',
    input: '\r\nRDY\r\n',
    want: [{ kind: 'urc', name: 'RDY', text: 'RDY', params: [], ambiguous: false }],
  },
  {
    name: 'ambiguous +CEREG (SIM7020G boot)',
    input: '\r\n+CEREG: 1,"774b","0770ac34",7\r\n',
    want: [{ kind: 'urc', name: '+CEREG', text: '+CEREG: 1,"774b","0770ac34",7', params: ['1', '774b', '0770ac34', '7'], ambiguous: true }],
  },
  {
    name: 'URC words after the colon (+QIND)',
    input: '\r\n+QIND: SMS DONE\r\n',
    want: [{ kind: 'urc', name: '+QIND', text: '+QIND: SMS DONE', params: ['SMS DONE'], ambiguous: false }],
  },
  {
    name: 'text-mode +CDS is one line',
    input: '\r\n+CDS: 6,202,"+31612345678",145,"24/01/01,12:00:00+04","24/01/01,12:00:05+04",0\r\n',
    want: [
      {
        kind: 'urc',
        name: '+CDS',
        text: '+CDS: 6,202,"+31612345678",145,"24/01/01,12:00:00+04","24/01/01,12:00:05+04",0',
        params: ['6', '202', '+31612345678', '145', '24/01/01,12:00:00+04', '24/01/01,12:00:05+04', '0'],
        ambiguous: false,
      },
    ],
  },
  {
    name: 'information text with a prefix',
    input: '\r\n+CGPADDR: 1,"10.170.31.112"\r\n',
    want: [{ kind: 'info', text: '+CGPADDR: 1,"10.170.31.112"', prefix: '+CGPADDR' }],
  },
  { name: 'information text without a prefix (ATI)', input: '\r\nQuectel\r\n', want: [{ kind: 'info', text: 'Quectel', prefix: null }] },
  {
    name: 'echo of the command in flight',
    input: 'AT+CMGF=0\r\r\nOK\r\n',
    echoes: ['AT+CMGF=0'],
    want: [{ kind: 'echo', text: 'AT+CMGF=0' }, ok],
  },
  {
    name: 'an echo nobody expected is information text',
    input: 'AT+CMGF=0\r\r\nOK\r\n',
    want: [{ kind: 'info', text: 'AT+CMGF=0', prefix: null }, ok],
  },
  {
    name: 'URC between a command answer and its final result',
    input: 'AT+CGPADDR=1\r\r\n+CGPADDR: 1,"10.0.0.5"\r\n\r\n+CMTI: "ME",4\r\n\r\nOK\r\n',
    echoes: ['AT+CGPADDR=1'],
    want: [
      { kind: 'echo', text: 'AT+CGPADDR=1' },
      { kind: 'info', text: '+CGPADDR: 1,"10.0.0.5"', prefix: '+CGPADDR' },
      { kind: 'urc', name: '+CMTI', text: '+CMTI: "ME",4', params: ['ME', '4'], ambiguous: false },
      ok,
    ],
  },
  {
    name: 'text-mode +CMT pairs header and text (Quectel EC25 AT manual, AT+CNMA example)',
    input: '\r\n+CMT: "+8615021012496",,"13/03/18,17:07:21+32",145,4,0,0,"+8613800551500",145,28\r\nThis is a test from Quectel.\r\n',
    want: [
      {
        kind: 'cmt',
        name: '+CMT',
        header: null,
        headerText: '+CMT: "+8615021012496",,"13/03/18,17:07:21+32",145,4,0,0,"+8613800551500",145,28',
        pdu: 'This is a test from Quectel.',
      },
    ],
  },
  {
    name: 'PDU-mode +CDS pairs header and PDU',
    input: '\r\n+CDS: 24\r\n0006D60B911326880736F4111011719551401110117195714000\r\n',
    want: [
      { kind: 'cmt', name: '+CDS', header: { alpha: null, length: 24 }, headerText: '+CDS: 24', pdu: '0006D60B911326880736F4111011719551401110117195714000' },
    ],
  },
  {
    name: 'a +CMT header whose PDU never came',
    input: '\r\n+CMT: ,23\r\n\r\nOK\r\n',
    want: [{ kind: 'garbage', reason: 'missing-pdu', text: '+CMT: ,23' }, ok],
  },
];

describe('AtFramer line kinds', () => {
  for (const c of KINDS) {
    it(c.name, () => {
      assert.deepEqual(frame(c.input, c.echoes), c.want);
      // The same bytes one at a time give the same lines.
      assert.deepEqual(framePieces(byteByByte(enc.encode(c.input)), c.echoes), c.want);
    });
  }
});

describe('AtFramer two-line +CMT', () => {
  const vectors = vectorPdus();

  it('has SMS-DELIVER vectors to work with', () => assert.ok(vectors.length >= 5));

  for (const v of vectors) {
    it(`pairs header and PDU split anywhere: ${v.source.slice(0, 70)}`, () => {
      const tpduOctets = v.hex.length / 2 - 1 - Number.parseInt(v.hex.slice(0, 2), 16);
      const bytes = enc.encode(`\r\n+CMT: ,${tpduOctets}\r\n${v.hex}\r\n`);
      const want: AtLine[] = [{ kind: 'cmt', name: '+CMT', header: { alpha: null, length: tpduOctets }, headerText: `+CMT: ,${tpduOctets}`, pdu: v.hex }];
      assert.deepEqual(frame(bytes), want);
      // Every single cut, including inside CR LF and between the two lines.
      for (let i = 1; i < bytes.length; i++) assert.deepEqual(framePieces(cutAt(bytes, [i])), want, `cut at ${i}`);
    });
  }

  it('pairs a header ended by a bare CR with its PDU (Quectel +CMT: ,<len><CR><pdu>)', () => {
    const pdu = vectors[0]!.hex;
    const lines = frame(`\r\n+CMT: "",51\r${pdu}\r\n`);
    assert.deepEqual(lines, [{ kind: 'cmt', name: '+CMT', header: { alpha: null, length: 51 }, headerText: '+CMT: "",51', pdu }]);
  });

  it('keeps the alpha of the header', () => {
    const pdu = vectors[1]!.hex;
    assert.deepEqual(frame(`+CMT: "Mum",23\r\n${pdu}\r\n`)[0], {
      kind: 'cmt',
      name: '+CMT',
      header: { alpha: 'Mum', length: 23 },
      headerText: '+CMT: "Mum",23',
      pdu,
    });
  });

  it('does not take an echo-like or URC line for the PDU: reports the loss and handles the line', () => {
    assert.deepEqual(frame('\r\n+CMT: ,23\r\n\r\n+CMTI: "SM",2\r\n'), [
      { kind: 'garbage', reason: 'missing-pdu', text: '+CMT: ,23' },
      { kind: 'urc', name: '+CMTI', text: '+CMTI: "SM",2', params: ['SM', '2'], ambiguous: false },
    ]);
  });
});

describe('AtFramer prompt', () => {
  it('emits the prompt only once both > and space are in, whatever the cut', () => {
    const f = new AtFramer();
    f.expectEcho('AT+CMGS=41');
    assert.deepEqual(f.push('AT+CMGS=41\r\r\n>'), [{ kind: 'echo', text: 'AT+CMGS=41' }]);
    assert.deepEqual(f.push(' '), [{ kind: 'prompt' }]);
    // What the modem echoes of the PDU afterwards is an ordinary line.
    assert.deepEqual(f.push('0011\r\n'), [{ kind: 'info', text: '0011', prefix: null }]);
  });

  it('is recognised only at the start of a line', () => {
    assert.deepEqual(frame('\r\nA> B\r\n'), [{ kind: 'info', text: 'A> B', prefix: null }]);
  });
});

describe('AtFramer echo expectations', () => {
  it('matches a late echo and forgets the older expectations with it', () => {
    const f = new AtFramer();
    f.expectEcho('AT+CREG?');
    f.expectEcho('AT+COPS?');
    assert.deepEqual(f.push('AT+CREG?\r'), [{ kind: 'echo', text: 'AT+CREG?' }]);
    assert.deepEqual(f.push('AT+COPS?\r'), [{ kind: 'echo', text: 'AT+COPS?' }]);
    // Both are used up now.
    assert.deepEqual(f.push('AT+COPS?\r'), [{ kind: 'info', text: 'AT+COPS?', prefix: null }]);
  });

  it('matching a newer echo drops the older, never-echoed ones', () => {
    const f = new AtFramer();
    f.expectEcho('AT+CSQ');
    f.expectEcho('AT+CPIN?');
    assert.deepEqual(f.push('AT+CPIN?\r'), [{ kind: 'echo', text: 'AT+CPIN?' }]);
    assert.deepEqual(f.push('AT+CSQ\r'), [{ kind: 'info', text: 'AT+CSQ', prefix: null }]);
  });

  it('strips the CR and Ctrl-Z the engine sends after a command or PDU', () => {
    const f = new AtFramer();
    f.expectEcho('0011000B\x1a');
    f.expectEcho('AT\r');
    assert.deepEqual(f.push('0011000B\r\nAT\r'), [
      { kind: 'echo', text: '0011000B' },
      { kind: 'echo', text: 'AT' },
    ]);
  });

  it('expectEcho(null) forgets every expectation', () => {
    const f = new AtFramer();
    f.expectEcho('ATE0');
    f.expectEcho(null);
    assert.deepEqual(f.push('ATE0\r'), [{ kind: 'info', text: 'ATE0', prefix: null }]);
  });

  it(`remembers at most ${AtFramer.MAX_EXPECTED_ECHOES} commands`, () => {
    const f = new AtFramer();
    for (let i = 0; i <= AtFramer.MAX_EXPECTED_ECHOES; i++) f.expectEcho(`AT+X${i}`);
    assert.deepEqual(f.push('AT+X0\r'), [{ kind: 'info', text: 'AT+X0', prefix: null }]);
    assert.deepEqual(f.push('AT+X1\r'), [{ kind: 'echo', text: 'AT+X1' }]);
  });
});

describe('AtFramer garbage tolerance', () => {
  it('drops NUL bytes anywhere', () => {
    assert.deepEqual(frame(Uint8Array.of(0, 0x0d, 0x0a, 0x4f, 0, 0x4b, 0x0d, 0, 0x0a)), [ok]);
  });

  it('ends lines on a stray CR without LF', () => {
    assert.deepEqual(frame('\rOK\rERROR\r'), [ok, { kind: 'final', result: 'ERROR' }]);
  });

  it('ignores empty lines and trims spaces and tabs around a line', () => {
    assert.deepEqual(frame('\r\n\r\n\n\r  \t\r\n  OK \t\r\n'), [ok]);
  });

  it('decodes a line that is not UTF-8 as latin1', () => {
    const bytes = Uint8Array.of(...enc.encode('+COPS: 0,0,"Caf'), 0xe9, ...enc.encode('"\r\n'));
    assert.deepEqual(frame(bytes), [{ kind: 'info', text: '+COPS: 0,0,"Café"', prefix: '+COPS' }]);
  });

  it('decodes a UTF-8 line as UTF-8, also when a character is split between chunks', () => {
    const bytes = enc.encode('+COPS: 0,0,"Ümit Telekom"\r\n');
    const want: AtLine[] = [{ kind: 'info', text: '+COPS: 0,0,"Ümit Telekom"', prefix: '+COPS' }];
    assert.deepEqual(frame(bytes), want);
    assert.deepEqual(framePieces(cutAt(bytes, [13])), want);
  });

  it('reports an overlong line once and resynchronises at the next line end', () => {
    const f = new AtFramer();
    const long = 'A'.repeat(AtFramer.DEFAULT_MAX_LINE_BYTES + 500);
    const out = [...f.push(`\r\n${long.slice(0, 3000)}`), ...f.push(`${long.slice(3000)}\r\nOK\r\n`)];
    assert.deepEqual(out, [{ kind: 'garbage', reason: 'overlong', text: 'A'.repeat(80) }, ok]);
  });

  it('accepts a line of exactly the cap and honours a custom cap', () => {
    assert.deepEqual(frame(`${'7'.repeat(AtFramer.DEFAULT_MAX_LINE_BYTES)}\r\n`)[0]?.kind, 'info');
    const f = new AtFramer({ maxLineBytes: 8 });
    assert.deepEqual(f.push('123456789\r\nOK\r\n'), [{ kind: 'garbage', reason: 'overlong', text: '123456789' }, ok]);
  });

  it('drops a +CMT header waiting for its PDU when the PDU line is overlong', () => {
    const f = new AtFramer({ maxLineBytes: 16 });
    const out = f.push('+CMT: ,23\r\n0123456789ABCDEF0123\r\nOK\r\n');
    assert.deepEqual(out, [{ kind: 'garbage', reason: 'overlong', text: '0123456789ABCDEF0' }, ok]);
  });
});

describe('AtFramer reset', () => {
  it('forgets a partial line, a pending +CMT header and the expected echoes', () => {
    const f = new AtFramer();
    f.expectEcho('AT');
    assert.deepEqual(f.push('\r\n+CMT: ,23\r\n'), []);
    assert.deepEqual(f.push('PARTIAL'), []);
    f.reset();
    assert.deepEqual(f.push('\r\nAT\r\nOK\r\n'), [{ kind: 'info', text: 'AT', prefix: null }, ok]);
  });
});

describe('AtFramer chunking never changes the output', () => {
  // Bytes drawn mostly from what matters to framing: line ends, NUL, the prompt, finals, a +CMT pair.
  const tokens = fc.constantFrom(
    '\r',
    '\n',
    '\r\n',
    '\0',
    '> ',
    '>',
    'OK',
    'ERROR',
    '+CME ERROR: 10',
    '+CMT: ,5',
    '0791AB',
    '+CMTI: "SM",1',
    'AT+CSQ',
    'RDY',
    ' ',
    '"',
    'é',
    '\xff',
  );
  const streams = fc.array(tokens, { maxLength: 40 }).map((ts) => {
    const out: number[] = [];
    // '\xff' stands for a raw 0xFF byte (invalid UTF-8); everything else is UTF-8 text.
    for (const t of ts) out.push(...(t === '\xff' ? [0xff] : enc.encode(t)));
    return Uint8Array.from(out);
  });

  it('gives the same lines pushed whole, byte by byte, or cut anywhere, and never throws', () => {
    fc.assert(
      fc.property(streams, fc.array(fc.nat(300), { maxLength: 10 }), (bytes, cuts) => {
        const whole = framePieces([bytes], ['AT+CSQ']);
        assert.deepEqual(framePieces(byteByByte(bytes), ['AT+CSQ']), whole);
        assert.deepEqual(framePieces(cutAt(bytes, cuts), ['AT+CSQ']), whole);
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on arbitrary bytes and keeps every line within the cap', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const f = new AtFramer({ maxLineBytes: 64 });
        for (const l of f.push(bytes)) {
          if (l.kind === 'info' || l.kind === 'echo') assert.ok(enc.encode(l.text).length <= 64 * 2);
        }
      }),
      { numRuns: 300 },
    );
  });
});
