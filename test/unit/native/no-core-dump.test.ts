// Loading the addon makes the process non-dumpable: a forced crash (SIGABRT with `ulimit -c unlimited`) writes
// no core file, so the key bytes it held cannot end up in one. The control run without the addon dumps a core
// that does hold the bytes (the check can fail), when the kernel writes cores to the working directory at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { srcModule } from './node-child.js';

const MARKER = 'b7e151628aed2a6abf7158809cf4f3c7';
const corePattern = (() => {
  try {
    return readFileSync('/proc/sys/kernel/core_pattern', 'utf8').trim();
  } catch {
    return '';
  }
})();
const coresHere = /^core(\.%p)?$/.test(corePattern);

function crash(loadAddon: boolean): Promise<{ dir: string; cores: string[]; signal: string | null }> {
  const dir = mkdtempSync(join(tmpdir(), 'bcastd-core-'));
  const code = [
    loadAddon ? `const n = await import(${JSON.stringify(srcModule('native/index.js'))}); if (n.protectFromDumps() !== true) process.exit(3);` : '',
    // A key as the daemon holds it: in a Buffer (locked pool or not, its bytes are in the process image).
    `const key = Buffer.from(${JSON.stringify(MARKER)}, 'hex'); globalThis.keep = [key, Buffer.concat([key, key])];`,
    'process.abort();',
  ].join('\n');
  return new Promise((resolve) => {
    execFile('prlimit', ['--core=unlimited', process.execPath, '--input-type=module', '-e', code], { cwd: dir, timeout: 60_000 }, (err) => {
      const signal = (err as { signal?: string } | null)?.signal ?? null;
      resolve({ dir, cores: readdirSync(dir).filter((f) => f.startsWith('core')), signal });
    });
  });
}

test('with the addon loaded, SIGABRT under ulimit -c unlimited leaves no core file (no key bytes in one)', { skip: coresHere ? false : `core_pattern is "${corePattern}", not a file in the working dir` }, async () => {
  const control = await crash(false);
  try {
    assert.equal(control.signal, 'SIGABRT');
    assert.equal(control.cores.length, 1, 'without the addon the kernel writes a core (the check below can fail)');
    assert.ok(readFileSync(join(control.dir, control.cores[0]!)).includes(Buffer.from(MARKER, 'hex')), 'and that core holds the key bytes');
  } finally {
    rmSync(control.dir, { recursive: true, force: true });
  }
  const guarded = await crash(true);
  try {
    assert.equal(guarded.signal, 'SIGABRT', 'it did crash');
    assert.deepEqual(guarded.cores, [], 'no core file');
  } finally {
    rmSync(guarded.dir, { recursive: true, force: true });
  }
});
