// Locked key memory (native/src/secure_memory.c through src/native/secure-memory.ts): sizes, zeroing,
// wiping, the pool's page accounting, lock failures, chunk reuse after GC, teardown, and crypto's Secret on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { Worker } from 'node:worker_threads';
import {
  NativeAddon,
  NativeAddonError,
  allocSecure,
  isSecureLocked,
  secureAllocator,
  secureMemoryAvailable,
  secureMemoryStats,
  wipeSecure,
} from '../../../src/native/index.js';
import { Secret } from '../../../src/crypto/secret.js';
import { childJson, runNode, srcModule } from './node-child.js';

const SECURE = srcModule('native/secure-memory.js');
const isZero = (b: Uint8Array): boolean => b.every((x) => x === 0);

/** Worker source (eval: CommonJS, so it runs on every Node 20) holding `n` secure buffers until it is ended. */
function workerHolding(n: number, size: number): string {
  return `const { parentPort } = require('node:worker_threads');
    import(${JSON.stringify(SECURE)}).then(({ allocSecure }) => {
      globalThis.keys = Array.from({ length: ${n} }, () => allocSecure(${size}).fill(1));
      parentPort.postMessage('ready');
      setInterval(() => {}, 1000);
    });`;
}

test('secure memory is available with the built addon on Linux', () => {
  assert.equal(process.platform, 'linux');
  assert.equal(secureMemoryAvailable(), true);
});

test('every size gets exactly its length, zeroed, writable, and no two allocations overlap', () => {
  const sizes = [1, 15, 16, 17, 31, 32, 33, 64, 100, 1000, 2048, 2049, 4095, 4096, 4097, 65536, 1 << 20];
  const bufs = sizes.map((n) => allocSecure(n));
  bufs.forEach((b, i) => {
    assert.ok(Buffer.isBuffer(b));
    assert.equal(b.length, sizes[i]);
    // an external Buffer of its own: nothing else shares its ArrayBuffer (unlike allocUnsafe's pool)
    assert.equal(b.byteOffset, 0);
    assert.equal(b.buffer.byteLength, sizes[i]);
    assert.ok(isZero(b), `size ${sizes[i]} is zero at hand-out`);
    assert.equal(isSecureLocked(b), true, `size ${sizes[i]} locked`);
  });
  bufs.forEach((b, i) => b.fill(i + 1));
  bufs.forEach((b, i) => assert.ok(b.every((x) => x === i + 1), `size ${sizes[i]} kept its own bytes`));
});

test('size 0 gives an empty Buffer and takes no chunk', () => {
  const before = secureMemoryStats();
  const b = allocSecure(0);
  assert.equal(b.length, 0);
  assert.equal(secureMemoryStats().chunksInUse, before.chunksInUse);
});

test('bad sizes: TypeError for non-integers, RangeError above 1 MiB', () => {
  for (const bad of [-1, 1.5, Number.NaN, '16', undefined]) {
    assert.throws(() => allocSecure(bad as number), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }, String(bad));
  }
  for (const big of [(1 << 20) + 1, 2 ** 40, Number.POSITIVE_INFINITY]) {
    assert.throws(() => allocSecure(big), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' }, String(big));
  }
});

test('many small keys share locked pages: a pool, not a page per key', () => {
  // Finalizers run from the event loop, never inside this synchronous block, so the deltas are exact.
  const before = secureMemoryStats();
  const keys16 = Array.from({ length: 600 }, () => allocSecure(16));
  const keys32 = Array.from({ length: 300 }, () => allocSecure(32));
  const after = secureMemoryStats();
  const perPage = (chunk: number) => after.pageSize / chunk;
  assert.equal(after.chunksInUse - before.chunksInUse, 900);
  assert.equal(after.bytesInUse - before.bytesInUse, 600 * 16 + 300 * 32);
  assert.ok(after.pages - before.pages <= Math.ceil(600 / perPage(16)) + Math.ceil(300 / perPage(32)), `pages ${before.pages} → ${after.pages}`);
  assert.equal(after.lockedPages, after.pages);
  assert.equal(after.lockFailures, 0);
  assert.equal(after.lastLockError, null);
  // a 33-byte request takes a 64-byte chunk; a 5000-byte one whole pages of its own
  const mid = secureMemoryStats();
  const odd = [allocSecure(33), allocSecure(5000)];
  const end = secureMemoryStats();
  assert.equal(end.bytesInUse - mid.bytesInUse, 64 + 2 * end.pageSize);
  assert.equal(odd.length + keys16.length + keys32.length, 902);
});

test('wipeSecure zeroes now, on secure and on ordinary buffers; anything else is a TypeError', () => {
  const key = allocSecure(32);
  key.fill(0xa5);
  wipeSecure(key);
  assert.ok(isZero(key));
  const plain = Buffer.from('00112233', 'hex');
  wipeSecure(plain);
  assert.ok(isZero(plain));
  const view = new Uint8Array([1, 2, 3]);
  wipeSecure(view);
  assert.deepEqual([...view], [0, 0, 0]);
  assert.throws(() => wipeSecure('x' as unknown as Uint8Array), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
});

test('isSecureLocked: false for memory that is not from the pool', () => {
  assert.equal(isSecureLocked(Buffer.alloc(16)), false);
  assert.equal(isSecureLocked(allocSecure(0)), false);
  assert.equal(isSecureLocked(allocSecure(16)), true);
});

test('mlock refused (RLIMIT_MEMLOCK 0, no CAP_IPC_LOCK): memory still given, reported unlocked, reported once', async () => {
  // As root, CAP_IPC_LOCK ignores the limit: the child loses it from its bounding set before exec.
  const wrapper = ['prlimit', '--memlock=0:0'];
  if (process.getuid?.() === 0) wrapper.push('setpriv', '--bounding-set=-ipc_lock', '--inh-caps=-ipc_lock');
  const code = `
    import { allocSecure, isSecureLocked, secureAllocator, secureMemoryStats } from ${JSON.stringify(SECURE)};
    const reports = [];
    const alloc = secureAllocator((s) => reports.push(s));
    const keys = [alloc(16), alloc(32), alloc(16), allocSecure(5000)];
    keys.forEach((k, i) => k.fill(i + 1));
    console.log(JSON.stringify({
      locked: keys.map((k) => isSecureLocked(k)),
      intact: keys.every((k, i) => k.every((x) => x === i + 1)),
      reports, stats: secureMemoryStats(),
    }));`;
  const out = childJson<{ locked: boolean[]; intact: boolean; reports: unknown[]; stats: ReturnType<typeof secureMemoryStats> }>(
    await runNode(code, { wrapper }),
  );
  assert.deepEqual(out.locked, [false, false, false, false]);
  assert.equal(out.intact, true);
  assert.equal(out.reports.length, 1, 'onLockFailure is called once, not per allocation');
  assert.equal(out.stats.lockedPages, 0);
  assert.equal(out.stats.pages, 4, 'classes 16 and 32, two pages for 5000 bytes');
  assert.equal(out.stats.lockFailures, 3, 'one per slab mapped');
  assert.ok(['EPERM', 'ENOMEM', 'EAGAIN'].includes(out.stats.lastLockError ?? ''), String(out.stats.lastLockError));
  assert.deepEqual(out.reports[0], { ...out.stats, chunksInUse: 1, bytesInUse: 16, pages: 1, lockFailures: 1 });
});

test('secureAllocator without a listener, in a process that may lock, never reports', () => {
  let calls = 0;
  const withListener = secureAllocator(() => calls++);
  const plain = secureAllocator();
  const keys = [withListener(16), withListener(0), plain(16)];
  assert.equal(calls, 0);
  assert.deepEqual(keys.map((k) => k.length), [16, 0, 16]);
});

test('after GC (child with --expose-gc): chunks come back zeroed and are reused, spare pages unmapped', async () => {
  const code = `
    import { allocSecure, secureMemoryStats } from ${JSON.stringify(SECURE)};
    const settle = async () => { for (let i = 0; i < 4; i++) { gc(); await new Promise((r) => setImmediate(r)); } };
    const base = secureMemoryStats();
    let keys = Array.from({ length: 1000 }, () => allocSecure(16).fill(0x5a));
    const full = secureMemoryStats();
    keys = null;
    await settle();
    const freed = secureMemoryStats();
    const again = Array.from({ length: full.pageSize / 16 }, () => allocSecure(16));
    const reused = secureMemoryStats();
    console.log(JSON.stringify({ base, full, freed, reused, zero: again.every((k) => k.every((x) => x === 0)) }));`;
  type S = ReturnType<typeof secureMemoryStats>;
  const r = childJson<{ base: S; full: S; freed: S; reused: S; zero: boolean }>(await runNode(code, { nodeArgs: ['--expose-gc'] }));
  assert.equal(r.base.pages, 0);
  assert.equal(r.full.chunksInUse, 1000);
  assert.equal(r.full.pages, Math.ceil(1000 / (r.full.pageSize / 16)));
  assert.equal(r.freed.chunksInUse, 0, 'every finalizer returned its chunk');
  assert.equal(r.freed.bytesInUse, 0);
  assert.equal(r.freed.pages, 1, 'one empty page kept for the class, the rest unmapped');
  assert.equal(r.freed.lockedPages, 1);
  assert.equal(r.reused.pages, 1, 'a page worth of keys fits the kept page: reused, not mapped anew');
  assert.equal(r.reused.chunksInUse, r.full.pageSize / 16);
  assert.equal(r.zero, true, 'the reused chunks held 0x5a before and are zero now');
});

test("a worker's secure buffers go back to the pool when the worker ends", async () => {
  const worker = new Worker(workerHolding(100, 32), { eval: true });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  const during = secureMemoryStats();
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  await worker.terminate();
  await exited;
  const after = secureMemoryStats();
  // this process's own garbage may be collected meanwhile, so "at least the worker's 100 came back"
  assert.ok(after.chunksInUse <= during.chunksInUse - 100, `${during.chunksInUse} → ${after.chunksInUse}`);
});

test('a process ends cleanly holding secure buffers: natural exit, process.exit, and with a worker', async () => {
  const hold = `
    import { Worker } from 'node:worker_threads';
    import { allocSecure } from ${JSON.stringify(SECURE)};
    globalThis.keys = Array.from({ length: 500 }, (_, i) => allocSecure(16 + (i % 64)).fill(7));`;
  const endings = {
    natural: `${hold}\nconsole.log('held');`,
    exit: `${hold}\nconsole.log('held'); process.exit(0);`,
    worker: `${hold}
      const w = new Worker(${JSON.stringify(workerHolding(500, 16))}, { eval: true, execArgv: [] }); // not --input-type=module
      w.once('message', () => { console.log('held'); process.exit(0); });`,
  };
  for (const [how, code] of Object.entries(endings)) {
    const r = await runNode(code);
    assert.deepEqual([r.status, r.signal, r.stdout.trim(), r.stderr], [0, null, 'held', ''], how);
  }
});

test('not built: secureMemoryAvailable() is false and allocSecure names the fix', async () => {
  const code = `
    import { allocSecure, secureMemoryAvailable } from ${JSON.stringify(SECURE)};
    let error = null;
    try { allocSecure(16); } catch (e) { error = { name: e.name, code: e.code, message: e.message }; }
    console.log(JSON.stringify({ available: secureMemoryAvailable(), error }));`;
  const out = childJson<{ available: boolean; error: { name: string; code: string; message: string } | null }>(
    await runNode(code, { env: { ...process.env, BCASTD_NATIVE_ADDON: '/nonexistent/bcastd_native.node' } }),
  );
  assert.equal(out.available, false);
  assert.equal(out.error?.name, 'NativeAddonError');
  assert.equal(out.error?.code, 'ERR_BCASTD_NATIVE_MISSING');
  assert.match(out.error?.message ?? '', /not built: run npm rebuild/);
});

test('not on this platform: the missing secure-memory export is named', () => {
  const addon = new NativeAddon({}, '/x/bcastd_native.node');
  assert.equal(addon.has('secureAlloc'), false);
  assert.throws(
    () => addon.get('secureAlloc'),
    (err: unknown) => err instanceof NativeAddonError && err.code === 'ERR_BCASTD_NATIVE_UNSUPPORTED' && err.message.includes('secureAlloc is not available'),
  );
});

test('Secret on secure memory: locked bytes, still prints [secret], wipe zeroes them; null restores plain buffers', () => {
  const key = Buffer.from('465b5ce8b199b49faa5f0a2ee238a6bc', 'hex');
  Secret.setAllocator(secureAllocator());
  try {
    const before = secureMemoryStats().chunksInUse;
    const s = new Secret(key);
    assert.equal(secureMemoryStats().chunksInUse, before + 1);
    const held = s.reveal();
    assert.equal(isSecureLocked(held), true);
    assert.equal(held.toString('hex'), key.toString('hex'));
    assert.equal(s.length, 16);
    for (const shown of [inspect(s), String(s), JSON.stringify(s), `${s}`]) assert.ok(shown.includes('[secret]') && !shown.includes('465b'), shown);
    s.wipe();
    assert.ok(isZero(held), 'the locked chunk itself is zeroed');
    assert.throws(() => s.reveal(), /wiped/);
    assert.equal(s.length, 16);
  } finally {
    Secret.setAllocator(null);
  }
  const plain = new Secret(key).reveal();
  assert.equal(isSecureLocked(plain), false);
  assert.equal(plain.toString('hex'), key.toString('hex'));
});
