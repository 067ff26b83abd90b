#!/usr/bin/env node
// npm run package -- --arch x64|arm64|armv7: build/package/bcastd-<version>-linux-<arch>.tar.gz, one directory
// `bcastd/` meant for /usr/lib/bcastd: the bundled board build and the compiled JS, production node_modules, native addons built for the
// target (bcastd's own and pcsclite, cross-compiled against the target Node's headers and the target's
// libpcsclite; serialport's own prebuilds), the launchers, unit, udev rule, board configs and a CycloneDX SBOM.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { target } from './package/targets.mjs';
import { nodeDist } from './package/node-dist.mjs';
import { buildAddon } from './package/addon-build.mjs';
import { stageApp } from './package/stage.mjs';
import { buildPcsclite, installModules, keepSerialportPrebuild, pruneBuildTree } from './package/modules.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { arch: { type: 'string' }, node: { type: 'string' } } });
const t = target(values.arch ?? '');
const node = nodeDist(t.node.pkg, values.node ?? t.node.version);
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const work = join(root, 'build', 'package', t.arch);
const stage = join(work, 'bcastd');
const tarball = join(root, 'build', 'package', `bcastd-${version}-linux-${t.arch}.tar.gz`);
const started = Date.now();

function run(cmd, args, cwd = root) {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
}

run('npx', ['tsc', '-p', 'tsconfig.json']);
// The board build bin/bcastd prefers (scripts/bundle.mjs), made from the dist/ just compiled.
run(process.execPath, ['scripts/bundle.mjs']);
rmSync(work, { recursive: true, force: true });
stageApp(root, stage);
installModules(stage);
buildPcsclite(stage, t, node.dir);
keepSerialportPrebuild(stage, t);

// The project's addon, built from a copy so the repo's own native/build (the host's) stays as it is.
const addonSrc = join(work, 'native');
cpSync(join(root, 'native'), addonSrc, { recursive: true, filter: (f) => !f.includes(`${join(root, 'native', 'build')}`) });
const addon = buildAddon({ dir: addonSrc, name: 'bcastd_native', target: t, nodeDir: node.dir });
pruneBuildTree(join(addonSrc, 'build'), addon);
cpSync(join(addonSrc, 'build'), join(stage, 'native', 'build'), { recursive: true });

const sbom = spawnSync('npm', ['sbom', '--omit=dev', '--sbom-format=cyclonedx'], { cwd: stage, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
if (sbom.status !== 0) throw new Error('npm sbom failed');
writeFileSync(join(stage, 'sbom.cdx.json'), sbom.stdout);
// Which Node the ABI-specific addon (pcsclite, NAN) was built for: the board must run that major.
const abi = /#define NODE_MODULE_VERSION (\d+)/.exec(readFileSync(join(node.dir, 'include', 'node', 'node_version.h'), 'utf8'))?.[1];
writeFileSync(join(stage, 'build-info.json'), `${JSON.stringify({ name: 'bcastd', version, arch: t.arch, nodePackage: t.node.pkg, node: node.version, nodeModuleVersion: Number(abi) }, null, 2)}\n`);

mkdirSync(join(root, 'build', 'package'), { recursive: true });
run('tar', ['--owner=0', '--group=0', '--numeric-owner', '--sort=name', '-czf', tarball, '-C', work, 'bcastd']);
console.log(JSON.stringify({ tarball: tarball.slice(root.length), arch: t.arch, node: node.version, bytes: statSync(tarball).size, seconds: Math.round((Date.now() - started) / 100) / 10 }));
