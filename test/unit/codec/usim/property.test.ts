// Every USIM decoder, fed arbitrary bytes, either returns or throws DecodeError — never anything else.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DecodeError } from '../../../../src/codec/errors.js';
import * as usim from '../../../../src/codec/usim/index.js';

const decoders: [string, (b: Uint8Array) => unknown][] = [
  ['decodeCommandApdu', usim.decodeCommandApdu],
  ['decodeResponseApdu', usim.decodeResponseApdu],
  ['decodeTlvs', (b) => usim.decodeTlvs(b)],
  ['decodeAuth3gData', usim.decodeAuth3gData],
  ['decodeAuth3gResponse', usim.decodeAuth3gResponse],
  ['decodeGbaData', usim.decodeGbaData],
  ['decodeGbaBootstrapResponse', usim.decodeGbaBootstrapResponse],
  ['decodeGbaNafResponse', usim.decodeGbaNafResponse],
  ['decodeMbmsResponse (MSK update)', (b) => usim.decodeMbmsResponse(b, 'msk-update')],
  ['decodeMbmsResponse (MTK generation)', (b) => usim.decodeMbmsResponse(b, 'mtk-generation')],
  ['decodeThreeGppOutput', (b) => usim.decodeThreeGppOutput(b)],
  ['decodeFcp', usim.decodeFcp],
  ['decodeDirRecord', usim.decodeDirRecord],
  ['decodeImsi', usim.decodeImsi],
  ['decodeIccid', usim.decodeIccid],
  ['decodeAd', usim.decodeAd],
  ['decodeGbaBp', usim.decodeGbaBp],
  ['decodeGbaNlRecord', usim.decodeGbaNlRecord],
  ['decodeMskRecord', usim.decodeMskRecord],
  ['decodeMukRecord', usim.decodeMukRecord],
];

/** Inputs that look like the real thing often enough to get past the first check. */
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.tuple(fc.constantFrom(0x62, 0x61, 0x53, 0x73, 0xdb, 0xdc, 0xdd, 0xde, 0xa0, 0x80, 0x08), fc.uint8Array({ maxLength: 64 })).map(([t, rest]) =>
    Uint8Array.from([t, rest.length, ...rest]),
  ),
);

describe('usim codec: decoders throw only DecodeError', () => {
  for (const [name, decode] of decoders) {
    it(name, () => {
      fc.assert(
        fc.property(bytes, (b) => {
          try {
            decode(b);
          } catch (e) {
            assert.ok(e instanceof DecodeError, `${name} threw ${String(e)}`);
          }
        }),
        { numRuns: 400 },
      );
    });
  }
});
