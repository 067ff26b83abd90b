// Locked, zeroed memory for key material (native/src/secure_memory.c): chunks of mlock'd pages, outside the
// V8 heap and core dumps, zeroed when their Buffer is collected. The daemon hands allocSecure to
// crypto's Secret.setAllocator so every key the ME holds lives there; crypto itself never imports this.
import { hasNative, native, type SecureMemoryStats } from './binding.js';

export type { SecureMemoryStats };

/** True when allocSecure() works here: the addon is built and this platform (Linux) has it. Never throws. */
export function secureMemoryAvailable(): boolean {
  return hasNative('secureAlloc');
}

/**
 * `size` zero bytes (0..1 MiB) in locked memory; size 0 gives an ordinary empty Buffer. The Buffer is
 * external: its memory goes back to the pool, zeroed, when it is garbage-collected. Throws
 * NativeAddonError (ERR_BCASTD_NATIVE_MISSING / _LOAD / _UNSUPPORTED) when the addon cannot provide it,
 * TypeError / RangeError for a bad size, a system error (code ENOMEM) when no page can be mapped.
 * Memory that mlock() refused is still returned: see isSecureLocked() and secureAllocator().
 */
export function allocSecure(size: number): Buffer {
  return native('secureAlloc')(size);
}

/** Zeroes `buf` now (explicit_bzero, which the compiler cannot drop); works on any Buffer/Uint8Array. */
export function wipeSecure(buf: Uint8Array): void {
  native('secureWipe')(buf);
}

/** True when `buf` lies in a pool page that mlock() accepted; false for unlocked pages and other memory. */
export function isSecureLocked(buf: Uint8Array): boolean {
  return native('secureIsLocked')(buf);
}

export function secureMemoryStats(): SecureMemoryStats {
  return native('secureMemoryStats')();
}

/**
 * allocSecure, plus one call of `onLockFailure` the first time an allocation lands in memory mlock()
 * refused (RLIMIT_MEMLOCK too small for a process without CAP_IPC_LOCK), so the caller can log it once.
 * After that report the lock state is no longer checked.
 */
export function secureAllocator(onLockFailure?: (stats: SecureMemoryStats) => void): (size: number) => Buffer {
  const alloc = native('secureAlloc');
  const isLocked = native('secureIsLocked');
  const report = onLockFailure;
  let reported = false;
  return (size) => {
    const buf = alloc(size);
    if (report && !reported && size > 0 && !isLocked(buf)) {
      reported = true;
      report(secureMemoryStats());
    }
    return buf;
  };
}
