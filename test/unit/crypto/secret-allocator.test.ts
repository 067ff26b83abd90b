// Secret.setAllocator: where a Secret keeps its bytes (the daemon installs locked memory; tests here use a
// recording allocator, the native one is exercised in test/unit/native/secure-memory.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { Secret } from '../../../src/crypto/secret.js';

const key = Buffer.from('465b5ce8b199b49faa5f0a2ee238a6bc', 'hex');

/** An allocator that hands out Buffer.alloc memory and remembers what it gave. */
function recorder(): { alloc: (size: number) => Buffer; given: Buffer[]; sizes: number[] } {
  const given: Buffer[] = [];
  const sizes: number[] = [];
  return {
    given,
    sizes,
    alloc(size) {
      sizes.push(size);
      const b = Buffer.alloc(size);
      given.push(b);
      return b;
    },
  };
}

function withAllocator(alloc: ((size: number) => Buffer) | null, run: () => void): void {
  Secret.setAllocator(alloc);
  try {
    run();
  } finally {
    Secret.setAllocator(null);
  }
}

test('the default store is Buffer.alloc memory of its own, never a slice of the shared allocUnsafe pool', () => {
  for (const src of [key, new Uint8Array(key), Buffer.alloc(0)]) {
    const held = new Secret(src).reveal();
    assert.equal(held.byteOffset, 0);
    assert.equal(held.buffer.byteLength, src.length);
    assert.deepEqual([...held], [...src]);
  }
});

test('with an allocator, each Secret asks it for exactly its length and keeps a copy in what it returned', () => {
  const r = recorder();
  withAllocator(r.alloc, () => {
    const src = Buffer.from(key);
    const s = new Secret(src);
    const empty = new Secret(new Uint8Array(0));
    src.fill(0);
    assert.deepEqual(r.sizes, [16, 0]);
    assert.equal(s.reveal(), r.given[0], 'reveal() is the allocator buffer itself');
    assert.equal(s.reveal().toString('hex'), key.toString('hex'));
    assert.equal(empty.length, 0);
    assert.equal(inspect(s), '[secret]');
    assert.equal(JSON.stringify({ s }), '{"s":"[secret]"}');
    assert.equal(`${s}`, '[secret]');
  });
});

test('wipe zeroes the allocator buffer, lets go of it, and is idempotent', () => {
  const r = recorder();
  withAllocator(r.alloc, () => {
    const s = new Secret(key);
    s.wipe();
    assert.deepEqual(r.given[0], Buffer.alloc(16));
    assert.equal(s.isWiped, true);
    assert.equal(s.length, 16);
    assert.throws(() => s.reveal(), /wiped/);
    s.wipe();
    assert.equal(s.isWiped, true);
  });
});

test('setAllocator(null) goes back to plain buffers; Secrets made before keep their memory', () => {
  const r = recorder();
  let before: Secret | undefined;
  withAllocator(r.alloc, () => {
    before = new Secret(key);
  });
  const after = new Secret(key);
  assert.equal(r.sizes.length, 1, 'the recorder is not asked after null');
  assert.equal(before!.reveal(), r.given[0]);
  assert.notEqual(after.reveal(), r.given[0]);
  assert.equal(after.reveal().toString('hex'), key.toString('hex'));
});

test('an allocator returning the wrong length or no Buffer is refused with a TypeError', () => {
  for (const bad of [(n: number) => Buffer.alloc(n + 1), () => new Uint8Array(16) as Buffer, () => Buffer.alloc(0)]) {
    withAllocator(bad, () => {
      assert.throws(() => new Secret(key), (err: unknown) => err instanceof TypeError && /Secret allocator returned/.test(err.message));
    });
  }
});

test('an allocator that throws fails the Secret construction with its own error', () => {
  withAllocator(
    () => {
      throw Object.assign(new Error('ENOMEM: out of memory, mmap'), { code: 'ENOMEM' });
    },
    () => assert.throws(() => new Secret(key), { code: 'ENOMEM' }),
  );
});
