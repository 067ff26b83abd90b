import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isSecretName, maskIdentities, sanitize } from '../../../src/mqtt/sanitize.js';
import { Secret } from '../../../src/crypto/index.js';

test('field names: keys and credentials are secret, their ids and states are not', () => {
  const secret = ['ks', 'Ks', 'KsNAF', 'ksExtNaf', 'ks_int_naf', 'mrk', 'MUK', 'msk', 'mskHex', 'MSK_VALUE', 'mtk', 'tek', 'tekB64', 'res', 'RES', 'xres', 'ck', 'ik', 'k', 'K', 'opc', 'OPc', 'pin', 'PIN1', 'puk', 'password', 'brokerPassword', 'passwordFile', 'authorization', 'clientSecret'];
  const benign = ['mskId', 'msk_id', 'mukId', 'mskLifetime', 'tekCount', 'keyGroup', 'keyDomainId', 'result', 'resultCode', 'pinState', 'pin1Retries', 'kind', 'state', 'ts', 'checks', 'ikey'];
  for (const n of secret) assert.equal(isSecretName(n), true, n);
  for (const n of benign) assert.equal(isSecretName(n), false, n);
  assert.equal(isSecretName('tek', true), false, 'player exchange lets tek through');
  assert.equal(isSecretName('msk', true), true, 'but nothing else');
});

test('identities are masked wherever they stand in a string', () => {
  const cases: Array<[string, string]> = [
    ['262011234567890', '26201********90'],
    ['IMSI 262011234567890 attached', 'IMSI 26201********90 attached'],
    ['262011234567890@ims.mnc001.mcc262.3gppnetwork.org', '26201********90@ims.mnc001.mcc262.3gppnetwork.org'],
    ['89490200001234567890', '8949020***********90'],
    ['8949020000123456789F', '8949020***********9F'],
    ['nmZ5Jc4rYQ2F5vHpz0Z2Aw==@bsf.mnc001.mcc262.pub.3gppnetwork.org', 'nmZ5…@bsf.mnc001.mcc262.pub.3gppnetwork.org'],
    ['1234', '1234'],
    ['ops@example.com', 'ops@example.com'],
    ['2024-05-01T10:00:00.000Z', '2024-05-01T10:00:00.000Z'],
  ];
  for (const [input, expected] of cases) assert.equal(maskIdentities(input), expected, input);
  assert.equal(maskIdentities('310410123456789', 3), '310410*******89');
  // A MUK ID in hex (IDi || IDr, IDr = B-TID) spells the B-TID in its bytes.
  const mukIdHex = Buffer.from('bsm.example.com' + 'nmZ5Jc4rYQ2F5vHpz0Z2Aw==@bsf.example.com').toString('hex');
  assert.equal(maskIdentities(mukIdHex), '[masked]');
});

test('sanitize: removes secrets and byte containers, masks identities, reports paths, copies', () => {
  const input = {
    ts: '2024-05-01T10:00:00.000Z',
    card: { imsi: '262011234567890', iccid: '89490200001234567890', ck: 'b40ba9a3c58b2a05bbf0d987b21bf8cb', pinState: 'ready' },
    gba: { btid: 'nmZ5Jc4rYQ2F5vHpz0Z2Aw==@bsf.example.org', ksExtNaf: 'aa'.repeat(32), lifetime: '2024-05-02T10:00:00Z' },
    keys: [{ mskId: '00000102', msk: 'cafe'.repeat(8), raw: Buffer.from('secret') }, { mskId: 3, material: new Secret(Buffer.alloc(16, 7)) }],
    when: new Date(0),
    u8: new Uint8Array([1, 2, 3]),
    map: new Map([['a', 1]]),
    shortImsi: { imsi: '12345' },
  };
  const copy = structuredClone({ ...input, keys: undefined, u8: undefined, map: undefined });
  const { value, removed, masked } = sanitize<Record<string, unknown>>(input);
  assert.deepEqual(value, {
    ts: '2024-05-01T10:00:00.000Z',
    card: { imsi: '26201********90', iccid: '8949020***********90', pinState: 'ready' },
    gba: { btid: 'nmZ5…@bsf.example.org', lifetime: '2024-05-02T10:00:00Z' },
    keys: [{ mskId: '00000102' }, { mskId: 3 }],
    when: '1970-01-01T00:00:00.000Z',
    shortImsi: { imsi: '1…' },
  });
  assert.deepEqual(removed.sort(), ['/card/ck', '/gba/ksExtNaf', '/keys/0/msk', '/keys/0/raw', '/keys/1/material', '/map', '/u8'].sort());
  assert.deepEqual(masked.sort(), ['/card/iccid', '/card/imsi', '/gba/btid', '/shortImsi/imsi'].sort());
  assert.equal(input.card.ck, 'b40ba9a3c58b2a05bbf0d987b21bf8cb', 'input untouched');
  assert.deepEqual({ ...input, keys: undefined, u8: undefined, map: undefined, when: copy.when }, copy);
});

test('sanitize: cycles, depth, non-JSON values', () => {
  const a: Record<string, unknown> = { n: 1, nan: Number.NaN, f: () => 1, big: 262011234567890n, imsiNum: 262011234567890 };
  a['self'] = a;
  const { value, removed } = sanitize(a);
  assert.deepEqual(value, { n: 1, nan: null, big: '26201********90', imsiNum: '26201********90' });
  assert.deepEqual(removed, ['/self']);
  let deep: unknown = { leaf: true };
  for (let i = 0; i < 40; i++) deep = { d: deep };
  assert.ok(sanitize(deep).removed.length === 1);
  assert.deepEqual(sanitize({ tek: 'ab'.repeat(16) }, { allowTek: true }).value, { tek: 'ab'.repeat(16) });
});

// Property: whatever the shape, planted secrets never survive.
const SECRET_FIELDS = ['ks', 'KsExtNaf', 'ks_int_naf', 'mrk', 'MUK', 'msk', 'mskHex', 'mtk', 'tek', 'TEK', 'res', 'ck', 'ik', 'k', 'OPc', 'opc', 'pin', 'PIN2', 'password'];
const benignKey = fc.stringMatching(/^[a-z]{1,8}$/).filter((k) => !isSecretName(k) && !['imsi', 'iccid', 'btid', 'impi'].includes(k));
const hexSecret = fc.uint8Array({ minLength: 16, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
const imsi = fc.stringMatching(/^[0-9]{15}$/);
const btidRand = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('base64'));

interface Planted {
  payload: unknown;
  secrets: string[];
  imsis: string[];
  rands: string[];
}

const leaf = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null));
const planted: fc.Arbitrary<Planted> = fc.letrec<{ node: Planted }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf.map((payload) => ({ payload, secrets: [], imsis: [], rands: [] })),
    fc.tuple(fc.constantFrom(...SECRET_FIELDS), hexSecret, fc.boolean()).map(([name, hex, asBuffer]) => ({
      payload: { [name]: asBuffer ? Buffer.from(hex, 'hex') : hex },
      secrets: [hex],
      imsis: [],
      rands: [],
    })),
    fc.tuple(hexSecret, fc.constantFrom('buffer', 'u8', 'secret')).map(([hex, kind]) => {
      const bytes = Buffer.from(hex, 'hex');
      const value = kind === 'buffer' ? bytes : kind === 'u8' ? new Uint8Array(bytes) : new Secret(bytes);
      return { payload: { data: value }, secrets: [hex, bytes.toString('base64')], imsis: [], rands: [] };
    }),
    fc.tuple(imsi, fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })).map(([i, pre, post]) => ({ payload: `${pre} ${i} ${post}`, secrets: [], imsis: [i], rands: [] })),
    btidRand.map((r) => ({ payload: { note: `B-TID ${r}@bsf.mnc001.mcc262.pub.3gppnetwork.org` }, secrets: [], imsis: [], rands: [r] })),
    fc.array(fc.tuple(benignKey, tie('node')), { maxLength: 4 }).map((entries) => ({
      payload: Object.fromEntries(entries.map(([k, n]) => [k, n.payload])),
      // Duplicate keys overwrite each other: only what survives in the object counts as planted.
      ...collect(Object.values(Object.fromEntries(entries))),
    })),
    fc.array(tie('node'), { maxLength: 4 }).map((items) => ({ payload: items.map((n) => n.payload), ...collect(items) })),
  ),
})).node;

function collect(items: Planted[]): Omit<Planted, 'payload'> {
  return { secrets: items.flatMap((n) => n.secrets), imsis: items.flatMap((n) => n.imsis), rands: items.flatMap((n) => n.rands) };
}

test('property: planted secrets and identities never survive sanitising', () => {
  fc.assert(
    fc.property(planted, ({ payload, secrets, imsis, rands }) => {
      const wire = JSON.stringify(sanitize(payload).value);
      for (const s of secrets) assert.ok(!wire.toLowerCase().includes(s.toLowerCase()), `secret ${s} in ${wire}`);
      for (const i of imsis) assert.ok(!wire.includes(i) && !wire.includes(i.slice(5, 13)), `IMSI ${i} in ${wire}`);
      for (const r of rands) assert.ok(!wire.includes(r.slice(4)), `B-TID ${r} in ${wire}`);
    }),
    { numRuns: 500 },
  );
});

test('omit leaves one top-level field out, as if absent, and only at the top level', () => {
  const r = sanitize({ ts: 'x', a: 1, nested: { ts: 'kept' } }, { omit: 'ts' });
  assert.deepEqual(r.value, { a: 1, nested: { ts: 'kept' } });
  assert.deepEqual(r.removed, []);
  assert.deepEqual(r.masked, []);
});

test('field names are masked like strings, for either MNC length, every time they occur', () => {
  const key = '310150123456789';
  for (const mncLength of [2, 3] as const) {
    for (let i = 0; i < 2; i++) {
      const r = sanitize({ [key]: 1 }, { mncLength });
      assert.deepEqual(Object.keys(r.value as object), [maskIdentities(key, mncLength)]);
      assert.deepEqual(r.masked, [`/${key}`]);
    }
  }
});
