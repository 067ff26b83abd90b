// The layer picture of DESIGN.md ("imports point down only"), checked on every import of every src file:
// static, type-only, re-exports and dynamic import(). An upward arrow fails with file:line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { repoRoot } from '../../helpers/repo.js';

const ADAPTERS = ['modem', 'card', 'gba', 'bsm', 'mqtt', 'store'] as const;
const PURE = ['codec', 'crypto', 'util'];

/** Which top-level src folders each folder may import (itself always). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  // "codec/ and crypto/ import nothing else of the project."
  codec: [],
  crypto: [],
  // "small primitives used by every adapter, written once": below every adapter, above nothing.
  util: [],
  // The N-API wrapper: the operating system, nothing of the project.
  native: [],
  // Adapters implement ports; they sit below terminal, daemon and cli. The BSM client authenticates with
  // the GBA session and rides the Ub HTTP transport (DESIGN: "BSM HTTP client" over GBA), the one sideways arrow.
  ...Object.fromEntries(ADAPTERS.map((a) => [a, [...PURE, 'native', ...(a === 'bsm' ? ['gba'] : [])]])),
  // "talks only to ports (interfaces) it defines"; "terminal/ never imports an adapter".
  terminal: PURE,
  // "uses codec+crypto, never terminal/daemon" (+ util, and native for the modem's pseudo-terminal).
  sim: [...PURE, 'native'],
  // Wiring: everything below it.
  daemon: [...PURE, 'native', ...ADAPTERS, 'terminal', 'sim'],
  cli: [...PURE, 'native', ...ADAPTERS, 'terminal', 'sim', 'daemon'],
};

const srcRoot = join(repoRoot, 'src');

function* tsFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* tsFiles(p);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) yield p;
  }
}

const layerOf = (file: string) => relative(srcRoot, file).split(sep)[0]!;

/** `… from '…'` (import, import type, export … from), side-effect `import '…'`, and `import('…')`. */
const IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*(['"])([^'"\n]+)\1/g;

/** The source with comments blanked (newlines kept, so line numbers hold): a doc example is no import. */
function withoutComments(src: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quote) {
      out += c;
      if (c === '\\') out += src[++i] ?? '';
      else if (c === quote) quote = null;
    } else if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      const body = src.slice(i, end < 0 ? src.length : end + 2);
      out += body.replace(/[^\n]/g, ' ');
      i += body.length - 1;
    } else {
      if (c === "'" || c === '"' || c === '`') quote = c;
      out += c;
    }
  }
  return out;
}

interface Arrow {
  from: string;
  line: number;
  spec: string;
  to: string;
}

function arrows(): Arrow[] {
  const out: Arrow[] = [];
  for (const file of tsFiles(srcRoot)) {
    const text = withoutComments(readFileSync(file, 'utf8'));
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[2]!;
      if (!spec.startsWith('.')) continue;
      const rel = relative(srcRoot, resolve(dirname(file), spec));
      const to = rel.startsWith('..') ? '<outside src>' : rel.split(sep)[0]!;
      const line = text.slice(0, m.index).split('\n').length;
      out.push({ from: file, line, spec, to });
    }
  }
  return out;
}

test('every src folder is a known layer', () => {
  const layers = new Set([...tsFiles(srcRoot)].map(layerOf).filter((l) => !l.endsWith('.ts')));
  for (const l of layers) assert.ok(l in MAY_IMPORT, `src/${l}/ has no place in the layer rules`);
});

test('imports point down only (DESIGN.md layers)', () => {
  const all = arrows();
  assert.ok(all.length > 500, `parsed ${all.length} imports: the walk missed the tree`);
  const bad = all
    .filter((a) => {
      const from = layerOf(a.from);
      return a.to !== from && !MAY_IMPORT[from]?.includes(a.to);
    })
    .map((a) => `${relative(repoRoot, a.from)}:${a.line}: ${layerOf(a.from)} → ${a.to} ('${a.spec}')`);
  assert.deepEqual(bad, [], `upward or forbidden imports:\n${bad.join('\n')}`);
});

test('the rule table catches an upward arrow (self-check)', () => {
  assert.ok(!MAY_IMPORT['modem']!.includes('daemon'));
  assert.ok(!MAY_IMPORT['terminal']!.includes('mqtt'));
  assert.ok(!MAY_IMPORT['sim']!.includes('gba'));
  assert.ok(!MAY_IMPORT['codec']!.includes('util'));
});
