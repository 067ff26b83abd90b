/**
 * A bare node that loads the given built-in modules and nothing else, then sleeps: what Node itself costs a
 * process before any of bcastd's code (bench/lib/rss-floor.ts). Started with the daemon's executable and options,
 * plus --expose-gc: full GCs first, so that, like the long-idle daemon, it holds no start-up garbage.
 */
import { builtinModules, createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// The public ones: the internal modules they need come with them.
const loadable = new Set(builtinModules);
for (const name of process.argv.slice(2)) if (loadable.has(name)) require(name);
const gc = (globalThis as { gc?: () => void }).gc;
for (let i = 0; i < 3; i++) gc?.();
process.stdout.write('loaded\n');
// Asleep until the bench ends it: one timer, nothing else.
setInterval(() => {}, 1 << 30);
