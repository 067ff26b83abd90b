// What the generators (gen-schema, gen-contract-schemas, gen-validators) share: loading what they render from
// the compiled tree, and writing their files, or with `--check` writing nothing and exiting 1 when a committed
// file differs from what would be written.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = new URL('../..', import.meta.url);

/** A module of dist/, or exit 1 saying to build first. */
export async function loadBuilt(tool, rel) {
  try {
    return await import(new URL(rel, root).href);
  } catch (e) {
    console.error(`${tool}: cannot load ${rel} (${e.code ?? e.message}); run npx tsc -p tsconfig.json first`);
    process.exit(1);
  }
}

/** Writes [repo-relative path, text] pairs (or checks them with --check); exits 1 when a checked file is stale. */
export function writeGenerated(tool, files) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [rel, text] of files) {
    const out = fileURLToPath(new URL(rel, root));
    if (check) {
      let current = '';
      try {
        current = readFileSync(out, 'utf8');
      } catch {}
      if (current === text) console.log(`${tool}: ${rel} is up to date`);
      else {
        console.error(`${tool}: ${rel} is out of date; run node scripts/${tool}.mjs`);
        stale++;
      }
    } else {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, text);
      console.log(`${tool}: wrote ${rel}`);
    }
  }
  if (stale > 0) process.exit(1);
}
