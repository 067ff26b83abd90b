/** bcastctl bundle and bcastctl log-level. */
export { registerBundle, registerLogLevel } from './commands.js';
export { collectBundle } from './collect.js';
export type { BundleCollection, CollectOptions } from './collect.js';
export { bundleBaseName, bundleFiles, maskFile, utcStamp, writeBundle } from './archive.js';
export type { BundleFile, WrittenBundle } from './archive.js';
export { changeLines, levelLines } from './render.js';
