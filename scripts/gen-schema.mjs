#!/usr/bin/env node
// Writes board-configs/schema.json from the compiled TypeBox schema, the one definition of the board
// config (src/daemon/config/schema.ts). Build first: `npx tsc -p tsconfig.json`.
// `--check` writes nothing and exits 1 when the committed file differs.
import { loadBuilt, writeGenerated } from './lib/generated.mjs';

const { renderSchemaJson } = await loadBuilt('gen-schema', 'dist/src/daemon/config/schema.js');
writeGenerated('gen-schema', [['board-configs/schema.json', renderSchemaJson()]]);
