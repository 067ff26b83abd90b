// Builds one node-gyp addon for a target: the target's cross compilers (Debian's gcc-<triplet>, linking
// against the target's multiarch libraries, e.g. libpcsclite-dev:arm64) and the target Node's headers, so
// NAN addons get the right ABI. The result is checked to be an ELF shared object for the target's machine.
import { spawnSync } from 'node:child_process';
import { openSync, readSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const nodeGyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');

/** Runs `node-gyp rebuild` in `dir`; returns the path of `build/Release/<name>.node`. */
export function buildAddon({ dir, name, target, nodeDir }) {
  const env = { ...process.env, CC: target.cc, CXX: target.cxx, LINK: target.cxx };
  // npm's own settings for a host build must not leak into a cross build.
  for (const k of Object.keys(env)) if (/^npm_config_(arch|target|nodedir|target_arch)$/i.test(k)) delete env[k];
  const args = [nodeGyp, 'rebuild', '--loglevel=warn', `--arch=${target.gypArch}`, `--nodedir=${nodeDir}`, `--jobs=${process.env.BCASTD_BUILD_JOBS ?? '2'}`];
  const r = spawnSync(process.execPath, args, { cwd: dir, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`node-gyp rebuild of ${name} for ${target.arch} failed (exit ${r.status})`);
  const out = join(dir, 'build', 'Release', `${name}.node`);
  assertElf(out, target);
  return out;
}

/** Throws unless `file` is an ELF shared object (ET_DYN) for `target.elfMachine`. */
export function assertElf(file, target) {
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(20);
  try {
    readSync(fd, head, 0, 20, 0);
  } finally {
    closeSync(fd);
  }
  const elf = head.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  const type = head.readUInt16LE(16);
  const machine = head.readUInt16LE(18);
  if (!elf || type !== 3 || machine !== target.elfMachine) {
    throw new Error(`${file}: not a ${target.arch} shared object (ELF ${elf}, type ${type}, machine ${machine}, want ${target.elfMachine})`);
  }
}
