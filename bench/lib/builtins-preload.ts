/**
 * Preloaded into a spawned bcastd (`NODE_OPTIONS=--import <this file>`) to learn what Node itself holds for it:
 * on SIGUSR2 (a signal bcastd does not use) writes `<BENCH_BUILTINS_DIR>/bcastd-<pid>.json` — the node executable,
 * its options and the built-in modules loaded so far — for bench/lib/rss-floor.ts to start a bare node like it.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env['BENCH_BUILTINS_DIR'];
if (dir) {
  process.on('SIGUSR2', () => {
    // Entries read 'NativeModule net', 'NativeModule internal/…', 'Internal Binding …'.
    const loaded = (process as unknown as { moduleLoadList: string[] }).moduleLoadList;
    const builtins = loaded.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length));
    const file = join(dir, `bcastd-${process.pid}.json`);
    // Whole or not at all: the bench polls for the name.
    writeFileSync(`${file}.tmp`, JSON.stringify({ execPath: process.execPath, execArgv: process.execArgv, builtins }));
    renameSync(`${file}.tmp`, file);
  });
}
