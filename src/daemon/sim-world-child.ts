// Entry of the simulated world's own process (sim.process "child"): the daemon forks it with an IPC channel,
// sends the board config, and gets back where the world's parts are. The world ends on "close", or when the
// daemon is gone (IPC disconnect: a SIGKILLed daemon must not leave the world and its pcscd behind).
import { createLogger } from './logger.js';
import { stdoutIsJournal } from './journald.js';
import { fromDaemon, startVpcdPcscd, type VpcdPcscd, type VpcdPcscdHandover } from './sim-world-pcscd.js';
import type { SimWorld } from './sim-world.js';
import type { BoardConfig } from './config/index.js';
import type { ChildMessage, ParentMessage } from './sim-world-process.js';
import { sendIfConnected } from '../util/ipc-send.js';

// The daemon may be gone mid-send (SIGKILL): then 'disconnect' ends the world, not an EPIPE crash.
const send = (m: ChildMessage) => void sendIfConnected(process, m);
let world: SimWorld | null = null;
/** Begun before the simulator's code is loaded; stopped here too, in case the world failed before taking it. */
let pcscd: Promise<VpcdPcscd> | null = null;
let closing: Promise<void> | null = null;

async function close(code: number): Promise<never> {
  closing ??= (async () => {
    await world?.close().catch(() => undefined);
    world = null;
    const started = await pcscd?.catch(() => null);
    if (started?.ok) await started.own?.stop().catch(() => undefined);
  })();
  await closing;
  send({ type: 'closed' });
  // Only while connected: after the daemon died the channel is gone, and disconnect() would throw.
  if (process.connected) process.disconnect();
  process.exit(code);
}

process.on('message', (m: ParentMessage) => {
  if (m.type === 'start') void start(m.config, m.pretty, m.pcscd);
  else if (m.type === 'close') void close(0);
});
process.on('disconnect', () => void close(0));
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => void close(0));

async function start(config: BoardConfig, pretty: boolean, handedOver?: VpcdPcscdHandover): Promise<void> {
  const logger = createLogger({ level: config.log.level, pretty, journal: !pretty && stdoutIsJournal(), ...(config.log.components ? { components: config.log.components } : {}) });
  process.on('unhandledRejection', (err) => logger.error({ err }, 'sim world: unhandled rejection (a bug: please report it)'));
  const sim = config.sim;
  // The daemon's pcscd, now ours; else pcscd first (it looks for the card only every 400 ms from its start), while
  // the simulator loads.
  if (handedOver !== undefined) pcscd = Promise.resolve(fromDaemon(handedOver));
  else if (sim && sim.card !== 'external' && sim.useVpcd !== false) pcscd = startVpcdPcscd(config.stateDir, logger);
  try {
    const { startSimWorld } = await import('./sim-world.js');
    world = await startSimWorld(config, logger, pcscd ? { pcscd } : {});
    send({ type: 'ready', modemPath: world.modem.path, cardPath: world.cardPath, urls: { control: world.network.urls.control, portal: world.network.urls.portal } });
  } catch (err) {
    send({ type: 'failed', error: err instanceof Error ? err.message : String(err) });
    await close(1);
  }
}
