import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packageVersion } from '../../../src/daemon/version.js';
import { repoRoot } from '../../helpers/repo.js';

test('the info topic reports the package version', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  assert.match(pkg.version, /^\d+\.\d+\.\d+/);
  assert.equal(packageVersion(), pkg.version);
});
