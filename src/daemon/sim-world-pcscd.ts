// The pcscd the simulated world's virtual USIM plugs into (its vpcd reader): a stale private one from a killed
// bcastd stopped, then ours started unless one already runs. Its own module, apart from the world's code: pcscd
// looks for a card in a vpcd slot only every 400 ms from its start, so the earlier it starts, the sooner the card
// is seen. The daemon starts it as soon as the board config is read, before the world's node is up, and hands it
// over to the world (toWorld / fromDaemon), which stops it with itself.
import { join } from 'node:path';
import type { Logger } from 'pino';
import { pcscliteLoadable } from './pcsclite-loadable.js';
import { PrivatePcscd, pcscdInstalled, runningPcscd, stopStalePcscd, type PcscdHandover } from '../sim/pcscd.js';

export type VpcdPcscd =
  /** pcscd runs: ours (stopped with the world) or one that was already there (own null). */
  | { ok: true; own: PrivatePcscd | null }
  /** No PC/SC here; why, in words for the log line that says the USIM runs in-process instead. */
  | { ok: false; why: string; error?: Error };

const START_TIMEOUT_MS = 10_000;

export async function startVpcdPcscd(stateDir: string, logger: Logger): Promise<VpcdPcscd> {
  const log = logger.child({ component: 'sim' });
  if (!pcscliteLoadable()) return { ok: false, why: 'the optional pcsclite module is not built (install libpcsclite-dev, then npm rebuild pcsclite)' };
  if (!pcscdInstalled()) return { ok: false, why: 'pcscd or vsmartcard-vpcd not installed' };
  const pidFile = join(stateDir, 'pcscd.pid');
  const stale = await stopStalePcscd(pidFile);
  if (stale !== null) log.warn({ pid: stale }, 'stopped the private pcscd a previous, killed bcastd left behind');
  if (runningPcscd().length > 0) return { ok: true, own: null };
  try {
    const own = await PrivatePcscd.start(START_TIMEOUT_MS, pidFile);
    log.info({ pid: own.pid }, 'started a private pcscd with the vpcd reader');
    return { ok: true, own };
  } catch (err) {
    return { ok: false, why: `could not start pcscd: ${(err as Error).message}`, error: err as Error };
  }
}

/** A start's outcome as it crosses the IPC channel to the world's process (JSON: no Error, no process handle). */
export type VpcdPcscdHandover = { ok: true; own: PcscdHandover | null } | { ok: false; why: string };

/** The daemon's side: the world takes over stopping our pcscd. */
export function toWorld(started: VpcdPcscd): VpcdPcscdHandover {
  return started.ok ? { ok: true, own: started.own?.handover() ?? null } : { ok: false, why: started.why };
}

/** The world's side: the pcscd the daemon started, now ours to stop. */
export function fromDaemon(h: VpcdPcscdHandover): VpcdPcscd {
  return h.ok ? { ok: true, own: h.own === null ? null : PrivatePcscd.adopt(h.own) } : { ok: false, why: h.why };
}
