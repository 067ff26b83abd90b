// The addon loader and the addon's raw functions: what they export, how they fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, openSync, readFileSync, readSync, closeSync, rmSync, writeFileSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NativeAddon, NativeAddonError, defaultAddonPath, loadNativeAddon, native } from '../../../src/native/index.js';

const O_NONBLOCK = constants.O_NONBLOCK;
const O_CLOEXEC = 0o2000000; // Linux value; not in fs.constants

/** The fd's open flags from /proc (octal "flags:" line), which include O_CLOEXEC on Linux. */
function fdFlags(fd: number): number {
  const line = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('flags:'));
  assert.ok(line, `no flags line for fd ${fd}`);
  return parseInt(line.slice('flags:'.length).trim(), 8);
}

test('the built addon loads from the package root and exports every feature of this platform', () => {
  const addon = loadNativeAddon();
  assert.equal(addon.file, defaultAddonPath());
  for (const name of ['openpty', 'ptyInfo', 'closeFd', 'FdPoller', 'pollEvents', 'sdNotify', 'gpioRequestOutput', 'gpioSetValue', 'secureAlloc', 'secureWipe', 'secureIsLocked', 'secureMemoryStats', 'tcpQuickAck', 'tcpQuickAckGet'] as const) {
    assert.equal(addon.has(name), true, name);
  }
  assert.deepEqual(Object.keys(native('pollEvents')).sort(), ['disconnect', 'readable', 'writable']);
});

test('a missing addon says how to build it', () => {
  assert.throws(
    () => loadNativeAddon('/nonexistent/bcastd_native.node'),
    (err: unknown) =>
      err instanceof NativeAddonError &&
      err.code === 'ERR_BCASTD_NATIVE_MISSING' &&
      err.message.startsWith('bcastd native addon not built: run npm rebuild'),
  );
});

test('a file that is not a loadable addon is reported with the loader reason', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bcastd-native-'));
  const file = join(dir, 'bcastd_native.node');
  writeFileSync(file, 'not an ELF object');
  try {
    assert.throws(
      () => loadNativeAddon(file),
      (err: unknown) =>
        err instanceof NativeAddonError && err.code === 'ERR_BCASTD_NATIVE_LOAD' && /run npm rebuild/.test(err.message),
    );
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a function the platform build lacks is named in the error', () => {
  const addon = new NativeAddon({}, '/x/bcastd_native.node');
  assert.equal(addon.has('openpty'), false);
  assert.throws(
    () => addon.get('openpty'),
    (err: unknown) =>
      err instanceof NativeAddonError &&
      err.code === 'ERR_BCASTD_NATIVE_UNSUPPORTED' &&
      err.message.includes('openpty is not available on this platform'),
  );
});

test('openpty: non-blocking close-on-exec master, close-on-exec raw slave', () => {
  const pty = native('openpty')();
  try {
    assert.match(pty.slavePath, /^\/dev\/pts\/\d+$/);
    assert.equal(pty.slavePath, `/dev/pts/${pty.ptyNumber}`);
    assert.equal(fdFlags(pty.masterFd) & O_NONBLOCK, O_NONBLOCK);
    assert.equal(fdFlags(pty.masterFd) & O_CLOEXEC, O_CLOEXEC);
    assert.equal(fdFlags(pty.slaveFd) & O_CLOEXEC, O_CLOEXEC);
    // nothing written yet: the master read must not block
    assert.throws(() => readSync(pty.masterFd, Buffer.alloc(16)), { code: 'EAGAIN' });
    const info = native('ptyInfo')(pty.masterFd);
    assert.equal(info.ptyNumber, pty.ptyNumber);
    assert.equal(info.slavePath, pty.slavePath);
    assert.equal(info.inputBytes, 0);
    assert.equal(info.rtscts, false);
  } finally {
    native('closeFd')(pty.masterFd);
    native('closeFd')(pty.slaveFd);
  }
});

/** Poll until `check` holds: the tty layer moves bytes to the other side from a kernel worker. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('raw slave: all 256 byte values cross the pty unchanged in both directions', async () => {
  const pty = native('openpty')();
  const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const slave = openSync(pty.slavePath, constants.O_RDWR | constants.O_NOCTTY | O_NONBLOCK);
  const readAll = (fd: number): Buffer => {
    const buf = Buffer.alloc(1024);
    return buf.subarray(0, readSync(fd, buf));
  };
  try {
    // master -> slave: no echo, no CR/NL mapping, no ISTRIP, no VINTR/VEOF interpretation
    writeFileSync(pty.masterFd, bytes);
    let atSlave = Buffer.alloc(0);
    await until(() => {
      try {
        atSlave = Buffer.concat([atSlave, readAll(slave)]);
      } catch (err) {
        if ((err as { code?: string }).code !== 'EAGAIN') throw err;
      }
      return atSlave.length >= 256;
    }, 'bytes at the slave');
    assert.deepEqual(atSlave, bytes);
    assert.throws(() => readAll(pty.masterFd), { code: 'EAGAIN' }); // nothing echoed back
    // slave -> master: no OPOST (\n stays \n); ptyInfo counts what waits at the master
    writeFileSync(slave, bytes);
    await until(() => native('ptyInfo')(pty.masterFd).inputBytes === 256, 'inputBytes 256');
    assert.deepEqual(readAll(pty.masterFd), bytes);
    assert.equal(native('ptyInfo')(pty.masterFd).inputBytes, 0);
  } finally {
    closeSync(slave);
    native('closeFd')(pty.masterFd);
    native('closeFd')(pty.slaveFd);
  }
});

function assertSystemError(err: unknown, code: string, errno: number, syscall: string): true {
  assert.ok(err instanceof Error);
  const e = err as Error & { code: string; errno: number; syscall: string };
  assert.equal(e.code, code);
  assert.equal(e.errno, errno);
  assert.equal(e.syscall, syscall);
  assert.ok(e.message.startsWith(`${code}: `), e.message);
  return true;
}

test('system errors carry code/errno/syscall: ptyInfo on a file that is no pty', () => {
  const fd = openSync('/proc/self/status', 'r');
  try {
    assert.throws(() => native('ptyInfo')(fd), (err) => assertSystemError(err, 'ENOTTY', -25, 'ioctl(TIOCGPTN)'));
  } finally {
    closeSync(fd);
  }
});

test('system errors carry code/errno/syscall: closeFd on a closed fd', () => {
  const fd = openSync('/proc/self/status', 'r');
  native('closeFd')(fd);
  assert.throws(() => native('closeFd')(fd), (err) => assertSystemError(err, 'EBADF', -9, 'close'));
});

test('argument errors are TypeErrors with Node codes', () => {
  assert.throws(() => native('closeFd')(-1), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => native('ptyInfo')(1.5), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => (native('sdNotify') as (m: unknown) => boolean)(42), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  const Poller = native('FdPoller');
  assert.throws(() => new Poller(0, 'x' as unknown as () => void), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
});
