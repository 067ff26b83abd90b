// What a bug report needs to know about the build: bcastd's version, Node's, the platform, and whether the
// native addon (pty, GPIO, sd_notify) is built and loads here.
import { arch, platform, release } from 'node:os';
import { loadNativeAddon } from '../../native/index.js';
import { packageVersion } from '../version.js';

export interface AddonStatus {
  built: boolean;
  /** Why not, when not (missing build, load failure). */
  error?: string;
}

export interface VersionInfo {
  bcastd: string | null;
  node: string;
  platform: string;
  arch: string;
  osRelease: string;
  openssl: string | null;
  addon: AddonStatus;
}

export function addonStatus(load: () => unknown = () => loadNativeAddon()): AddonStatus {
  try {
    load();
    return { built: true };
  } catch (e) {
    return { built: false, error: e instanceof Error ? e.message : String(e) };
  }
}

export function versionInfo(addon: () => AddonStatus = addonStatus): VersionInfo {
  return {
    bcastd: packageVersion(),
    node: process.version,
    platform: platform(),
    arch: arch(),
    osRelease: release(),
    openssl: process.versions.openssl ?? null,
    addon: addon(),
  };
}
