import { test } from 'node:test';
import assert from 'node:assert/strict';
import { format, inspect } from 'node:util';
import { Secret } from '../../../src/crypto/secret.js';

const keyHex = '465b5ce8b199b49faa5f0a2ee238a6bc';

test('a Secret never prints its bytes: JSON, inspect, String, template, util.format', () => {
  const s = new Secret(Buffer.from(keyHex, 'hex'));
  assert.equal(JSON.stringify({ muk: s }), '{"muk":"[secret]"}');
  assert.equal(inspect(s), '[secret]');
  assert.equal(inspect({ nested: { muk: s } }, { depth: 5 }), '{ nested: { muk: [secret] } }');
  assert.equal(inspect(s, { showHidden: true }), '[secret]');
  assert.equal(String(s), '[secret]');
  assert.equal(`${s}`, '[secret]');
  assert.equal(format('%s %o %O %j', s, s, s, s), '[secret] [secret] [secret] "[secret]"');
  for (const out of [JSON.stringify(s), inspect(s), format('%o', { s })]) assert.ok(!out.includes('465b'), out);
});

test('reveal gives the bytes; the Secret holds its own copy', () => {
  const src = Buffer.from(keyHex, 'hex');
  const s = new Secret(src);
  src.fill(0);
  assert.equal(s.reveal().toString('hex'), keyHex);
  assert.equal(s.length, 16);
});

test('wipe zero-fills the held bytes and later use throws', () => {
  const s = new Secret(Buffer.from(keyHex, 'hex'));
  const view = s.reveal();
  assert.equal(s.isWiped, false);
  s.wipe();
  assert.equal(s.isWiped, true);
  assert.deepEqual(view, Buffer.alloc(16));
  assert.throws(() => s.reveal(), /wiped/);
  assert.equal(JSON.stringify(s), '"[secret]"');
});
