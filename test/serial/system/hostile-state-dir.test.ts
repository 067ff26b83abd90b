// Issue 13, item 3, through the real daemon: a state dir it does not own alone is refused with one clear line,
// and a symlink planted in it never redirects a write (the target stays untouched).
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { SystemRig } from './harness.js';

const NOBODY = 65534;

/** A dir holding a victim file and a state dir whose sim-at-log.jsonl points at it. */
function plant(t: { after: (f: () => void) => void }, prepare: (stateDir: string) => void): { stateDir: string; victim: string } {
  const base = mkdtempSync(join(tmpdir(), 'bcastd-hostile-dir-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const victim = join(base, 'victim.conf');
  writeFileSync(victim, 'precious\n', { mode: 0o644 });
  const stateDir = join(base, 'state');
  mkdirSync(stateDir, { mode: 0o700 });
  symlinkSync(victim, join(stateDir, 'sim-at-log.jsonl'));
  prepare(stateDir);
  return { stateDir, victim };
}

async function refused(t: TestContext, stateDir: string): Promise<string> {
  const err = await SystemRig.start(t, { overrides: { stateDir } }).then(
    () => null,
    (e: unknown) => e as Error,
  );
  assert.ok(err !== null, 'the daemon started on an unsafe state dir');
  return err.message;
}

test('a state dir owned by another user is refused; the planted symlink target is untouched', { timeout: 60_000, skip: process.getuid?.() !== 0 ? 'needs root to make a dir owned by another user' : false }, async (t) => {
  const { stateDir, victim } = plant(t, (d) => chownSync(d, NOBODY, NOBODY));
  const message = await refused(t, stateDir);
  assert.match(message, /state dir .* is not private \(owned by uid 65534/);
  assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
});

test('a world-writable (1777) state dir of ours is refused', { timeout: 60_000 }, async (t) => {
  const { stateDir, victim } = plant(t, (d) => chmodSync(d, 0o1777));
  const message = await refused(t, stateDir);
  assert.match(message, /is not private \(mode 1777 lets others write in it\)/);
  assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
});

test('a symlink inside a private state dir is not followed (O_NOFOLLOW)', { timeout: 60_000 }, async (t) => {
  const { stateDir, victim } = plant(t, () => undefined);
  const message = await refused(t, stateDir);
  assert.match(message, /ELOOP|symbolic link/);
  assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
});
