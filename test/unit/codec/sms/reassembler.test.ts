/** SmsReassembler: ordering, duplicates, keys, expiry and hard bounds, through real encoded PDUs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  decodeSmsDeliver,
  encodeDatagramAsSms,
  encodeSmsDeliver,
  REASSEMBLER_DEFAULTS,
  SmsReassembler,
  type SmsDeliver,
  type SmsDeliverInput,
} from '../../../../src/codec/sms/index.js';

interface PartSpec {
  seq: number;
  total?: number;
  ref?: number;
  refBits?: 8 | 16;
  from?: string;
  smsc?: string;
  ports?: { destination: number; source: number; bits?: 8 | 16 } | null;
  data?: Uint8Array;
  text?: string;
}

/** One part, built by the encoder and read back by the decoder. */
function part(p: PartSpec): SmsDeliver {
  const msg: SmsDeliverInput = {
    smsc: p.smsc ?? '+12063130025',
    originator: p.from ?? '+16175046925',
    timestamp: `2024-01-01T00:00:0${p.seq % 10}+00:00`,
    concat: { reference: p.ref ?? 42, total: p.total ?? 3, sequence: p.seq, referenceBits: p.refBits ?? 8 },
    ...(p.ports === null || p.ports === undefined ? {} : { ports: p.ports }),
    ...(p.text === undefined ? { userData: p.data ?? Uint8Array.of(p.seq, p.seq, p.seq) } : { text: p.text }),
  };
  return decodeSmsDeliver(encodeSmsDeliver(msg));
}

const clock = () => {
  const c = { t: 0, now: () => c.t };
  return c;
};

describe('SmsReassembler', () => {
  it('delivers a part without concatenation (or 1 of 1) at once', () => {
    const re = new SmsReassembler();
    const single = decodeSmsDeliver(encodeSmsDeliver({ originator: 'Shop', timestamp: '2024-01-01T00:00:00+00:00', text: 'hi' }));
    const r = re.add(single);
    assert.equal(r.kind, 'single');
    if (r.kind === 'single') assert.deepEqual([r.datagram.text, r.datagram.parts, r.datagram.concat, r.datagram.originator.address], ['hi', 1, null, 'Shop']);
    const oneOfOne = re.add(part({ seq: 1, total: 1, text: 'solo' }));
    assert.equal(oneOfOne.kind === 'single' && oneOfOne.datagram.text, 'solo');
    assert.deepEqual(re.stats(), { groups: 0, parts: 0, bytes: 0 });
  });

  it('joins out-of-order parts, answers duplicates, returns parts in sequence order', () => {
    const re = new SmsReassembler({ now: () => 0 });
    assert.deepEqual(re.add(part({ seq: 3 })), { kind: 'pending', have: 1, total: 3, evicted: [] });
    assert.deepEqual(re.add(part({ seq: 1 })), { kind: 'pending', have: 2, total: 3, evicted: [] });
    assert.deepEqual(re.add(part({ seq: 3 })), { kind: 'duplicate', evicted: [] });
    assert.deepEqual(re.stats(), { groups: 1, parts: 2, bytes: 6 });
    const r = re.add(part({ seq: 2 }));
    assert.equal(r.kind, 'complete');
    if (r.kind !== 'complete') return;
    assert.deepEqual(r.datagram.userData, Uint8Array.of(1, 1, 1, 2, 2, 2, 3, 3, 3));
    assert.deepEqual(r.parts.map((p) => p.concat?.sequence), [1, 2, 3]);
    assert.equal(r.datagram.firstTimestamp, '2024-01-01T00:00:01+00:00');
    assert.deepEqual(r.datagram.concat, { reference: 42, referenceBits: 8, total: 3 });
    assert.deepEqual(re.stats(), { groups: 0, parts: 0, bytes: 0 });
  });

  it('ignores the SMSC: parts through different SMSCs join', () => {
    const re = new SmsReassembler();
    re.add(part({ seq: 1, total: 2, smsc: '+12063130025', text: 'abc' }));
    const r = re.add(part({ seq: 2, total: 2, smsc: '+12063130026', text: 'def' }));
    assert.equal(r.kind === 'complete' && r.datagram.text, 'abcdef');
  });

  it('keeps apart what differs in originator, reference width, reference, total or ports', () => {
    const re = new SmsReassembler();
    const variants: Omit<PartSpec, 'seq'>[] = [
      { total: 2 },
      { total: 2, from: '+16175046926' },
      { total: 2, refBits: 16 }, // ref 42 as a 16-bit reference is another message
      { total: 2, ref: 43 },
      { total: 3 },
      { total: 2, ports: { destination: 2948, source: 9200 } },
      { total: 2, ports: { destination: 2948, source: 9201 } },
      { total: 2, ports: { destination: 200, source: 201, bits: 8 } },
    ];
    for (const v of variants) assert.equal(re.add(part({ ...v, seq: 1, data: Uint8Array.of(variants.indexOf(v)) })).kind, 'pending');
    assert.equal(re.stats().groups, variants.length);
    // Each second part completes exactly its own group.
    variants.forEach((v, i) => {
      if (v.total === 3) return;
      const r = re.add(part({ ...v, seq: 2, data: Uint8Array.of(0xf0 | i) }));
      assert.equal(r.kind, 'complete', JSON.stringify(v));
      if (r.kind === 'complete') assert.deepEqual(r.datagram.userData, Uint8Array.of(i, 0xf0 | i));
    });
    assert.equal(re.stats().groups, 1);
  });

  it('rejects unusable concatenation values without holding anything', () => {
    const re = new SmsReassembler();
    assert.deepEqual(re.add(part({ seq: 0 })), { kind: 'rejected', reason: 'sequence-zero', evicted: [] });
    assert.deepEqual(re.add(part({ seq: 4, total: 3 })), { kind: 'rejected', reason: 'sequence-beyond-total', evicted: [] });
    assert.deepEqual(re.add(part({ seq: 1, total: 0 })), { kind: 'rejected', reason: 'total-zero', evicted: [] });
    assert.deepEqual(re.stats(), { groups: 0, parts: 0, bytes: 0 });
  });

  it('expires a group after timeoutMs without a part, and frees its memory', () => {
    const c = clock();
    const re = new SmsReassembler({ now: c.now, timeoutMs: 1000 });
    re.add(part({ seq: 1 }));
    c.t = 600;
    re.add(part({ seq: 2 })); // activity renews the group
    c.t = 1599;
    assert.deepEqual(re.expire(), []);
    assert.deepEqual(re.stats(), { groups: 1, parts: 2, bytes: 6 });
    c.t = 1600;
    const gone = re.expire();
    assert.equal(gone.length, 1);
    assert.deepEqual(
      { ...gone[0]!, originator: gone[0]!.originator.address },
      { reason: 'timeout', originator: '+16175046925', ports: null, reference: 42, referenceBits: 8, total: 3, received: [1, 2], bytes: 6, firstSeenMs: 0, lastSeenMs: 600 },
    );
    assert.deepEqual(re.stats(), { groups: 0, parts: 0, bytes: 0 });
    // A straggler starts afresh rather than completing the dropped group.
    assert.deepEqual(re.add(part({ seq: 3 })), { kind: 'pending', have: 1, total: 3, evicted: [] });
  });

  it('sweeps timed-out groups before taking a part, and reports them', () => {
    const c = clock();
    const re = new SmsReassembler({ now: c.now, timeoutMs: 1000 });
    re.add(part({ seq: 1, total: 2 }));
    c.t = 5000;
    const r = re.add(part({ seq: 2, total: 2 }));
    assert.equal(r.kind, 'pending');
    assert.deepEqual(r.evicted.map((g) => [g.reason, g.received]), [['timeout', [1]]]);
  });

  it('never holds more groups than maxGroups: evicts the least recently active', () => {
    const c = clock();
    const re = new SmsReassembler({ now: c.now, maxGroups: 2 });
    re.add(part({ seq: 1, ref: 1 }));
    c.t = 1;
    re.add(part({ seq: 1, ref: 2 }));
    c.t = 2;
    re.add(part({ seq: 2, ref: 1 })); // ref 1 is now the most recently active
    c.t = 3;
    const r = re.add(part({ seq: 1, ref: 3 }));
    assert.equal(r.kind, 'pending');
    assert.deepEqual(r.evicted.map((g) => [g.reason, g.reference]), [['evicted', 2]]);
    assert.deepEqual(re.stats(), { groups: 2, parts: 3, bytes: 9 });
  });

  it('never holds more than maxBytes or maxParts', () => {
    const big = (seq: number, ref: number) => part({ seq, ref, data: new Uint8Array(128).fill(ref) });
    const re = new SmsReassembler({ maxBytes: 300, maxParts: 100 });
    re.add(big(1, 1));
    re.add(big(1, 2));
    const r = re.add(big(1, 3));
    assert.deepEqual(r.evicted.map((g) => [g.reason, g.reference, g.bytes]), [['evicted', 1, 128]]);
    assert.deepEqual(re.stats(), { groups: 2, parts: 2, bytes: 256 });

    const few = new SmsReassembler({ maxParts: 3 });
    few.add(part({ seq: 1, ref: 1 }));
    few.add(part({ seq: 2, ref: 1 }));
    few.add(part({ seq: 1, ref: 2 }));
    const r2 = few.add(part({ seq: 1, ref: 3 }));
    assert.deepEqual(r2.evicted.map((g) => [g.reference, g.received]), [[1, [1, 2]]]);
    assert.deepEqual(few.stats(), { groups: 2, parts: 2, bytes: 6 });
    assert.deepEqual(few.add(part({ seq: 1, total: 4, ref: 9 })), { kind: 'rejected', reason: 'too-large', evicted: [] });
  });

  it('drops a group that alone outgrows maxBytes, and refuses a part larger than maxBytes', () => {
    const re = new SmsReassembler({ maxBytes: 200 });
    assert.equal(re.add(part({ seq: 1, data: new Uint8Array(120) })).kind, 'pending');
    const r = re.add(part({ seq: 2, data: new Uint8Array(120) }));
    assert.equal(r.kind === 'rejected' && r.reason, 'too-large');
    assert.deepEqual(r.evicted.map((g) => [g.reason, g.received, g.bytes]), [['too-large', [1], 120]]);
    assert.deepEqual(re.stats(), { groups: 0, parts: 0, bytes: 0 });
    const tiny = new SmsReassembler({ maxBytes: 10 });
    assert.deepEqual(tiny.add(part({ seq: 1, data: new Uint8Array(11) })), { kind: 'rejected', reason: 'too-large', evicted: [] });
  });

  it('joins the texts of parts in different alphabets', () => {
    const re = new SmsReassembler();
    re.add(part({ seq: 1, total: 2, text: 'Grüße ' }));
    const r = re.add(part({ seq: 2, total: 2, text: 'ж€' }));
    assert.equal(r.kind === 'complete' && r.datagram.text, 'Grüße ж€');
  });

  it('has documented defaults and refuses nonsense bounds', () => {
    assert.deepEqual(REASSEMBLER_DEFAULTS, { timeoutMs: 300_000, maxGroups: 32, maxParts: 256, maxBytes: 32 * 1024 });
    for (const bad of [{ maxGroups: 0 }, { maxBytes: -1 }, { timeoutMs: Number.NaN }, { maxParts: 0 }]) {
      assert.throws(() => new SmsReassembler(bad), RangeError);
    }
  });

  it('property: any order with duplicates reassembles any datagram exactly once', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 134, maxLength: 1200 }),
        fc.integer({ min: 0, max: 255 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
        (payload, reference, shuffle) => {
          const pdus = encodeDatagramAsSms({
            originator: '+447700900123',
            destinationPort: 2948,
            sourcePort: 9200,
            payload,
            reference,
            timestamp: '2026-11-28T03:00:00+01:00',
          }).map((p) => decodeSmsDeliver(p));
          // A random order that also repeats some parts before the last new one arrives.
          const order = pdus.map((_, i) => i);
          for (let i = order.length - 1; i > 0; i--) {
            const j = shuffle[i % shuffle.length]! % (i + 1);
            [order[i], order[j]] = [order[j]!, order[i]!];
          }
          const feed = [...order.slice(0, -1), ...shuffle.map((s) => order[s % Math.max(1, order.length - 1)]!), order.at(-1)!];
          const re = new SmsReassembler({ now: () => 0 });
          const results = feed.map((i) => re.add(pdus[i]!));
          const complete = results.filter((r) => r.kind === 'complete');
          assert.equal(complete.length, 1);
          assert.deepEqual(complete[0]!.kind === 'complete' && complete[0]!.datagram.userData, payload);
          assert.ok(results.every((r) => r.kind !== 'rejected' && r.evicted.length === 0));
          assert.deepEqual(re.stats(), { groups: 0, parts: 0, bytes: 0 });
        },
      ),
      { numRuns: 300 },
    );
  });
});
