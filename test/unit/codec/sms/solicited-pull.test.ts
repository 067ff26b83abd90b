/** The BSM solicited pull of test/vectors/solicited-pull.json: two WAP-push SMS segments. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex, toHex } from '../../../../src/codec/hex.js';
import { decodeSmsDeliver, encodeDatagramAsSms, SmsReassembler, tpduLength } from '../../../../src/codec/sms/index.js';
import { solicitedPullVector } from './vectors.js';

const v = solicitedPullVector();
const pdus = v.smsDeliverPdus.map(fromHex);
/** WSP: TID 01, Push 06, headers length 03, application/mikey D2, X-Wap-Application-Id AF 93. */
const wspHead = '010603d2af93';

describe('solicited pull over SMS', () => {
  it('decodes both segments: ports 2948/9200, concat ref 90 of 2, 8-bit', () => {
    pdus.forEach((pdu, i) => {
      const d = decodeSmsDeliver(pdu);
      assert.deepEqual({ destination: d.ports?.destination, source: d.ports?.source }, v.expect.ports);
      assert.equal(d.ports?.bits, 16);
      assert.deepEqual(d.concat, { reference: v.expect.concat.reference, total: v.expect.concat.total, sequence: i + 1, referenceBits: 8 });
      assert.equal(d.dcs.alphabet, '8bit');
      assert.equal(d.text, undefined);
      // SPEC §1 header: 0B 05 04 0B84 23F0 00 03 ref tot seq
      assert.deepEqual(
        d.udh.map((ie) => [ie.iei, toHex(ie.data)]),
        [
          [0x05, '0b8423f0'],
          [0x00, `5a02${String(i + 1).padStart(2, '0')}`],
        ],
      );
    });
  });

  it('reassembles in either order to WSP head + the MIKEY message', () => {
    const expected = wspHead + v.mikey.toLowerCase();
    for (const order of [[0, 1], [1, 0]]) {
      const re = new SmsReassembler({ now: () => 1000 });
      const first = re.add(decodeSmsDeliver(pdus[order[0]!]!));
      assert.deepEqual(first, { kind: 'pending', have: 1, total: 2, evicted: [] });
      const done = re.add(decodeSmsDeliver(pdus[order[1]!]!));
      assert.equal(done.kind, 'complete');
      if (done.kind !== 'complete') return;
      assert.equal(toHex(done.datagram.userData), expected);
      assert.deepEqual(done.datagram.ports, { destination: 2948, source: 9200, bits: 16 });
      assert.deepEqual(done.datagram.concat, { reference: 90, referenceBits: 8, total: 2 });
      assert.equal(done.datagram.originator.address, '+447700900123');
      assert.equal(done.datagram.text, undefined);
      assert.deepEqual(re.stats(), { groups: 0, parts: 0, bytes: 0 });
    }
  });

  it('encodeDatagramAsSms rebuilds exactly the two PDUs of the vector', () => {
    const first = decodeSmsDeliver(pdus[0]!);
    const out = encodeDatagramAsSms({
      originator: first.originator.address,
      smsc: first.smsc,
      destinationPort: 2948,
      sourcePort: 9200,
      payload: fromHex(wspHead + v.mikey),
      reference: 90,
      timestamp: first.timestamp,
    });
    assert.deepEqual(out.map(toHex), v.smsDeliverPdus.map((h) => h.toLowerCase()));
    // +CMT lengths the simulated modem will announce.
    assert.deepEqual(out.map(tpduLength), [159, 73]);
  });
});
