import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DecodeError } from '../../../../src/codec/errors.js';
import { toHex } from '../../../../src/codec/hex.js';
import {
  decodeMikey,
  describeMbms,
  encodeKeyData,
  encodeMikey,
  macInput,
  mikeyMacField,
  mikeyToJson,
  renderMikeyTree,
  type CsIdMap,
  type KeyData,
  type KeyValidity,
  type MikeyMessage,
  type MikeyPayload,
} from '../../../../src/codec/mikey/index.js';

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = (max: number) => fc.uint8Array({ maxLength: max });

const csIdMap: fc.Arbitrary<CsIdMap> = fc.oneof(
  fc.array(fc.record({ policyNo: u8, ssrc: u32, roc: u32 }), { maxLength: 3 }).map((srtp) => ({ mapType: 0 as const, srtp })),
  u8.map((csCount) => ({ mapType: 1 as const, csCount })),
  fc
    .array(
      fc.record({ csId: u8, protType: u8, s: fc.boolean(), policies: bytes(5), sessionData: bytes(12), spi: bytes(6) }),
      { maxLength: 3 },
    )
    .map((generic) => ({ mapType: 2 as const, generic })),
);

const kv: fc.Arbitrary<KeyValidity> = fc.oneof(
  fc.constant({ kvType: 0 as const }),
  bytes(8).map((spi) => ({ kvType: 1 as const, spi })),
  fc.tuple(bytes(8), bytes(8)).map(([vf, vt]) => ({ kvType: 2 as const, vf, vt })),
);

const keyData: fc.Arbitrary<KeyData> = fc
  .tuple(fc.integer({ min: 0, max: 3 }), bytes(32), bytes(14), kv)
  // Salt only on the +SALT types, and then as a present property.
  .map(([keyType, key, salt, kv]) => (keyType % 2 === 1 ? { keyType, key, salt, kv } : { keyType, key, kv }));

const mac20 = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((m) => ({ macAlg: 1, mac: m }));
const anyMac = fc.oneof(fc.constant({ macAlg: 0, mac: new Uint8Array(0) }), mac20);

const kemac: fc.Arbitrary<MikeyPayload> = fc.oneof(
  fc.tuple(fc.array(keyData, { maxLength: 3 }), anyMac).map(([kd, m]) => ({
    type: 'KEMAC' as const,
    encrAlg: 0,
    encrData: encodeKeyData(kd),
    keyData: kd,
    ...m,
  })),
  fc.tuple(fc.integer({ min: 1, max: 255 }), bytes(48), anyMac).map(([encrAlg, encrData, m]) => ({
    type: 'KEMAC' as const,
    encrAlg,
    encrData,
    ...m,
  })),
);

const payload: fc.Arbitrary<MikeyPayload> = fc.oneof(
  u32.map((counter) => ({ type: 'T' as const, tsType: 2 as const, counter })),
  fc.tuple(fc.constantFrom(0 as const, 1 as const), fc.bigInt(0n, (1n << 64n) - 1n)).map(([tsType, ntp]) => ({ type: 'T' as const, tsType, ntp })),
  bytes(32).map((rand) => ({ type: 'RAND' as const, rand })),
  fc.tuple(u8, bytes(70)).map(([idType, id]) => ({ type: 'ID' as const, idType, id })),
  kemac,
  anyMac.map((m) => ({ type: 'V' as const, ...m })),
  fc.tuple(u8, u8, bytes(20)).map(([policyNo, protType, params]) => ({ type: 'SP' as const, policyNo, protType, params })),
  fc.tuple(u8, u16).map(([errNo, reserved]) => ({ type: 'ERR' as const, errNo, reserved })),
  fc.tuple(u8, bytes(20)).map(([extType, data]) => ({ type: 'EXT' as const, extType, data })),
);

const message: fc.Arbitrary<MikeyMessage> = fc.record({
  hdr: fc.record({
    type: fc.constant('HDR' as const),
    version: fc.constant(1),
    dataType: u8,
    v: fc.boolean(),
    prf: fc.integer({ min: 0, max: 127 }),
    csbId: u32,
    csIdMap,
  }),
  payloads: fc.array(payload, { maxLength: 7 }),
});

/** Removes the fields only the decoder sets (macOffset), checking each points at its MAC. */
function checkMacOffsets(raw: Uint8Array, msg: MikeyMessage): MikeyMessage {
  return {
    hdr: msg.hdr,
    payloads: msg.payloads.map((p) => {
      if (p.type !== 'KEMAC' && p.type !== 'V') return p;
      const { macOffset, ...rest } = p;
      assert.ok(macOffset !== undefined);
      assert.equal(raw[macOffset - 1], p.macAlg, 'MAC-alg byte just before the MAC');
      assert.deepEqual(raw.subarray(macOffset, macOffset + p.mac.length), p.mac);
      return rest;
    }),
  };
}

function onlyDecodeErrors(input: Uint8Array): void {
  let msg: MikeyMessage;
  try {
    msg = decodeMikey(input);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    assert.equal(e.codec, 'mikey');
    assert.ok(e.offset !== undefined && e.offset >= 0 && e.offset <= input.length, `offset ${e.offset} in range`);
    return;
  }
  // Whatever decodes is canonical: it re-encodes to the very same bytes, and the views never throw.
  assert.equal(toHex(encodeMikey(msg)), toHex(input));
  mikeyToJson(msg);
  describeMbms(msg);
  renderMikeyTree(msg);
}

type Mutation = { op: 'set' | 'insert' | 'delete' | 'truncate'; at: number; byte: number };
const mutations = fc.array(
  fc.record({ op: fc.constantFrom('set', 'set', 'set', 'insert', 'delete', 'truncate'), at: fc.nat(), byte: u8 }),
  { minLength: 1, maxLength: 3 },
) as fc.Arbitrary<Mutation[]>;

function mutate(input: Uint8Array, ms: Mutation[]): Uint8Array {
  const b = [...input];
  for (const m of ms) {
    const at = b.length === 0 ? 0 : m.at % (b.length + 1);
    if (m.op === 'set' && at < b.length) b[at] = m.byte;
    else if (m.op === 'insert') b.splice(at, 0, m.byte);
    else if (m.op === 'delete') b.splice(at, 1);
    else if (m.op === 'truncate') b.length = at;
  }
  return Uint8Array.from(b);
}

describe('MIKEY properties', () => {
  it('random messages round trip: decode(encode(m)) = m, MAC offsets point at the MAC', () => {
    fc.assert(
      fc.property(message, (msg) => {
        const raw = encodeMikey(msg);
        const back = decodeMikey(raw);
        // structuredClone: fast-check records have no prototype, decoded objects do.
        assert.deepEqual(checkMacOffsets(raw, back), structuredClone(msg));
        if (msg.payloads.some((p) => p.type === 'KEMAC' || p.type === 'V')) {
          assert.equal(macInput(raw, msg).length, mikeyMacField(msg).offset);
        }
      }),
      { numRuns: 4000 },
    );
  });

  it('random bytes only ever throw DecodeError', () => {
    // Most random bytes die on the version byte; half the cases start with a plausible HDR.
    const hdrLike = fc
      .tuple(u8, fc.constantFrom(0, 1, 5, 6, 9, 11, 21), fc.uint8Array({ maxLength: 80 }))
      .map(([dt, next, rest]) => Uint8Array.from([1, dt, next, 0, 1, 2, 3, 4, 0, 1, ...rest]));
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 80 }), hdrLike), onlyDecodeErrors), { numRuns: 15000 });
  });

  it('mutated valid messages only ever throw DecodeError; what decodes re-encodes to itself', () => {
    fc.assert(
      fc.property(message, mutations, (msg, ms) => onlyDecodeErrors(mutate(encodeMikey(msg), ms))),
      { numRuns: 15000 },
    );
  });
});
