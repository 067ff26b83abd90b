/**
 * Every row of test/vectors/sms-pdus.tsv (public oFono, ModemManager and node-pdu test PDUs) against
 * the expectations in its third column, written out as a table here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DecodeError } from '../../../../src/codec/errors.js';
import { toHex } from '../../../../src/codec/hex.js';
import {
  decodeSmsDeliver,
  encodeSmsDeliver,
  renderSmsTree,
  smsToJson,
  SmsReassembler,
  tpduLength,
  type Alphabet,
  type SmsDeliver,
} from '../../../../src/codec/sms/index.js';
import { deliverToInput } from './helpers.js';
import { smsVectorRows } from './vectors.js';

interface Expect {
  /** A substring identifying the row's source column. */
  row: string;
  smsc?: string;
  originator?: string;
  toa?: number;
  pid?: number;
  dcs?: number;
  alphabet?: Alphabet;
  messageClass?: number | null;
  timestamp?: string;
  text?: string | undefined;
  textStartsWith?: string;
  ports?: { destination: number; source: number } | null;
  concat?: { reference: number; total: number; sequence: number; referenceBits: 8 | 16 } | null;
  userDataHex?: string;
  userDataStartsWith?: string;
  /** Rows of the same multipart message share a group and reassemble to `whole`. */
  group?: string;
}

const NEGATIVE = 'pdu-insufficient-data';

const EXPECT: Expect[] = [
  {
    row: 'wap_push_1',
    originator: '0',
    toa: 0x85,
    pid: 0x39,
    dcs: 0xf5,
    alphabet: '8bit',
    messageClass: 1,
    ports: { destination: 2948, source: 9200 },
    concat: null,
    text: undefined,
    // WSP TID 1, PDU type 0x06 Push, then the text content type.
    userDataStartsWith: '0106246170706c69636174696f6e2f766e642e7761702e6d6d732d6d657373616765',
  },
  { row: 'simple_deliver', smsc: '+31624000000', originator: '+31641600986', toa: 0x91, alphabet: 'gsm7', text: 'How are you?', ports: null, concat: null },
  { row: 'alnum_sender', originator: 'sipgate', toa: 0xd0, alphabet: 'gsm7', text: 'Testmail', ports: null, concat: null },
  {
    row: 'test_pdu2',
    smsc: '+79037011111',
    originator: 'InternetSMS',
    toa: 0xd0,
    alphabet: 'ucs2',
    text: 'тест',
    timestamp: '2011-03-29T19:20:04+04:00',
    concat: null,
  },
  {
    row: 'pdu-multipart (part 1 of 2)',
    originator: '+16175046925',
    alphabet: 'gsm7',
    textStartsWith: 'This is a very long test designed to exercise multi part capability. ',
    concat: { reference: 76, total: 2, sequence: 1, referenceBits: 8 },
    ports: null,
    group: 'mm',
  },
  {
    row: 'pdu-multipart (part 2 of 2',
    smsc: '+12063130026',
    originator: '+16175046925',
    text: 'that the parts are related to one another. ',
    concat: { reference: 76, total: 2, sequence: 2, referenceBits: 8 },
    group: 'mm',
  },
  {
    row: 'test_pdu3_8bit',
    dcs: 0x04,
    alphabet: '8bit',
    text: undefined,
    ports: null,
    concat: null,
    userDataHex: 'e8329bfd4697d9ec37de',
  },
  { row: "#1 (part 1/2) with 16bit", text: 'Hello,', concat: { reference: 0x1234, total: 2, sequence: 1, referenceBits: 16 }, group: 'np16' },
  { row: "#1 (part 2/2) with 16bit", text: ' world!', concat: { reference: 0x1234, total: 2, sequence: 2, referenceBits: 16 }, group: 'np16' },
  { row: "#4 (part 1/2) with 8bit", text: 'Hakuna', concat: { reference: 0x2e, total: 2, sequence: 1, referenceBits: 8 }, group: 'np8' },
  { row: "#4 (part 2/2) with 8bit", text: ' matata', concat: { reference: 0x2e, total: 2, sequence: 2, referenceBits: 8 }, group: 'np8' },
  {
    row: "'Alphanumeric OA'",
    originator: 'Telfort',
    toa: 0xd0,
    smsc: '+31626000230',
    timestamp: '2011-12-13T13:12:11+01:00',
    text: 'Welcome to Telfort',
  },
  { row: "'UCS2 encoded #1'", alphabet: 'ucs2', text: 'Привет, мир!' },
];

/** What the multipart groups reassemble to (third column: "append test", MM's full text). */
const WHOLE: Record<string, string> = {
  mm:
    'This is a very long test designed to exercise multi part capability. It should show up as one message, ' +
    'not as two, as the underlying encoding represents that the parts are related to one another. ',
  np16: 'Hello, world!',
  np8: 'Hakuna matata',
};

const rows = smsVectorRows();
const positive = rows.filter((r) => !r.source.includes(NEGATIVE));

function expectationFor(source: string): Expect {
  const found = EXPECT.filter((e) => source.includes(e.row));
  assert.equal(found.length, 1, `exactly one expectation for row '${source}'`);
  return found[0]!;
}

/** The PDU with the fill bits between a UDH and GSM 7-bit text set to 0. */
function withFillBitsCleared(pdu: Uint8Array, d: SmsDeliver): Uint8Array {
  if (!d.flags.udhi || d.dcs.alphabet !== 'gsm7' || d.dcs.compressed) return pdu;
  const udStart = pdu.length - Math.ceil((d.udl * 7) / 8);
  const headerOctets = 1 + pdu[udStart]!;
  const fill = Math.ceil((headerOctets * 8) / 7) * 7 - headerOctets * 8;
  const out = Uint8Array.from(pdu);
  if (fill > 0 && udStart + headerOctets < out.length) out[udStart + headerOctets]! &= ~((1 << fill) - 1) & 0xff;
  return out;
}

function check(d: SmsDeliver, e: Expect): void {
  if (e.smsc !== undefined) assert.equal(d.smsc, e.smsc);
  if (e.originator !== undefined) assert.equal(d.originator.address, e.originator);
  if (e.toa !== undefined) assert.equal(d.originator.toa, e.toa);
  if (e.pid !== undefined) assert.equal(d.pid, e.pid);
  if (e.dcs !== undefined) assert.equal(d.dcs.value, e.dcs);
  if (e.alphabet !== undefined) assert.equal(d.dcs.alphabet, e.alphabet);
  if (e.messageClass !== undefined) assert.equal(d.dcs.messageClass, e.messageClass);
  if (e.timestamp !== undefined) assert.equal(d.timestamp, e.timestamp);
  if ('text' in e) assert.equal(d.text, e.text);
  if (e.textStartsWith !== undefined) assert.ok(d.text?.startsWith(e.textStartsWith), `text starts with ${e.textStartsWith}`);
  if (e.ports !== undefined) assert.deepEqual(d.ports && { destination: d.ports.destination, source: d.ports.source }, e.ports);
  if (e.concat !== undefined) assert.deepEqual(d.concat, e.concat);
  if (e.userDataHex !== undefined) assert.equal(toHex(d.userData), e.userDataHex);
  if (e.userDataStartsWith !== undefined) assert.ok(toHex(d.userData).startsWith(e.userDataStartsWith));
}

describe('sms-pdus.tsv', () => {
  it('has the rows this table describes', () => {
    assert.equal(rows.length, EXPECT.length + 1);
    for (const r of rows) if (!r.source.includes(NEGATIVE)) expectationFor(r.source);
  });

  for (const r of positive) {
    it(`decodes ${r.source.slice(0, 90)}`, () => {
      const d = decodeSmsDeliver(r.pdu);
      check(d, expectationFor(r.source));
      // The +CMT length form agrees with the default (prefix present).
      assert.deepEqual(decodeSmsDeliver(r.pdu, { tpduLength: tpduLength(r.pdu) }), d);
      // And the bare TPDU decodes to the same message without an SMSC.
      const bare = decodeSmsDeliver(r.pdu.subarray(r.pdu[0]! + 1), { smscPrefix: false });
      assert.deepEqual({ ...bare, smsc: d.smsc }, d);
    });

    it(`re-encodes to the same bytes: ${r.source.slice(0, 70)}`, () => {
      const d = decodeSmsDeliver(r.pdu);
      const again = encodeSmsDeliver(deliverToInput(d));
      assert.deepEqual(decodeSmsDeliver(again), d);
      // The encoder writes fill bits as 0 (TS 23.040 §9.2.3.24); ModemManager's multipart PDUs carry
      // a 1 there, which receivers ignore. Compare with the original's fill bits cleared.
      assert.equal(toHex(again), toHex(withFillBitsCleared(r.pdu, d)));
    });
  }

  it('decodes a Buffer into plain, unaliased Uint8Arrays', () => {
    const r = positive[0]!;
    const buf = Buffer.from(r.hex, 'hex');
    const d = decodeSmsDeliver(buf);
    assert.deepEqual(d, decodeSmsDeliver(r.pdu));
    assert.equal(Object.getPrototypeOf(d.userData), Uint8Array.prototype);
    assert.equal(Object.getPrototypeOf(d.udh[0]!.data), Uint8Array.prototype);
    buf.fill(0);
    assert.deepEqual(d.udh[0]!.data, Uint8Array.of(0x0b, 0x84, 0x23, 0xf0), 'no view into the input');
  });

  it('oFono wap_push_1 decodes with its +CMT length 128 and refuses a wrong one', () => {
    const r = positive.find((x) => x.source.includes('wap_push_1'))!;
    assert.equal(r.pdu.length, 136);
    assert.equal(decodeSmsDeliver(r.pdu, { tpduLength: 128 }).ports?.destination, 2948);
    for (const wrong of [127, 129, 136 - 9, 200]) {
      assert.throws(() => decodeSmsDeliver(r.pdu, { tpduLength: wrong }), DecodeError);
    }
  });

  it('rejects the NEGATIVE row (UDL 11 septets, 9 octets present) with the offset of the user data', () => {
    const r = rows.find((x) => x.source.includes(NEGATIVE))!;
    assert.throws(
      () => decodeSmsDeliver(r.pdu),
      (e: unknown) => e instanceof DecodeError && e.reason === 'truncated' && e.offset === 27,
    );
  });

  for (const [group, whole] of Object.entries(WHOLE)) {
    it(`reassembles the ${group} rows in either order to the full text`, () => {
      const parts = positive.filter((r) => expectationFor(r.source).group === group).map((r) => decodeSmsDeliver(r.pdu));
      assert.equal(parts.length, 2);
      for (const order of [parts, [...parts].reverse()]) {
        const re = new SmsReassembler({ now: () => 0 });
        assert.equal(re.add(order[0]!).kind, 'pending');
        const done = re.add(order[1]!);
        assert.equal(done.kind, 'complete');
        if (done.kind !== 'complete') return;
        assert.equal(done.datagram.text, whole);
        assert.equal(done.datagram.parts, 2);
        assert.equal(done.datagram.firstTimestamp, parts[0]!.timestamp);
        assert.deepEqual(re.stats(), { groups: 0, parts: 0, bytes: 0 });
      }
    });
  }

  it('gives the CLI JSON contract for every row', () => {
    for (const r of positive) {
      const d = decodeSmsDeliver(r.pdu);
      const j = smsToJson(d);
      const keys = ['type', 'smsc', 'originator', 'pid', 'dcs', 'timestamp', 'udh', 'ports', 'concat', ...(d.text === undefined ? [] : ['text']), 'userData'];
      assert.deepEqual(Object.keys(j), keys);
      assert.equal(j.type, 'SMS-DELIVER');
      assert.deepEqual(Object.keys(j.originator), ['address', 'ton', 'npi']);
      assert.equal(j.userData, toHex(d.userData));
      assert.deepEqual(JSON.parse(JSON.stringify(j)), j, 'plain JSON');
    }
    const wap = smsToJson(decodeSmsDeliver(positive[0]!.pdu));
    assert.deepEqual(wap.udh, [{ iei: 5, data: '0b8423f0' }]);
    assert.deepEqual(wap.ports, { destination: 2948, source: 9200 });
    assert.equal(wap.concat, null);
    assert.equal('text' in wap, false);
    assert.equal(wap.dcs, 0xf5);
    assert.deepEqual(wap.originator, { address: '0', ton: 0, npi: 5 });
  });

  it('renders a readable tree for every row', () => {
    for (const r of positive) {
      const d = decodeSmsDeliver(r.pdu);
      const lines = renderSmsTree(d);
      assert.equal(lines[0], 'SMS-DELIVER');
      for (const l of lines) {
        assert.ok(!/\x1b\[/.test(l), 'no colour codes');
        assert.equal(l, l.trimEnd());
      }
      assert.ok(lines.some((l) => l.includes(d.originator.address)));
      assert.ok(lines.some((l) => l.includes(d.timestamp)));
      if (d.text !== undefined) assert.ok(lines.includes(`    Text: ${JSON.stringify(d.text)}`));
    }
    const lines = renderSmsTree(decodeSmsDeliver(positive[0]!.pdu));
    assert.ok(lines.includes('    IE 0x05 [0b8423f0]: application ports, 16-bit: destination 2948, source 9200'));
    assert.ok(lines.includes('  DCS: 0xF5 (8-bit data, class 1)'));
    assert.ok(lines.includes('    01 06 24 61 70 70 6c 69 63 61 74 69 6f 6e 2f 76'));
  });
});
