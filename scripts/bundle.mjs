#!/usr/bin/env node
// npm run bundle: dist-bundle/, the board build of bcastd (run `npm run build` first; bundles dist/src, not the
// TypeScript, so tsc stays the one compiler). One ES module per command (bcastd.js, bcastctl.js) plus the
// simulated world's child (sim-world-child.js, forked by path), with what is loaded only on demand (the
// simulator, the embedded broker, the daemon behind --version/--check-config) split into chunks beside them,
// imported when used. A start then reads a handful of files instead of ~600 modules resolved one by one.
// Left outside, resolved from node_modules at run time: native addons and the packages that load them
// (serialport, pcsclite) and the optional extras a board leaves out (aedes, pino-pretty).
import { build } from 'esbuild';
import { readFileSync, rmSync, statSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist-bundle');
const src = join(root, 'dist', 'src');

export const EXTERNAL = ['serialport', '@serialport/*', 'pcsclite', 'aedes', 'pino-pretty', '*.node'];

/**
 * Node's built-ins reached through require(), never an ES `import`: Node builds a built-in's ES module by reading
 * every export, which runs its lazy getters — on Node 24 `import … from 'node:http'` thereby loads undici (for
 * http.WebSocket), tls, http2 and zlib: 10.8 MB more resident than require('node:http') (46.3 → 57.1 MB in a bare
 * node with bcastd's V8 options); node:fs, node:util and node:process cost 2.6-3.8 MB each the same way (Node 20:
 * node:fs 1.6 MB). Each import of a built-in becomes a small CommonJS module that requires it; esbuild's interop
 * reads its exports only when used. The `require` is the banner's (createRequire), as for the CommonJS dependencies.
 */
const NODE_BUILTINS = new Set(builtinModules);
// CommonJS dependencies (pino, ajv, mqtt) and the built-ins above call require(): give each ES module one.
const BANNER = "import { createRequire as __bcastdRequire } from 'node:module'; const require = __bcastdRequire(import.meta.url);";
const builtinsThroughRequire = {
  name: 'builtins-through-require',
  setup(b) {
    b.onResolve({ filter: /^[a-z_][a-z0-9_/:]*$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (!NODE_BUILTINS.has(name) && !args.path.startsWith('node:')) return undefined;
      // The stub's own require() is left to Node; every other way in goes through the stub.
      if (args.kind === 'require-call' || args.namespace === 'node-builtin') return { path: args.path, external: true };
      return { path: args.path, namespace: 'node-builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'node-builtin' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

rmSync(out, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: {
    bcastd: join(src, 'cli', 'bcastd-launch.js'),
    bcastctl: join(src, 'cli', 'bcastctl.js'),
    // sim-world-process.ts forks './sim-world-child.js' beside itself: the chunk that holds it lands in this directory too.
    'sim-world-child': join(src, 'daemon', 'sim-world-child.js'),
  },
  outdir: out,
  // The chunks beside the entries (no sub-directory): paths built from import.meta.url keep meaning the same place.
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  plugins: [builtinsThroughRequire],
  banner: { js: BANNER },
  legalComments: 'linked',
  // V8 keeps every module's source text for lazy compilation: comments and whitespace out saves their bytes in RSS
  // and the parse at each start. Identifiers are not renamed, so stack traces and names in logs read as in the
  // source (keepNames is not needed for that, and its __name() call per function costs ~50 ms of every start); our
  // errors set `name` themselves. dist/ holds the readable tree for debugging.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  metafile: true,
});
// Two checks on every chunk:
// - no ES import of a built-in may be left (see builtinsThroughRequire); the banner's node:module is the one allowed;
// - V8 holds a script's source for lazy compilation, as one-byte text only while every character is Latin-1: one
//   '…' left in a regular expression literal (esbuild escapes strings, not those) made a 96 kB chunk take 191 kB.
const builtinImport = new RegExp(`(?:\\bfrom\\s*|\\bimport\\s*\\(?\\s*)["'](?:node:[^"']+|${[...NODE_BUILTINS].map((n) => n.replace(/[/]/g, '\\/')).join('|')})["']`);
for (const f of readdirSync(out).filter((n) => n.endsWith('.js'))) {
  const text = readFileSync(join(out, f), 'utf8');
  const m = builtinImport.exec(text.replace(BANNER, ''));
  if (m) {
    console.error(`bundle: ${f} still imports a Node built-in as an ES module (${m[0]}): Node would run all its getters`);
    process.exit(1);
  }
  const at = text.search(/[^\x00-\xff]/);
  if (at >= 0) {
    console.error(`bundle: ${f} holds ${JSON.stringify(text[at])} (${JSON.stringify(text.slice(Math.max(0, at - 60), at + 10))}): V8 would keep the whole file as two-byte text; write it as an escape (\\u${text.charCodeAt(at).toString(16).padStart(4, '0')})`);
    process.exit(1);
  }
}
const files = readdirSync(out);
const bytes = files.reduce((n, f) => n + statSync(join(out, f)).size, 0);
console.log(JSON.stringify({ bundle: 'dist-bundle', files: files.length, bytes, inputs: Object.keys(result.metafile.inputs).length }));
