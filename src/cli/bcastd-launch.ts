// bcastd's first module (bin/bcastd runs this one): turns on Node's on-disk compile cache before the daemon's
// modules are loaded, since static imports are all compiled before a module's body runs. The cache keeps V8's
// code for every module between starts (Node >= 22.1: module.enableCompileCache); Node 20 has no such API and
// starts without it. The directory is systemd's CacheDirectory= (the unit sets it) or NODE_COMPILE_CACHE, else
// Node's default under the temp dir.
import module from 'node:module';

const cache = (module as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache;
if (cache !== undefined && process.env['NODE_COMPILE_CACHE'] === undefined) {
  try {
    const dir = process.env['CACHE_DIRECTORY']?.split(':')[0];
    cache(dir === undefined || dir === '' ? undefined : dir);
  } catch {
    // A read-only or missing cache dir: the daemon starts the slower way, which is all the cache saves.
  }
}

await import('./bcastd.js');
