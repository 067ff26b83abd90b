#!/usr/bin/env node
// `npm run bench`: runs every compiled benchmark under dist/bench/ one after another (they share the two
// cores, so never in parallel). Each prints JSON lines with its figures; none fails on time.
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = join(root, 'dist', 'bench');
const only = process.argv.slice(2);
const files = existsSync(dir)
  ? readdirSync(dir).filter((f) => f.endsWith('.bench.js') && (only.length === 0 || only.some((o) => f.includes(o)))).sort()
  : [];
if (files.length === 0) {
  console.error('no benchmark found under dist/bench');
  process.exit(1);
}
let status = 0;
for (const f of files) {
  const r = spawnSync(process.execPath, ['--expose-gc', join(dir, f)], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) status = r.status ?? 1;
}
process.exit(status);
