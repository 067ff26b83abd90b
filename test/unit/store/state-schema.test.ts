import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StoreError } from '../../../src/store/errors.js';
import { defaultState, migrate, parseState, serializeState, validateState, type Migration } from '../../../src/store/state-schema.js';
import { sampleState } from './helpers.js';

function refused(fn: () => unknown, code: StoreError['code'] | StoreError['code'][], path?: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof StoreError, `expected StoreError, got ${String(err)}`);
    assert.ok((Array.isArray(code) ? code : [code]).includes(err.code), `${err.code}: ${err.message}`);
    if (path !== undefined) assert.equal(err.path, path);
    return true;
  });
}

test('defaults and a fully populated state validate and survive serialise → parse unchanged', () => {
  for (const s of [defaultState(), sampleState()]) {
    assert.deepEqual(parseState(serializeState(s)), s);
  }
});

test('key material is refused with a typed error, wherever and however it is offered', () => {
  const hex16 = '000102030405060708090a0b0c0d0e0f';
  const cases: [string, (s: Record<string, any>) => void, string][] = [
    ['Buffer field "key" on a key entry', (s) => (s['keys'][0].key = Buffer.alloc(16, 1)), '/keys/0/key'],
    ['hex field "msk" on a key entry', (s) => (s['keys'][0].msk = hex16), '/keys/0/msk'],
    ['hex field "ks" under gba', (s) => (s['gba'].ks = hex16 + hex16), '/gba/ks'],
    ['upper-case "MUK" at the top', (s) => (s['MUK'] = hex16), '/MUK'],
    ['a Uint8Array in a metadata field', (s) => (s['keys'][0].mskId = new Uint8Array([0, 2, 0, 7])), '/keys/0/mskId'],
    ['a Buffer serialised by toJSON', (s) => (s['gba'].lifetime = Buffer.alloc(4).toJSON()), '/gba/lifetime'],
    ['a crypto Secret holder', (s) => (s['registration'].extra = { reveal: () => Buffer.alloc(16) }), '/registration/extra'],
  ];
  for (const [name, poison, path] of cases) {
    const s = sampleState() as unknown as Record<string, any>;
    poison(s);
    refused(() => validateState(s), 'key-material', path);
    // and via the file: a doctored state.json is refused too (a Uint8Array or a Secret serialises as a
    // plain object, which only the schema can tell from metadata)
    refused(() => parseState(JSON.stringify(s)), /Uint8Array|Secret/.test(name) ? 'invalid' : 'key-material');
  }
});

test('the schema leaves no room for other fields: unknown names are refused everywhere', () => {
  const cases: [(s: Record<string, any>) => void, string][] = [
    [(s) => (s['note'] = 'x'), ''],
    [(s) => (s['registration'].extra = 'x'), '/registration'],
    [(s) => (s['registration'].lastTrigger.by = 'x'), '/registration/lastTrigger'],
    [(s) => (s['gba'].rand = 'x'), '/gba'],
    [(s) => (s['keys'][1].value = 'aa'), '/keys/1'],
  ];
  for (const [poison, path] of cases) {
    const s = sampleState() as unknown as Record<string, any>;
    poison(s);
    refused(() => validateState(s), 'invalid', path);
  }
});

test('field rules: hex ids, enums, dates, ranges, MSK ID = key group || key number', () => {
  const cases: [(s: Record<string, any>) => void, string][] = [
    [(s) => (s['keys'][0].keyDomainId = '00F110'), '/keys/0/keyDomainId'], // lower-case hex only: ids compare as strings
    [(s) => (s['keys'][0].keyDomainId = '00f1'), '/keys/0/keyDomainId'],
    [(s) => (s['keys'][0].mskId = '00020008'), '/keys/0/mskId'],
    [(s) => (s['keys'][0].keyGroup = 70000), '/keys/0/keyGroup'],
    [(s) => (s['keys'][0].validFrom = 501), '/keys/0/validFrom'],
    [(s) => (s['keys'][0].status = 'maybe'), '/keys/0/status'],
    [(s) => (s['registration'].state = 'idle'), '/registration/state'],
    [(s) => (s['registration'].lastTrigger.kind = 'sms'), '/registration/lastTrigger/kind'],
    [(s) => (s['registration'].services = ['a', 'a']), '/registration/services'],
    [(s) => (s['gba'].lifetime = 'tomorrow'), '/gba/lifetime'],
    [(s) => delete s['keys'], ''],
  ];
  for (const [poison, path] of cases) {
    const s = sampleState() as unknown as Record<string, any>;
    poison(s);
    refused(() => validateState(s), 'invalid', path);
  }
});

test('file text that is not a state: corrupt, or unsupported version', () => {
  refused(() => parseState(''), 'corrupt');
  refused(() => parseState(serializeState(sampleState()).slice(0, 100)), 'corrupt');
  refused(() => parseState('[]'), 'invalid');
  refused(() => parseState(JSON.stringify({ ...sampleState(), version: 2 })), 'unsupported-version', '/version');
  refused(() => parseState(JSON.stringify({ ...sampleState(), version: 0 })), 'unsupported-version', '/version');
});

test('migration hook: an older document is brought up step by step, then validated', () => {
  // A hypothetical version 0 that kept the B-TID at the top level.
  const from0: Migration = (d) => {
    const { btid, lifetime, ...rest } = d as Record<string, unknown>;
    return { ...rest, version: 1, gba: { btid, lifetime } };
  };
  const { gba, ...v1 } = sampleState();
  const v0 = { ...v1, version: 0, btid: gba?.btid, lifetime: gba?.lifetime };
  assert.deepEqual(parseState(JSON.stringify(v0), new Map([[0, from0]])), sampleState());
  // a step that does not advance the version is refused rather than looping
  refused(() => migrate(v0, new Map([[0, (d) => d]])), 'unsupported-version');
  // the result of a migration still has to pass the schema
  refused(() => parseState(JSON.stringify(v0), new Map([[0, (d) => ({ ...d, version: 1 })]])), 'invalid', '');
});
