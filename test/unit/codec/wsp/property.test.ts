import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DecodeError, EncodeError } from '../../../../src/codec/errors.js';
import {
  decodeWspPush,
  encodeWspPush,
  renderWspTree,
  wspApplicationIdName,
  wspPushToJson,
  type WspHeader,
  type WspPushInput,
} from '../../../../src/codec/wsp/index.js';

const ascii = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-._/+:'), minLength: min, maxLength: max });
/** Text that exercises the quoting rules: leading quote chars, DEL, non-ASCII, digits. */
const text = fc.oneof(
  ascii(0, 12),
  fc.string({ unit: fc.constantFrom('a', 'Z', '"', '\x7f', 'é', '€', ' ', '9', '='), minLength: 0, maxLength: 6 }),
);

const contentType = fc.oneof(
  fc.constantFrom('application/mikey', 'application/vnd.wap.mms-message', 'text/plain', 'application/vnd.oma.dcdc'),
  fc.constantFrom('application/vnd.oma.bcast.provisioningtrigger', 'application/vnd.syncml+xml'), // long-integer codes
  ascii(1, 20).map((s) => `x-${s}`),
);

const value = fc.oneof(text, fc.bigInt(0n, 1n << 64n).map(String));
/** Parameters whose value shape is fixed get values of that shape; the rest any text or number. */
const params = fc
  .record(
    {
      charset: fc.constantFrom('utf-8', 'us-ascii', 'iso-8859-1', 'x-own-charset'),
      type: fc.constantFrom('application/mikey', 'x-own/type', '5'),
      other: fc.dictionary(
        fc.oneof(fc.constantFrom('sec', 'mac', 'name', 'start', 'level', 'padding'), ascii(1, 8).map((s) => `x${s}`)),
        value,
        { maxKeys: 3 },
      ),
    },
    { requiredKeys: ['other'] },
  )
  .map(({ other, ...fixed }) => ({ ...other, ...fixed }));
const qParam = fc.option(fc.constantFrom('0', '0.5', '0.25', '0.123', '0.999', '0.07'), { nil: undefined });

const applicationId = fc.oneof(
  fc.constant(null),
  fc.constantFrom('x-oma-application:bcast.ua', 'x-wap-application:mms.ua'),
  fc.constantFrom(0x13, 0x04, 0x9023, 0x7000),
  ascii(1, 20).map((s) => `x-${s}`),
);

const header: fc.Arbitrary<WspHeader> = fc.oneof(
  fc.record({ name: fc.constantFrom('Content-Length', 'Push-Flag', 'Age'), value: fc.bigInt(0n, 1n << 40n).map(String) }),
  fc.record({
    name: fc.constantFrom('Date', 'Expires'),
    value: fc.integer({ min: 0, max: 4_000_000_000 }).map((s) => new Date(s * 1000).toISOString().replace('.000Z', 'Z')),
  }),
  fc.record({ name: fc.constantFrom('X-Wap-Initiator-URI', 'Content-Location', 'Server'), value: text }),
  fc.record({ name: fc.constant('Content-ID'), value: text }),
  fc.record({
    name: fc.constantFrom('0x7e', '0x7d', 'Accept', 'Cache-Control'),
    value: fc.oneof(
      fc.integer({ min: 0x80, max: 0xff }).map((b) => b.toString(16)),
      fc.uint8Array({ maxLength: 40 }).map((b) =>
        Buffer.from(b.length <= 30 ? [b.length, ...b] : [31, b.length, ...b]).toString('hex'),
      ),
    ),
  }),
  fc.record({ name: ascii(1, 10).map((s) => `X-${s}`), value: text }),
);

const pushInput: fc.Arbitrary<WspPushInput> = fc.record({
  tid: fc.integer({ min: 0, max: 255 }),
  pduType: fc.constantFrom('push' as const, 'confirmed-push' as const),
  contentType,
  contentTypeParams: fc.tuple(params, qParam).map(([p, q]) => (q === undefined ? p : { ...p, q })),
  applicationId,
  headers: fc.array(header, { maxLength: 5 }),
  body: fc.uint8Array({ maxLength: 200 }),
});

/** What the decoder must give back for an input: ids by name, the app id header first. */
function expected(p: WspPushInput) {
  const appName = typeof p.applicationId === 'number' ? wspApplicationIdName(p.applicationId) : p.applicationId;
  // Plain objects: fast-check builds records without a prototype.
  const headers = (p.headers ?? []).map(({ name, value }) => ({ name, value }));
  if (appName != null) headers.unshift({ name: 'X-Wap-Application-Id', value: appName });
  const params = { ...p.contentTypeParams };
  return { tid: p.tid, pduType: p.pduType, contentType: p.contentType, params, headers, appName, body: p.body };
}

function onlyDecodeErrors(bytes: Uint8Array): void {
  try {
    const p = decodeWspPush(bytes);
    // The views of anything that decodes never throw either.
    renderWspTree(p);
    JSON.stringify(wspPushToJson(p));
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    assert.equal(e.codec, 'wsp');
    assert.ok(e.offset === undefined || (e.offset >= 0 && e.offset <= bytes.length), `offset ${e.offset} in range`);
  }
}

type Mutation = { op: 'set' | 'insert' | 'delete' | 'truncate'; at: number; byte: number };
const mutations = fc.array(
  fc.record({
    op: fc.constantFrom('set', 'set', 'set', 'insert', 'delete', 'truncate'),
    at: fc.nat(),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  { minLength: 1, maxLength: 3 },
) as fc.Arbitrary<Mutation[]>;

function mutate(bytes: Uint8Array, ms: Mutation[]): Uint8Array {
  const b = [...bytes];
  for (const m of ms) {
    const at = b.length === 0 ? 0 : m.at % (b.length + 1);
    if (m.op === 'set' && at < b.length) b[at] = m.byte;
    else if (m.op === 'insert') b.splice(at, 0, m.byte);
    else if (m.op === 'delete') b.splice(at, 1);
    else if (m.op === 'truncate') b.length = at;
  }
  return Uint8Array.from(b);
}

describe('WSP push properties', () => {
  it('encode → decode gives the input back', () => {
    fc.assert(
      fc.property(pushInput, (input) => {
        let bytes: Uint8Array;
        try {
          bytes = encodeWspPush(input);
        } catch (e) {
          // Only inputs the wire cannot carry may be refused (e.g. a q-value with more decimals).
          assert.ok(e instanceof EncodeError, String(e));
          return;
        }
        const p = decodeWspPush(bytes);
        const want = expected(input);
        assert.equal(p.tid, want.tid);
        assert.equal(p.pduType, want.pduType);
        assert.equal(p.contentType, want.contentType);
        assert.deepEqual(p.contentTypeParams, want.params);
        assert.equal(p.applicationId, want.appName);
        assert.deepEqual(p.headers, want.headers);
        assert.deepEqual(p.body, want.body);
      }),
      { numRuns: 4000 },
    );
  });

  it('the generator only produces encodable pushes', () => {
    // Guards the property above against silently skipping: every generated input must encode.
    fc.assert(fc.property(pushInput, (input) => void encodeWspPush(input)), { numRuns: 1000 });
  });

  it('random bytes only ever throw DecodeError', () => {
    const pushLike = fc
      .tuple(fc.integer({ min: 0, max: 255 }), fc.constantFrom(6, 7), fc.uint8Array({ maxLength: 80 }))
      .map(([tid, type, rest]) => Uint8Array.from([tid, type, ...rest]));
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 80 }), pushLike), onlyDecodeErrors), {
      numRuns: 15000,
    });
  });

  it('mutated valid pushes only ever throw DecodeError, and what decodes re-encodes to the same fields', () => {
    fc.assert(
      fc.property(pushInput, mutations, (input, ms) => {
        const bytes = mutate(encodeWspPush(input), ms);
        onlyDecodeErrors(bytes);
        let p;
        try {
          p = decodeWspPush(bytes);
        } catch {
          return;
        }
        let again: Uint8Array;
        try {
          again = encodeWspPush(p);
        } catch (e) {
          assert.ok(e instanceof EncodeError, String(e));
          return;
        }
        const q = decodeWspPush(again);
        // Re-encoding prefers well-known codes, so only the codes may differ.
        const sansCodes = (x: typeof p) => ({ ...x, contentTypeCode: null, applicationIdCode: null });
        assert.deepEqual(sansCodes(q), sansCodes(p));
      }),
      { numRuns: 15000 },
    );
  });
});
