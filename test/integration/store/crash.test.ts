// SIGKILL a process that is writing its state file as fast as it can, at random moments, again and
// again: the file must always parse and validate, the next start must never need to recover, progress
// must never go backwards, and temp files of the killed writers must be cleaned up.
// SIGKILL leaves the page cache intact, so this proves atomicity against process death; durability
// against power loss rests on the fsync order checked in test/unit/store/atomic-file.test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { parseState } from '../../../src/store/state-schema.js';
import { StateStore } from '../../../src/store/state-store.js';

process.on('unhandledRejection', (err) => {
  throw err;
});

const child = fileURLToPath(new URL('./crash-child.js', import.meta.url));
const ROUNDS = 30;

function progress(text: string): number {
  return Number(parseState(text).registration.services[0]?.split(':').pop() ?? 0);
}

test(`SIGKILL during heavy state writes, ${ROUNDS} times: the file is always whole and valid`, { timeout: 55_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bcastd-crash-'));
  try {
    let last = 0;
    let tempsSeen = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const p = spawn(process.execPath, [child, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      p.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
      p.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
      while (!out.includes('\n') && p.exitCode === null) await sleep(2);
      assert.equal(p.exitCode, null, `child died by itself: ${out} ${err}`);
      const hello = JSON.parse(out.split('\n')[0]!) as { source: string; from: number };
      assert.notEqual(hello.source, 'recovered', `round ${round}: the previous kill left an unusable file`);
      if (round > 0) assert.equal(hello.source, 'file');
      assert.ok(hello.from > last, `round ${round}: progress went back (${hello.from} after ${last})`);
      await sleep(Math.random() * 40);
      p.kill('SIGKILL');
      await once(p, 'exit');
      const text = await readFile(join(dir, 'state.json'), 'utf8');
      const now = progress(text); // throws if torn or invalid
      assert.ok(now >= last, `round ${round}: ${now} < ${last}`);
      last = now;
      tempsSeen += (await readdir(dir)).filter((n) => n.startsWith('.state.json.tmp-')).length;
    }
    // A normal start after the last kill: loads the file, removes what the killed writer left.
    const store = new StateStore({ dir, logger: pino({ level: 'silent' }) });
    const r = await store.load();
    assert.equal(r.source, 'file');
    assert.equal(store.counters.corrupt, 0);
    assert.deepEqual(await readdir(dir), ['state.json']);
    assert.ok(last > ROUNDS, `the children wrote (progress ${last})`);
    process.stdout.write(`# ${ROUNDS} kills, progress ${last}, temp files left by killed writers: ${tempsSeen}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
