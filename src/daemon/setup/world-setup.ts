// The simulated world of the sim board: in its own process when the USIM can be reached through PC/SC (the
// daemon then holds only what a real board runs), else in this one.
import type { Logger } from 'pino';
import type { BoardConfig } from '../config/index.js';
import type { VirtualUsim } from '../../sim/usim/index.js';
import { pcscliteLoadable } from '../pcsclite-loadable.js';
import { startSimWorldProcess } from '../sim-world-process.js';
import { pcscdInstalled } from '../../sim/pcscd.js';
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

export async function startWorld(config: BoardConfig, log: (component: string) => Logger, pretty: boolean, closers: Closers): Promise<WorldView> {
  const sim = config.sim!;
  const childPossible = sim.process === 'child' && sim.useVpcd !== false && pcscliteLoadable() && pcscdInstalled();
  if (childPossible) {
    try {
      const remote = await startSimWorldProcess(config, log('sim'), pretty);
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
