// The simulated world in its own process (sim.process "child", the default): the daemon process then holds only
// what a real board runs — its RSS, CPU and start-up are the daemon's own — and reaches the world as it would a
// real one: the modem through the pty, the USIM through pcscd + vpcd, the network over loopback HTTP/UDP.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { BoardConfig } from './config/index.js';
import { toWorld, type VpcdPcscd, type VpcdPcscdHandover } from './sim-world-pcscd.js';
import { sendIfConnected } from '../util/ipc-send.js';

export type ParentMessage =
  /** `pcscd`: the daemon started the vpcd reader's pcscd already; the world takes it over (else starts its own). */
  | { type: 'start'; config: BoardConfig; pretty: boolean; pcscd?: VpcdPcscdHandover }
  | { type: 'close' };
export type ChildMessage =
  | { type: 'ready'; modemPath: string; cardPath: 'pcsc' | 'in-process'; urls: { control: string; portal: string } }
  | { type: 'failed'; error: string }
  | { type: 'closed' };

export interface RemoteSimWorld {
  readonly pid: number;
  readonly modemPath: string;
  readonly cardPath: 'pcsc' | 'in-process';
  readonly urls: { control: string; portal: string };
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * Forks the world and waits for it to be up; rejects (and reaps the child) when it fails or times out. `pcscd`, a
 * start of the vpcd reader's pcscd under way in this process, goes to the world once done (the world's node boots
 * meanwhile); the world stops it with itself, and this process when the world does not come up.
 */
export async function startSimWorldProcess(config: BoardConfig, logger: Logger, pretty: boolean, pcscd?: Promise<VpcdPcscd>): Promise<RemoteSimWorld> {
  const entry = fileURLToPath(new URL('./sim-world-child.js', import.meta.url));
  // Its own USIM must be on PC/SC: an in-process card in another process would be out of the daemon's reach.
  const childConfig: BoardConfig = { ...config, sim: { ...config.sim!, useVpcd: true } };
  // Its own process group: a Ctrl-C on the terminal (or `timeout`) signals the whole foreground group, and the
  // world must outlive the daemon's de-registration; the daemon closes it last, and its end ends the world.
  const child = fork(entry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json', detached: true });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A signal or message to a world that is already gone: its 'exit' handler is what matters, not a crash here.
  child.on('error', (err) => logger.debug({ err }, 'simulated world process: IPC or signal error'));
  let ready: Extract<ChildMessage, { type: 'ready' }>;
  let started: VpcdPcscd | undefined;
  try {
    started = await pcscd;
    ready = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the simulated world did not come up within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      child.on('message', (m: ChildMessage) => {
        if (m.type === 'ready') (clearTimeout(timer), resolve(m));
        else if (m.type === 'failed') (clearTimeout(timer), reject(new Error(m.error)));
      });
      child.once('exit', (code, signal) => (clearTimeout(timer), reject(new Error(`the simulated world exited (${signal ?? code}) before it was up`))));
      // Not sent to a world that already died: its 'exit' above rejects.
      void sendIfConnected(child, { type: 'start', config: childConfig, pretty, ...(started !== undefined ? { pcscd: toWorld(started) } : {}) } satisfies ParentMessage);
    });
  } catch (err) {
    await stop(child, exited);
    if (started?.ok) await started.own?.stop().catch(() => undefined);
    throw err;
  }
  logger.info({ pid: child.pid, card: ready.cardPath }, 'simulated world runs in its own process');
  return {
    pid: child.pid!,
    modemPath: ready.modemPath,
    cardPath: ready.cardPath,
    urls: ready.urls,
    close: async () => {
      await stop(child, exited);
      // The world stops the pcscd it took over; this is for a world that died without doing so (a no-op otherwise).
      if (started?.ok) await started.own?.stop().catch(() => undefined);
    },
  };
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // A world that failed closes its side and exits on its own; the channel may be half gone (EPIPE) meanwhile.
  if (!(await sendIfConnected(child, { type: 'close' } satisfies ParentMessage))) child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), CLOSE_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
