import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreError } from '../../../src/store/errors.js';
import { defaultState, parseState, serializeState } from '../../../src/store/state-schema.js';
import { StateStore, type WriteInfo } from '../../../src/store/state-store.js';
import { captureLogger, recordingFs, sampleState, withTempDir } from './helpers.js';

function store(dir: string, extra: Partial<ConstructorParameters<typeof StateStore>[0]> = {}) {
  const { logger, lines } = captureLogger();
  return { s: new StateStore({ dir, logger, minIntervalMs: 0, ...extra }), lines };
}

test('missing file → defaults; update + flush → a restart loads exactly that state', async () => {
  await withTempDir(async (root) => {
    const dir = join(root, 'nested', 'state'); // created on load
    const { s } = store(dir);
    const first = await s.load();
    assert.equal(first.source, 'defaults');
    assert.deepEqual(first.state, defaultState());
    s.update(() => sampleState());
    s.update((d) => {
      d.registration.services.push('urn:bcast:svc:film');
    });
    await s.flush();
    assert.equal(s.pending, false);
    assert.equal((await stat(s.path)).mode & 0o777, 0o600);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);

    const { s: again } = store(dir);
    const loaded = await again.load();
    assert.equal(loaded.source, 'file');
    const expected = sampleState();
    expected.registration.services.push('urn:bcast:svc:film');
    assert.deepEqual(loaded.state, expected);
  });
});

test('1000 updates in a burst → a handful of writes, the last state wins', async () => {
  await withTempDir(async (dir) => {
    const writes: WriteInfo[] = [];
    const { s } = store(dir, { minIntervalMs: 1000, onWrite: (w) => writes.push(w) });
    await s.load();
    for (let i = 0; i < 1000; i++) {
      s.update((d) => {
        d.registration.services = [`urn:svc:${i}`];
      });
    }
    await s.flush();
    assert.ok(s.counters.writes >= 1 && s.counters.writes <= 3, `writes=${s.counters.writes}`);
    assert.equal(s.counters.updates, 1000);
    assert.equal(s.counters.coalesced, 1000 - s.counters.writes);
    assert.equal(writes.length, s.counters.writes);
    assert.ok(writes.every((w) => w.bytes > 0 && w.durationMs >= 0));
    assert.deepEqual(parseState(await readFile(s.path, 'utf8')).registration.services, ['urn:svc:999']);
  });
});

test('sustained updates: writes start at least minIntervalMs apart, at most one in flight', async () => {
  await withTempDir(async (dir) => {
    const fs = recordingFs();
    const { s } = store(dir, { minIntervalMs: 150, fs });
    await s.load();
    const until = performance.now() + 700;
    let n = 0;
    while (performance.now() < until) {
      s.update((d) => {
        d.registration.services = [`urn:svc:${n++}`];
      });
      await sleep(2);
    }
    await s.flush();
    const starts = fs.calls.filter((c) => c.op === 'open' && c.flags === 'wx').map((c) => c.at);
    // ~700 ms at one write per 150 ms, plus the flush
    assert.ok(starts.length >= 2 && starts.length <= 7, `writes=${starts.length} for ${n} updates`);
    // all but the last gap (flush ignores the interval on purpose); 5 ms of slack: the interval is timed
    // from write() while `open` is recorded a moment later, and timers have 1 ms granularity
    for (let i = 1; i < starts.length - 1; i++) assert.ok(starts[i]! - starts[i - 1]! >= 145, `gap ${starts[i]! - starts[i - 1]!} ms`);
    // no write began before the previous one's directory fsync was closed
    let open = 0;
    for (const c of fs.calls) {
      if (c.op === 'open' && c.flags === 'wx') open++;
      if (c.op === 'close' && c.path === dir) open--;
      assert.ok(open <= 1, 'two writes in flight');
    }
    assert.deepEqual(parseState(await readFile(s.path, 'utf8')).registration.services, [`urn:svc:${n - 1}`]);
  });
});

test('corrupt or invalid file: kept aside, one error line, counted, defaults used, never a crash', async () => {
  const bad: [string, string, StoreError['code']][] = [
    ['truncated JSON', serializeState(sampleState()).slice(0, 57), 'corrupt'],
    ['garbage bytes', '\u0000\u0001\ufffd', 'corrupt'],
    ['schema violation', JSON.stringify({ ...sampleState(), keys: [{ keyDomainId: 'zz' }] }), 'invalid'],
    ['key material in the file', JSON.stringify({ ...sampleState(), gba: { ks: 'aa', btid: 'x', lifetime: '2024-01-01T00:00:00Z' } }), 'key-material'],
    ['a newer schema version', JSON.stringify({ ...sampleState(), version: 9 }), 'unsupported-version'],
  ];
  for (const [name, text, code] of bad) {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'state.json'), text);
      const { s, lines } = store(dir);
      const r = await s.load();
      assert.equal(r.source, 'recovered', name);
      assert.ok(r.error instanceof StoreError);
      assert.equal(r.error.code, code, name);
      assert.deepEqual(r.state, defaultState());
      assert.equal(s.counters.corrupt, 1);
      const errors = lines.filter((l) => l['level'] === 50);
      assert.equal(errors.length, 1, name);
      assert.equal(errors[0]!['component'], 'store');
      assert.equal(errors[0]!['code'], code);
      assert.ok(!JSON.stringify(lines).includes('bsf.mnc001'), 'state contents (B-TID) never logged');
      // the bad file is kept, byte for byte, beside the new one
      assert.match(r.keptAs ?? '', /state\.json\.corrupt-\d{4}-\d{2}-\d{2}T[\d-]+Z$/);
      assert.equal(await readFile(r.keptAs!, 'utf8'), text);
      s.update(() => sampleState());
      await s.flush();
      assert.deepEqual(parseState(await readFile(s.path, 'utf8')), sampleState());
      assert.equal((await readdir(dir)).length, 2, name);
    });
  }
});

test('a state dir left by a killed writer: stale temp files are removed at load', async () => {
  await withTempDir(async (dir) => {
    await writeFile(join(dir, 'state.json'), serializeState(sampleState()));
    await writeFile(join(dir, '.state.json.tmp-4242-0a0b0c0d0e0f'), '{"version":1,"regis');
    const { s, lines } = store(dir);
    const r = await s.load();
    assert.equal(r.source, 'file');
    assert.equal(r.staleTempsRemoved, 1);
    assert.deepEqual(await readdir(dir), ['state.json']);
    assert.equal(lines.filter((l) => l['msg'] === 'removed temp files of an interrupted state write').length, 1);
  });
});

test('key material offered through update() is refused, and the state is unchanged', async () => {
  await withTempDir(async (dir) => {
    const { s } = store(dir);
    await s.load();
    s.update(() => sampleState());
    await s.flush();
    const offers: ((d: any) => unknown)[] = [
      (d) => void (d.keys[0].msk = Buffer.alloc(16, 7)),
      (d) => void (d.keys[0].key = '00112233445566778899aabbccddeeff'),
      (d) => void (d.gba.ks = Buffer.alloc(32)),
      (d) => ({ ...d, keys: [{ ...d.keys[0], tek: 'ab'.repeat(16) }] }),
    ];
    for (const offer of offers) {
      assert.throws(() => s.update(offer as never), (e: unknown) => e instanceof StoreError && e.code === 'key-material');
    }
    assert.throws(() => s.update((d) => void ((d.keys[0] as any).mskId = 'nothex!!')), (e: unknown) => e instanceof StoreError && e.code === 'invalid');
    assert.equal(s.counters.rejected, 5);
    assert.equal(s.counters.updates, 1);
    assert.equal(s.pending, false, 'nothing was scheduled');
    assert.deepEqual(s.state, sampleState());
    assert.deepEqual(parseState(await readFile(s.path, 'utf8')), sampleState());
    // the committed state cannot be changed behind the store's back
    assert.throws(() => ((s.state.registration.services as string[]).push('x')), TypeError);
  });
});

test('ENOSPC then EACCES: typed error logged, state kept in memory, retried with capped backoff until it lands', async () => {
  await withTempDir(async (dir) => {
    const fs = recordingFs();
    const { s, lines } = store(dir, { fs, retryInitialMs: 20, retryMaxMs: 60 });
    await s.load();
    fs.fail('open', 'ENOSPC', 3);
    s.update(() => sampleState());
    while (s.counters.failures < 3) await sleep(5);
    assert.ok(s.lastWriteError instanceof StoreError);
    assert.equal(s.lastWriteError.code, 'write-failed');
    assert.equal(s.lastWriteError.errno, 'ENOSPC');
    fs.fail('rename', 'EACCES', 2);
    while (s.counters.writes < 1) await sleep(5);
    assert.equal(s.counters.failures, 5);
    assert.equal(s.lastWriteError, undefined);
    assert.deepEqual(parseState(await readFile(s.path, 'utf8')), sampleState());
    assert.deepEqual(await readdir(dir), ['state.json'], 'failed attempts left no temp file');

    const failed = lines.filter((l) => l['msg'] === 'state write failed: state kept in memory, retrying');
    assert.deepEqual(failed.map((l) => l['errno']), ['ENOSPC', 'ENOSPC', 'ENOSPC', 'EACCES', 'EACCES']);
    assert.deepEqual(failed.map((l) => l['retryInMs']), [20, 40, 60, 60, 60], 'doubling, capped');
    const starts = fs.calls.filter((c) => c.op === 'open' && c.flags === 'wx').map((c) => c.at);
    assert.equal(starts.length, 6);
    for (let i = 1; i < starts.length; i++) {
      const gap = starts[i]! - starts[i - 1]!;
      assert.ok(gap >= 19 && gap < 60 + 1000, `gap ${gap} ms after attempt ${i}`);
    }
  });
});

test('flush() during a failing disk rejects with the write error; close() refuses later updates', async () => {
  await withTempDir(async (dir) => {
    const fs = recordingFs();
    const { s } = store(dir, { fs, retryInitialMs: 10_000, retryMaxMs: 10_000 });
    await s.load();
    fs.fail('open', 'EACCES', 1);
    s.update(() => sampleState());
    await assert.rejects(s.flush(), (e: unknown) => e instanceof StoreError && e.code === 'write-failed' && e.errno === 'EACCES');
    assert.equal(s.pending, true, 'still owed to the disk');
    await s.close(); // disk is back: close writes despite the long backoff
    assert.equal(s.pending, false);
    assert.deepEqual(parseState(await readFile(s.path, 'utf8')), sampleState());
    assert.throws(() => s.update((d) => d), (e: unknown) => e instanceof StoreError && e.code === 'closed');
  });
});
