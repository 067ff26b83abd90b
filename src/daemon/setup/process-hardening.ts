// Before any key exists in this process: no core dump and no ptrace (PR_SET_DUMPABLE 0 as the addon loads), and
// key material held in the ME (GBA_ME keys, MUKs, MSKs) in locked, non-dumpable memory, zeroed when freed.
import type { Logger } from 'pino';
import { protectFromDumps, secureAllocator, secureMemoryAvailable } from '../../native/index.js';
import { Secret } from '../../crypto/index.js';

export function hardenProcess(log: Logger): void {
  try {
    if (!protectFromDumps()) log.warn('the process is still dumpable: a crash could write key material to a core file');
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'cannot make the process non-dumpable (native addon missing): rely on LimitCORE=0');
  }
  if (secureMemoryAvailable()) {
    Secret.setAllocator(secureAllocator((s) => log.warn({ secureMemory: s }, 'key memory could not be locked (RLIMIT_MEMLOCK; raise LimitMEMLOCK or grant CAP_IPC_LOCK): keys may be swapped out')));
  } else {
    log.warn('locked key memory unavailable (native addon not built or not Linux): keys stay in ordinary buffers');
  }
}
