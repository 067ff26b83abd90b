import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { removeStaleTemps, STATE_FILE_MODE, writeFileAtomic } from '../../../src/store/atomic-file.js';
import { recordingFs, withTempDir } from './helpers.js';

test('order on the real file system: temp in the same dir → write → fsync → close → rename → fsync dir', async () => {
  await withTempDir(async (dir) => {
    const target = join(dir, 'state.json');
    const fs = recordingFs();
    await writeFileAtomic(target, '{"a":1}\n', fs);
    const tmp = fs.calls[0]!.path;
    assert.equal(dirname(tmp), dir, 'rename is only atomic within one directory / file system');
    assert.notEqual(tmp, target);
    assert.deepEqual(
      fs.calls.map((c) => [c.op, c.path, c.to ?? null, c.flags ?? null]),
      [
        ['open', tmp, null, 'wx'],
        ['writeFile', tmp, null, null],
        ['sync', tmp, null, null],
        ['close', tmp, null, null],
        ['rename', tmp, target, null],
        ['open', dir, null, 'r'],
        ['sync', dir, null, null],
        ['close', dir, null, null],
      ],
    );
    assert.equal(fs.calls[0]!.mode, STATE_FILE_MODE);
    assert.equal(await readFile(target, 'utf8'), '{"a":1}\n');
    assert.equal((await stat(target)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(dir), ['state.json'], 'no temp file left');
  });
});

test('each write uses a fresh temp name; replacing keeps mode 0600 even over a looser file', async () => {
  await withTempDir(async (dir) => {
    const target = join(dir, 'state.json');
    await writeFile(target, 'old', { mode: 0o644 });
    const fs = recordingFs();
    await writeFileAtomic(target, 'one', fs);
    await writeFileAtomic(target, 'two', fs);
    const temps = fs.calls.filter((c) => c.op === 'rename').map((c) => c.path);
    assert.equal(new Set(temps).size, 2);
    assert.equal(await readFile(target, 'utf8'), 'two');
    assert.equal((await stat(target)).mode & 0o777, 0o600);
  });
});

test('a failed write (ENOSPC on write, EACCES on rename) leaves the old file and no temp behind', async () => {
  for (const [op, code] of [['writeFile', 'ENOSPC'], ['sync', 'EIO'], ['rename', 'EACCES']] as const) {
    await withTempDir(async (dir) => {
      const target = join(dir, 'state.json');
      await writeFile(target, 'old');
      const fs = recordingFs();
      fs.fail(op, code, 1);
      await assert.rejects(writeFileAtomic(target, 'new', fs), (e: NodeJS.ErrnoException) => e.code === code);
      assert.equal(await readFile(target, 'utf8'), 'old');
      assert.deepEqual(await readdir(dir), ['state.json'], `${op}: temp removed`);
      assert.ok(!fs.calls.some((c) => c.op === 'rename' && c.to === target && op !== 'rename'), 'never renamed after a failure');
    });
  }
});

test('stale temp files of this target are removed; other files are not', async () => {
  await withTempDir(async (dir) => {
    const target = join(dir, 'state.json');
    const stale = ['.state.json.tmp-123-abcdef', '.state.json.tmp-999-000000'];
    const keep = ['state.json', 'state.json.corrupt-2024-01-01T00-00-00-000Z', '.other.json.tmp-1-aa', 'notes.txt'];
    for (const n of [...stale, ...keep]) await writeFile(join(dir, n), 'x');
    assert.deepEqual((await removeStaleTemps(target)).sort(), stale.sort());
    assert.deepEqual((await readdir(dir)).sort(), keep.sort());
    assert.deepEqual(await removeStaleTemps(join(dir, 'missing', 'state.json')), []);
  });
});
