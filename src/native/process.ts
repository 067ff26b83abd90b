// The process-wide protection native/src/process.c applies when the addon loads: not dumpable (no core file,
// no ptrace or /proc/<pid>/mem by other processes of the same user).
import { native } from './binding.js';

/** Loads the addon (which makes the process non-dumpable) and says whether that took. Linux only. */
export function protectFromDumps(): boolean {
  return !native('isDumpable')();
}
