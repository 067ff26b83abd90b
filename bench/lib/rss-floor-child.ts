/**
 * A bare node that loads the given built-in modules and nothing else, then sleeps: what Node itself costs a
 * process before any of bcastd's code (bench/lib/rss-floor.ts). Started with the daemon's executable and options,
 * plus --expose-gc: full GCs first, so that, like the long-idle daemon, it holds no start-up garbage.
 */
import { builtinModules, createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// The public ones: the internal modules they need come with them.
const loadable = new Set(builtinModules);
const names = process.argv.slice(2).filter((n) => loadable.has(n));
for (const name of names) require(name);
// bcastd hashes at every start: the first digest adds OpenSSL's tables (0.1-0.3 MB on Node 20 and 24 here; the
// ~2 MB of OpenSSL itself comes with loading node:crypto).
if (names.includes('crypto')) (require('node:crypto') as typeof import('node:crypto')).createHash('sha256').update('').digest();
const gc = (globalThis as { gc?: () => void }).gc;
for (let i = 0; i < 3; i++) gc?.();
process.stdout.write('loaded\n');
// Asleep until the bench ends it: one timer, nothing else.
setInterval(() => {}, 1 << 30);
