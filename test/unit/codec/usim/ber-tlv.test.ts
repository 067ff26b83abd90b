import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DecodeError } from '../../../../src/codec/errors.js';
import { fromHex, toHex } from '../../../../src/codec/hex.js';
import { decodeConstructed, decodeTlvs, encodeTlv, findTlv, requireTlv } from '../../../../src/codec/usim/index.js';

describe('usim codec: BER-TLV', () => {
  it('reads 1-, 2- and 3-byte tags and long-form lengths', () => {
    const long = '81' + '81' + '80' + 'aa'.repeat(0x80);
    const list = decodeTlvs(fromHex(`8001ff 5f2d026465 9f7f0101 ${long}`));
    assert.deepEqual(
      list.map((t) => [t.tag, t.value.length]),
      [
        [0x80, 1],
        [0x5f2d, 2],
        [0x9f7f, 1],
        [0x81, 0x80],
      ],
    );
    assert.equal(list[1]!.offset, 3);
    assert.equal(list[1]!.valueOffset, 6);
  });

  it('skips 00 / FF padding between and after objects (FF-filled records)', () => {
    const list = decodeTlvs(fromHex('ff8001010000820102ffffff'));
    assert.deepEqual(list.map((t) => t.tag), [0x80, 0x82]);
  });

  it('encodes short, 81 and 82 lengths', () => {
    assert.equal(toHex(encodeTlv(0x80, fromHex('0102'))), '80020102');
    assert.equal(toHex(encodeTlv(0x73, new Uint8Array(200))).slice(0, 6), '7381c8');
    assert.equal(toHex(encodeTlv(0x5f2d, new Uint8Array(300))).slice(0, 10), '5f2d82012c');
  });

  it('nests: decodeConstructed returns the inner objects with absolute offsets', () => {
    const { outer, inner } = decodeConstructed(fromHex('6207 83026f07 800109'), 0x62, 'FCP');
    assert.equal(outer.tag, 0x62);
    assert.equal(findTlv(inner, 0x83)?.offset, 2);
    assert.throws(() => requireTlv(inner, 0x84, 'DF name'), (e: unknown) => e instanceof DecodeError && e.reason === 'missing');
  });

  it('reports truncation and wrong outer tags as DecodeError with the offset', () => {
    assert.throws(() => decodeTlvs(fromHex('800501')), (e: unknown) => e instanceof DecodeError && e.reason === 'truncated' && e.offset === 2);
    assert.throws(() => decodeTlvs(fromHex('5fffff0100')), (e: unknown) => e instanceof DecodeError && e.reason === 'unsupported');
    assert.throws(() => decodeTlvs(fromHex('80840000000001')), (e: unknown) => e instanceof DecodeError && e.reason === 'bad-value');
    assert.throws(() => decodeConstructed(fromHex('6100'), 0x62, 'FCP'), (e: unknown) => e instanceof DecodeError && e.reason === 'bad-tag');
  });
});
