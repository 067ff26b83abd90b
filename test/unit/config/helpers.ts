/** Shared by the config tests: where the repo is, and "this must throw a ConfigError". */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ConfigError } from '../../../src/daemon/config/index.js';
import { repoRoot } from '../../helpers/repo.js';


export const REPO_ROOT = repoRoot;
export const BOARD_DIR = join(REPO_ROOT, 'board-configs');

export function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  assert.fail('expected a ConfigError, nothing was thrown');
}
