#!/usr/bin/env node
// Writes board-configs/schema.json from the compiled TypeBox schema, the one definition of the board
// config (src/daemon/config/schema.ts). Build first: `npx tsc -p tsconfig.json`.
// `--check` writes nothing and exits 1 when the committed file differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('..', import.meta.url);
const out = fileURLToPath(new URL('board-configs/schema.json', root));
let renderSchemaJson;
try {
  ({ renderSchemaJson } = await import(new URL('dist/src/daemon/config/schema.js', root).href));
} catch (e) {
  console.error(`gen-schema: cannot load dist/src/daemon/config/schema.js (${e.code ?? e.message}); run npx tsc -p tsconfig.json first`);
  process.exit(1);
}
const text = renderSchemaJson();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(out, 'utf8');
  } catch {}
  if (current !== text) {
    console.error('gen-schema: board-configs/schema.json is out of date; run node scripts/gen-schema.mjs');
    process.exit(1);
  }
  console.log('gen-schema: board-configs/schema.json is up to date');
} else {
  writeFileSync(out, text);
  console.log(`gen-schema: wrote ${out}`);
}
