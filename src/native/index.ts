// bcastd's native addon, as the rest of the project uses it.
export {
  NativeAddon,
  NativeAddonError,
  defaultAddonPath,
  hasNative,
  loadNativeAddon,
  native,
  type NativeErrorCode,
  type NativeExports,
  type PtyInfo,
  type RawPty,
  type FdPoller,
  type PollEvents,
  type RawGpioLine,
  type SecureMemoryStats,
} from './binding.js';
export { PtyPair, type PtyPairOptions } from './pty.js';
export { DeviceLink } from './device-link.js';
export { sdNotify } from './sd-notify.js';
export { GpioLine, gpioChipPath, nativeGpioBackend, type GpioBackend, type GpioLineOptions } from './gpio.js';
export { allocSecure, isSecureLocked, secureAllocator, secureMemoryAvailable, secureMemoryStats, wipeSecure } from './secure-memory.js';
export { enableQuickAck, socketFd, tcpQuickAck, tcpQuickAckGet } from './tcp.js';
export { protectFromDumps } from './process.js';
