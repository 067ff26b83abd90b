// The board-config and state-file validators are ajv's code generated at build time (scripts/gen-validators.mjs),
// so the daemon loads no schema compiler at start: the committed files must be what the schemas generate, and
// the parts the generated code reaches outside itself (the format functions, ajv's runtime helpers) must work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseBoardConfig } from '../../../src/daemon/config/index.js';
import { ConfigError } from '../../../src/daemon/config/errors.js';
import { parseState, serializeState, defaultState } from '../../../src/store/state-schema.js';
import { repoRoot } from '../../helpers/repo.js';

test('scripts/gen-validators.mjs --check: the generated validators are up to date with their schemas', () => {
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'gen-validators.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /board-validator\.generated\.ts is up to date/);
  assert.match(r.stdout, /state-validator\.generated\.ts is up to date/);
});

const BASE = 'board:\n  name: Test Board\nmodem:\n  profile: generic\n  port: /dev/ttyUSB2\nnetwork:\n  bsmFqdn: bsm.operator.example\n';
const problem = (text: string): string => {
  try {
    parseBoardConfig(text, 'x.yaml');
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  return 'valid';
};

test('board config: each format the schema names is checked by its function (board-formats.ts)', () => {
  assert.equal(problem(BASE), 'valid');
  assert.match(problem(`${BASE}card:\n  readerPattern: "(unclosed"\n`), /readerPattern must be a valid regular expression/);
  assert.equal(problem(`${BASE}card:\n  readerPattern: "^Virtual"\n`), 'valid');
  assert.match(problem(BASE.replace('bsm.operator.example\n', 'bsm.operator.example\n  bsmUrl: "http://["\n')), /bsmUrl must be an http:\/\/ or https:\/\/ URL/);
  assert.equal(problem(`${BASE}  ltkmBind: 10.1.2.3\n`), 'valid');
  assert.equal(problem(`${BASE}  ltkmBind: "fe80::1"\n`), 'valid');
  assert.match(problem(`${BASE}  ltkmBind: 10.1.2.300\n`), /ltkmBind must be "pdp", "loopback" or an IP address/);
});

test("board config: string lengths go through ajv's ucs2length helper (counted in code points)", () => {
  assert.match(problem(BASE.replace('Test Board', '""')), /\/board\/name must not be empty/);
  // 64 emoji are 128 UTF-16 units but 64 characters: within maxLength 64 only when counted as ajv's helper does.
  assert.equal(problem(BASE.replace('Test Board', '😀'.repeat(64))), 'valid');
  assert.match(problem(BASE.replace('Test Board', '😀'.repeat(65))), /\/board\/name must be at most 64 characters long/);
});

test('board config: defaults are filled in by the generated validator (useDefaults)', () => {
  const c = parseBoardConfig(BASE, 'x.yaml');
  assert.equal(typeof c.network.httpTimeoutMs, 'number');
  assert.equal(typeof c.mqtt.healthIntervalMs, 'number');
});

test('state file: the generated validator accepts a valid state and refuses an unknown field', () => {
  const ok = serializeState(defaultState());
  assert.deepEqual(parseState(ok), defaultState());
  const bad = JSON.parse(ok) as Record<string, unknown>;
  bad['surprise'] = 1;
  assert.throws(() => parseState(JSON.stringify(bad)), /unknown field "surprise"/);
});
