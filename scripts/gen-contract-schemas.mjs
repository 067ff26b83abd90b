#!/usr/bin/env node
// Writes docs/schema/events.json and docs/schema/topics.json from the compiled contract tables (EVENT_TABLE in
// src/terminal/events.ts, TOPIC_TABLE in src/mqtt/topics.ts, the state payloads in src/daemon/state-topics.ts),
// for player vendors and dashboards. Build first: `npx tsc -p tsconfig.json`.
// `--check` writes nothing and exits 1 when a committed file differs.
import { loadBuilt, writeGenerated } from './lib/generated.mjs';

const mod = await loadBuilt('gen-contract-schemas', 'dist/src/daemon/contract-schemas.js');
writeGenerated('gen-contract-schemas', [
  ['docs/schema/events.json', mod.renderEventsSchemaJson()],
  ['docs/schema/topics.json', mod.renderTopicsSchemaJson()],
]);
