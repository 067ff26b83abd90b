#!/usr/bin/env node
// Writes docs/schema/events.json and docs/schema/topics.json from the compiled contract tables (EVENT_TABLE in
// src/terminal/events.ts, TOPIC_TABLE in src/mqtt/topics.ts, the state payloads in src/daemon/state-topics.ts),
// for player vendors and dashboards. Build first: `npx tsc -p tsconfig.json`.
// `--check` writes nothing and exits 1 when a committed file differs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('..', import.meta.url);
let mod;
try {
  mod = await import(new URL('dist/src/daemon/contract-schemas.js', root).href);
} catch (e) {
  console.error(`gen-contract-schemas: cannot load dist/src/daemon/contract-schemas.js (${e.code ?? e.message}); run npx tsc -p tsconfig.json first`);
  process.exit(1);
}
const files = [
  ['docs/schema/events.json', mod.renderEventsSchemaJson()],
  ['docs/schema/topics.json', mod.renderTopicsSchemaJson()],
];
const check = process.argv.includes('--check');
let stale = 0;
for (const [rel, text] of files) {
  const out = fileURLToPath(new URL(rel, root));
  if (check) {
    let current = '';
    try {
      current = readFileSync(out, 'utf8');
    } catch {}
    if (current === text) console.log(`gen-contract-schemas: ${rel} is up to date`);
    else {
      console.error(`gen-contract-schemas: ${rel} is out of date; run node scripts/gen-contract-schemas.mjs`);
      stale++;
    }
  } else {
    mkdirSync(fileURLToPath(new URL('docs/schema/', root)), { recursive: true });
    writeFileSync(out, text);
    console.log(`gen-contract-schemas: wrote ${out}`);
  }
}
if (stale > 0) process.exit(1);
