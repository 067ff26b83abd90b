// What goes into a board's /usr/lib/bcastd, laid out as the code expects it (package root = the directory
// holding package.json: board-configs/ and native/build/Release/ beside dist/): the board build (dist-bundle/,
// what bin/bcastd runs: a few files instead of ~600 modules), the compiled JS without declarations or source maps
// (the package's exports, codec and crypto), the launchers, the unit, the udev rule, the board configs, and a package.json
// for the board (no scripts, no dev tools, no optional extras: see runtimeManifest).
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Optional at run time and left out of the tarball: the embedded broker (mosquitto is the board's) and pretty logs (journald wants JSON). */
export const LEFT_OUT = ['aedes', 'pino-pretty'];

export function stageApp(root, stage) {
  mkdirSync(stage, { recursive: true });
  cpSync(join(root, 'dist', 'src'), join(stage, 'dist', 'src'), { recursive: true, filter: (f) => !/\.(d\.ts|js\.map)$/.test(f) });
  cpSync(join(root, 'dist-bundle'), join(stage, 'dist-bundle'), { recursive: true });
  for (const f of ['bin/bcastd', 'bin/bcastctl', 'packaging/systemd/bcastd.service', 'packaging/udev/99-bcastd-modem.rules', 'packaging/README.md', 'README.md', 'package-lock.json']) {
    cpSync(join(root, f), join(stage, f));
  }
  cpSync(join(root, 'board-configs'), join(stage, 'board-configs'), { recursive: true });
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(runtimeManifest(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))), null, 2)}\n`);
}

/** The project's package.json as a board needs it: dependencies only, the launchers as bins. */
export function runtimeManifest(pkg) {
  const optional = Object.fromEntries(Object.entries(pkg.optionalDependencies ?? {}).filter(([n]) => !LEFT_OUT.includes(n)));
  return {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    license: pkg.license,
    type: pkg.type,
    engines: pkg.engines,
    bin: { bcastd: 'bin/bcastd', bcastctl: 'bin/bcastctl' },
    exports: pkg.exports,
    dependencies: pkg.dependencies,
    optionalDependencies: optional,
  };
}
