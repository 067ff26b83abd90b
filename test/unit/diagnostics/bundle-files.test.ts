// The bcastctl side of diagnostics without a broker: bundle file names, the file set of a collection, the final
// masking pass, the default archive name, and what `bcastctl log-level` prints.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extract } from 'tar';
import { bundleBaseName, bundleFiles, changeLines, levelLines, maskFile, utcStamp, writeBundle, type BundleCollection } from '../../../src/cli/bundle/index.js';

const AT = new Date('2025-03-01T10:04:05.678Z');

function collection(over: Partial<BundleCollection> = {}): BundleCollection {
  return {
    createdAt: AT,
    deviceId: 'rpi-7',
    board: 'rpi4',
    broker: 'mqtt://127.0.0.1:1883',
    diagnostics: { version: { bcastd: '0.1.0', node: 'v20.0.0' }, configJson: '{}', logs: { lines: ['a'], returned: 1 }, counters: { x: 1 } },
    config: { source: 'the running daemon', value: { mqtt: { url: 'mqtt://127.0.0.1:1883' } } },
    topics: { status: { state: 'online' }, card: { imsi: '001010123456789' } },
    counters: { source: 'the daemon (diagnostics)', value: { x: 1 } },
    runtime: null,
    logs: ['{"msg":"IMSI 001010123456789"}', 'plain password=hunter2'],
    bcastctl: { version: '0.1.0', node: 'v20.0.0', platform: 'linux', arch: 'x64' },
    problems: [],
    ...over,
  };
}

test('names: UTC stamp without separators, device id made file-safe', () => {
  assert.equal(utcStamp(AT), '20250301T100405Z');
  assert.equal(bundleBaseName('rpi-7', AT), 'bcastd-bundle-rpi-7-20250301T100405Z');
  assert.equal(bundleBaseName('a/b c', AT), 'bcastd-bundle-a-b-c-20250301T100405Z');
});

test('the file set: diagnostics without what has its own file; runtime.json only when there is one', () => {
  const names = bundleFiles(collection()).map((f) => f.name);
  assert.deepEqual(names, ['README.txt', 'diagnostics.json', 'config.redacted.json', 'logs.txt', 'topics.json', 'counters.json', 'versions.json']);
  const diag = JSON.parse(bundleFiles(collection()).find((f) => f.name === 'diagnostics.json')!.content) as Record<string, unknown>;
  assert.deepEqual(diag, { version: { bcastd: '0.1.0', node: 'v20.0.0' }, config: 'see config.redacted.json', logs: { lines: 'see logs.txt', returned: 1 }, counters: { x: 1 } });
  assert.ok(bundleFiles(collection({ runtime: { pid: 1 } })).some((f) => f.name === 'runtime.json'));
});

test('the final pass masks every file and keeps JSON files JSON', () => {
  const masked = bundleFiles(collection()).map(maskFile);
  const byName = new Map(masked.map((f) => [f.name, f.content]));
  assert.equal(byName.get('logs.txt'), '{"msg":"IMSI 0010…6789"}\nplain password=***\n');
  assert.deepEqual((JSON.parse(byName.get('topics.json')!) as { topics: unknown }).topics, { status: { state: 'online' }, card: { imsi: '0010…6789' } });
  for (const f of masked) {
    assert.ok(!f.content.includes('001010123456789') && !f.content.includes('hunter2'), f.name);
    if (f.name.endsWith('.json')) assert.doesNotThrow(() => JSON.parse(f.content), f.name);
    assert.deepEqual(maskFile(f), f, `masking ${f.name} again changes nothing`);
  }
});

test('writeBundle without -o: bcastd-bundle-<device>-<UTC stamp>.tar.gz in the working directory', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bcastd-bundle-unit-'));
  try {
    const w = await writeBundle(collection({ problems: ['no runtime file'] }), undefined, dir);
    assert.equal(w.path, join(dir, 'bcastd-bundle-rpi-7-20250301T100405Z.tar.gz'));
    assert.deepEqual(await readdir(dir), ['bcastd-bundle-rpi-7-20250301T100405Z.tar.gz']);
    assert.ok(w.bytes > 0);
    await extract({ file: w.path, cwd: dir });
    const readme = await readFile(join(dir, 'bcastd-bundle-rpi-7-20250301T100405Z', 'README.txt'), 'utf8');
    assert.match(readme, /Created: +2025-03-01T10:04:05\.678Z/);
    assert.match(readme, /Device: +rpi-7 \(board rpi4\)/);
    assert.match(readme, /- no runtime file/);
    assert.deepEqual(w.files.map((f) => f.name.split('/')[1]), bundleFiles(collection()).map((f) => f.name));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('log-level output: one line per component with the board level and a pending revert; changes and the reminder', () => {
  const levels = {
    modem: { level: 'trace', configured: 'info', revert: { to: 'info', at: '2025-03-01T10:09:05.000Z' } },
    card: { level: 'info', configured: 'info' },
    sim: { level: 'warn', configured: 'debug' },
  };
  assert.deepEqual(levelLines(levels), ['card      info', 'modem     trace   (board config: info; back to info at 10:09:05Z)', 'sim       warn    (board config: debug)']);
  assert.deepEqual(levelLines(levels, 'card'), ['card      info']);
  assert.deepEqual(changeLines([{ component: 'modem', from: 'info', to: 'trace', revertsAt: '2025-03-01T10:09:05.000Z' }, { component: 'card', from: 'info', to: 'debug' }]), [
    'modem: info -> trace until 10:09:05Z',
    'card: info -> debug',
    'not persisted: a restart returns to the board config',
  ]);
});
