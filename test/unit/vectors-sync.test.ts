// The repo carries a copy of the shared vectors so a clean checkout tests on its own. When the shared folder is
// beside the checkout (developer machines, CI), the copy must be identical — a drift fails here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { repoRoot, vectorsDir } from '../helpers/repo.js';

const shared = join(repoRoot, '..', 'shared', 'vectors');

test('the vector copies are readable: JSON parses, the PDU table has rows', () => {
  const names = readdirSync(vectorsDir).sort();
  assert.deepEqual(names, ['crypto.json', 'milenage.json', 'sms-pdus.tsv', 'solicited-pull.json']);
  for (const name of names.filter((n) => n.endsWith('.json'))) JSON.parse(readFileSync(join(vectorsDir, name), 'utf8'));
  const rows = readFileSync(join(vectorsDir, 'sms-pdus.tsv'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  assert.ok(rows.length >= 14 && rows.every((r) => r.split('\t').length === 3));
});

test('test/vectors equals ../shared/vectors byte for byte when it is beside the checkout', () => {
  // A checkout on its own (e.g. a tarball) has nothing to compare against; the test above still reads the copies.
  if (!existsSync(shared)) return;
  for (const name of readdirSync(shared).sort()) {
    const ours = join(vectorsDir, name);
    assert.ok(existsSync(ours), `test/vectors/${name} is missing: copy it from ../shared/vectors`);
    assert.ok(readFileSync(ours).equals(readFileSync(join(shared, name))), `test/vectors/${name} differs from ../shared/vectors/${name}`);
  }
});
