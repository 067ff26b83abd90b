// The simulated world of the sim board: in its own process when the USIM can be reached through PC/SC (the
// daemon then holds only what a real board runs), else in this one.
import type { Logger } from 'pino';
import type { BoardConfig } from '../config/index.js';
import type { VirtualUsim } from '../../sim/usim/index.js';
import { pcscliteLoadable } from '../pcsclite-loadable.js';
import { startSimWorldProcess, type RemoteSimWorld } from '../sim-world-process.js';
import { startVpcdPcscd } from '../sim-world-pcscd.js';
import { pcscdInstalled } from '../../sim/pcscd.js';
import { ensurePrivateDir } from '../../store/private-dir.js';
import type { Closers } from './closers.js';

/** What the daemon needs of the simulated world, wherever it runs. */
export interface WorldView {
  modemPath: string;
  cardPath: 'pcsc' | 'in-process';
  urls: { control: string; portal: string };
  /** Its own process (sim.process child). */
  pid?: number;
  /** The virtual USIM, when the world runs in this process. */
  usim?: VirtualUsim;
}

/** The world runs in its own process: asked for (sim.process child) and its USIM reachable through PC/SC. */
function worldInOwnProcess(config: BoardConfig): boolean {
  const sim = config.sim;
  return config.modem.profile === 'sim' && sim !== undefined && sim.process === 'child' && sim.useVpcd !== false && pcscliteLoadable() && pcscdInstalled();
}

/**
 * The world's process forked as soon as the board config is known, before the daemon's own modules load: its
 * node start, pcscd and modem then come up while they do (bin/bcastd; startDaemon takes it as `world`). pcscd is
 * started here, not in the world: the world's node takes ~100-200 ms to boot, and pcscd sees the card only on its
 * 400 ms grid from its own start, so each ms it starts earlier is a ms less the daemon waits for the card. The
 * state dir is made private first, as startDaemon would before the world writes into it. Null when the world will
 * not run in its own process; a failure is startWorld's to handle when it awaits the promise.
 */
export function forkWorldEarly(config: BoardConfig, logger: Logger, pretty: boolean): Promise<RemoteSimWorld> | null {
  if (!worldInOwnProcess(config)) return null;
  const log = logger.child({ component: 'sim' });
  const privateDir = ensurePrivateDir(config.stateDir);
  // An external card is the machine's own pcscd's; the world starts none for it.
  const pcscd = config.sim!.card === 'external' ? undefined : privateDir.then(() => startVpcdPcscd(config.stateDir, logger));
  const world = privateDir.then(() => startSimWorldProcess(config, log, pretty, pcscd));
  // Awaited later (or never, when startDaemon fails first): its rejection is not an unhandled one.
  world.catch(() => undefined);
  return world;
}

export async function startWorld(config: BoardConfig, log: (component: string) => Logger, pretty: boolean, closers: Closers, early?: Promise<RemoteSimWorld> | null): Promise<WorldView> {
  const sim = config.sim!;
  if (early || worldInOwnProcess(config)) {
    try {
      const remote = await (early ?? startSimWorldProcess(config, log('sim'), pretty));
      closers.add('sim world', () => remote.close());
      return remote;
    } catch (err) {
      if (sim.useVpcd === true) throw err;
      log('daemon').info({ why: (err as Error).message }, 'the simulated world could not run in its own process; it runs in-process');
    }
  }
  // Loaded only here: a daemon whose world runs elsewhere (or a real board) never holds the simulator's code.
  const { startSimWorld } = await import('../sim-world.js');
  const local = await startSimWorld(config, log('sim'));
  closers.add('sim world', () => local.close());
  return { modemPath: local.modem.path, cardPath: local.cardPath, urls: { control: local.network.urls.control, portal: local.network.urls.portal }, ...(local.usim ? { usim: local.usim } : {}) };
}
