// startDaemon builds the daemon in order — logger levels → process hardening → state dir → MQTT → [sim world] →
// modem → card → GBA/BSM → LTKM path → terminal → adapter events → commands → health → runtime file → systemd →
// start — and registers a closer for each. Every adapter reaches the terminal as a port (./ports/*); what the
// adapters report is translated in ./adapter-events.ts; each command family is its own module (./commands/*).
import type { Logger } from 'pino';
import type { BoardConfig } from './config/index.js';
import { LogLevels, registerDiagnosticsCommands, type LogRing } from './diagnostics/index.js';
import { gbaCard } from './card-wiring.js';
import { wireAdapterEvents } from './adapter-events.js';
import { registerEventsCommand } from './commands/events-command.js';
import { registerTerminalCommands } from './commands/terminal-commands.js';
import { EventLog } from './event-log.js';
import { GpioModemResetter } from './gpio-resetter.js';
import { startLtkmPath } from './ltkm-wiring.js';
import { startPlayerExchange } from './player-exchange.js';
import { bsmPort } from './ports/bsm-port.js';
import { cardPort } from './ports/card-port.js';
import { gbaPort } from './ports/gba-port.js';
import { modemPort } from './ports/modem-port.js';
import { pdpAddressOf, pdpPort } from './ports/pdp-port.js';
import { publishPort } from './ports/publish-port.js';
import { statePort } from './ports/state-port.js';
import { removeRuntimeInfo, writeRuntimeInfo, type RuntimeInfo } from './runtime-file.js';
import { Closers } from './setup/closers.js';
import { connectMqtt } from './setup/mqtt-setup.js';
import { hardenProcess } from './setup/process-hardening.js';
import { startWorld, type WorldView } from './setup/world-setup.js';
import type { RemoteSimWorld } from './sim-world-process.js';
import { StartupGate } from './startup-gate.js';
import { SystemdNotifier, systemdEnv } from './systemd.js';
import { packageVersion } from './version.js';
import { BsmClient, credentialsFromGba } from '../bsm/index.js';
import { mikeyDecodeCount } from '../codec/index.js';
import { Card, openCardTransport } from '../card/index.js';
import { GbaClient, createHttpTransport } from '../gba/index.js';
import { Modem } from '../modem/index.js';
import { sdNotify } from '../native/index.js';
import { CommandRouter, HealthReporter } from '../mqtt/index.js';
import { ensurePrivateDir } from '../store/private-dir.js';
import { StateStore } from '../store/state-store.js';
import { Terminal } from '../terminal/terminal.js';
import { configuredServiceIds } from '../terminal/service-ids.js';

const MODEM_READY_TIMEOUT_MS = 60_000;
const CARD_READY_TIMEOUT_MS = 30_000;
const DEREGISTER_TIMEOUT_MS = 10_000;
/** Adapters bind {component} themselves; the daemon, terminal and MQTT loggers get it here. */
const SELF_BINDING = new Set(['modem', 'card', 'gba', 'bsm', 'store', 'sim']);

export interface RunningDaemon {
  terminal: Terminal;
  /** De-registers, releases the PDP context, publishes `offline`, closes everything. */
  stop(reason: string): Promise<void>;
}

export interface DaemonOptions {
  /** The simulated world's process, forked before the daemon's modules were loaded (setup/world-setup.ts forkWorldEarly). */
  world?: Promise<RemoteSimWorld> | null;
  /** Human-readable log lines (passed on to the simulated world's process). */
  pretty?: boolean;
  /** The ring the root logger feeds (createDaemonLogger): the log lines of the `diagnostics` command. */
  ring?: LogRing;
  /** The board config file, named in the runtime file so that bcastctl reads the same one. */
  boardFile?: string;
  /** systemd's RuntimeDirectory (/run/bcastd): the runtime file goes there too, where bcastctl looks first. */
  runtimeDir?: string;
}

export async function startDaemon(config: BoardConfig, root: Logger, opts: DaemonOptions = {}): Promise<RunningDaemon> {
  // Runtime log levels (`log-level` command); a restart returns to the board config.
  const logLevels = new LogLevels(root, { level: config.log.level, ...(config.log.components ? { components: config.log.components } : {}) });
  const log = (component: string) => logLevels.logger(component, !SELF_BINDING.has(component));
  const daemonLog = log('daemon');
  hardenProcess(daemonLog);
  // Private or refused (owner, mode and no symlink checked): every file below is opened trusting it.
  const dir = await ensurePrivateDir(config.stateDir);
  if (dir.tightened) daemonLog.warn({ stateDir: config.stateDir }, 'state dir was readable by others: closed to 0700');

  const closers = new Closers(daemonLog);
  closers.add('log levels', () => logLevels.stop());
  try {
    const store = new StateStore({ dir: config.stateDir, logger: log('store') });
    await store.load();
    closers.add('store', () => store.close());

    // The simulated world (its own process: a node start and pcscd) comes up while MQTT connects; both are waited
    // for before anything else, so a failure of either closes what the other built.
    const [mqttUp, worldUp] = await Promise.allSettled([
      connectMqtt(config, log, closers),
      config.modem.profile === 'sim' ? startWorld(config, log, opts.pretty === true, closers, opts.world) : Promise.resolve(null),
    ]);
    if (mqttUp.status === 'rejected') throw mqttUp.reason;
    if (worldUp.status === 'rejected') throw worldUp.reason;
    const { mqtt, broker, accounts } = mqttUp.value;
    const world: WorldView | null = worldUp.value;

    // ---- adapters ----
    const modemPath = world ? world.modemPath : config.modem.port!;
    // The board's reset/power lines, for the recovery ladder (the simulated modem has none).
    const gpio = !world && config.modem.gpio ? config.modem.gpio : null;
    const resetter = gpio && (gpio.resetLine !== undefined || gpio.powerLine !== undefined) ? new GpioModemResetter({ gpio, logger: log('modem') }) : null;
    if (resetter) closers.add('modem gpio', () => resetter.close());
    const modem = new Modem({
      settings: { ...config.modem, port: modemPath, ...(config.modem.timeouts ? { timeouts: config.modem.timeouts } : {}) },
      logger: log('modem'),
      keepPdpActive: true,
      ...(resetter ? { resetter } : {}),
    });
    closers.add('modem', () => modem.stop());

    const transport = await openCardTransport({
      transport: config.card.transport,
      readerPattern: config.card.readerPattern,
      logger: log('card'),
      ...(world?.usim ? { inProcessCard: () => world.usim! } : {}),
    });
    const card = new Card({ transport, logger: log('card'), gbaMode: config.card.gbaMode, ...(config.card.pinFile ? { pinFile: config.card.pinFile } : {}) });
    closers.add('card', () => card.close());

    const localAddress = config.network.bindToPdpAddress ? () => pdpAddressOf(modem) : undefined;
    const http = createHttpTransport();
    closers.add('http', () => http.close());
    const network = { version: packageVersion(), timeoutMs: config.network.httpTimeoutMs, retry: config.network.retry, ...(localAddress ? { localAddress } : {}) };
    const gba = new GbaClient({
      ...network,
      card: gbaCard(card),
      http,
      bsmFqdn: config.network.bsmFqdn,
      ...(config.network.bsfUrl ? { bsfUrl: config.network.bsfUrl } : {}),
      mode: config.card.gbaMode,
      logger: log('gba'),
    });
    closers.add('gba', () => gba.close());
    const bsm = new BsmClient({
      ...network,
      ...(config.network.bsmUrl ? { bsmUrl: config.network.bsmUrl } : {}),
      bsmFqdn: config.network.bsmFqdn,
      credentials: credentialsFromGba(gba),
      http,
      logger: log('bsm'),
    });

    // ---- the LTKM path and the terminal ----
    const events = new EventLog();
    const publish = publishPort(mqtt, events);
    let terminal: Terminal | null = null;
    const ltkm = await startLtkmPath({ config, card, modem, publish, terminal: () => terminal, closers, log: log('bsm'), daemonLog });
    const t = new Terminal(
      {
        modem: modemPort(modem, MODEM_READY_TIMEOUT_MS),
        card: cardPort(card, CARD_READY_TIMEOUT_MS),
        pdp: pdpPort(modem),
        gba: gbaPort(gba),
        bsm: bsmPort(bsm, publish),
        publish,
        state: statePort(store),
        logger: log('terminal'),
      },
      {
        services: configuredServiceIds(config.terminal.services),
        rateLimit: config.terminal.triggerRateLimit,
        retry: { baseMs: config.network.retry.baseMs, maxMs: config.network.retry.maxMs },
        deregisterTimeoutMs: DEREGISTER_TIMEOUT_MS,
      },
    );
    terminal = t;
    wireAdapterEvents({
      modem,
      card,
      gba,
      terminal: t,
      publish,
      sms: ltkm.sms,
      onCardBack: () => void ltkm.intake.retryHeld().catch((err: unknown) => daemonLog.warn({ err: (err as Error).message }, 'kept LTKMs: retry failed')),
      log: daemonLog,
    });

    // ---- MQTT commands, the player, health ----
    const commands = new CommandRouter({ publisher: mqtt, logger: log('mqtt') });
    registerTerminalCommands(commands, t);
    registerEventsCommand(commands, events);
    commands.start();
    const player = config.terminal.playerExchange.enabled ? startPlayerExchange(mqtt, card, daemonLog, publish) : null;
    const health = new HealthReporter({
      publisher: mqtt,
      logger: log('mqtt'),
      intervalMs: config.mqtt.healthIntervalMs,
      counters: () => ({
        terminal: { ...t.counters },
        modem: { state: modem.state, sms: modem.stats().sms },
        ltkm: ltkm.intake.stats(),
        codec: { mikeyDecodes: mikeyDecodeCount() },
        bsm: bsm.stats(),
        gba: gba.stats(),
        store: { ...store.counters },
        ...(player ? { player: { ...player } } : {}),
      }),
    });
    health.start();
    closers.add('health', () => health.stop());
    mqtt.publishState('info', {
      board: config.board.name,
      deviceId: config.deviceId,
      version: packageVersion(),
      modemProfile: config.modem.profile,
      card: world ? world.cardPath : config.card.transport,
      node: process.version,
    });

    // ---- how tools on the box find us ----
    const testerCredentials = accounts?.credentialFiles.tester ?? config.mqtt.testerCredentials;
    // The local broker's player login, for the demo player on the sim board (examples/player --credentials).
    const playerCredentials = accounts?.credentialFiles.player;
    const runtimeInfo: RuntimeInfo = {
      pid: process.pid,
      deviceId: config.deviceId,
      board: config.board.name,
      mqttUrl: mqtt.url,
      topicPrefix: config.mqtt.topicPrefix,
      startedAt: new Date().toISOString(),
      ...(opts.boardFile ? { boardFile: opts.boardFile } : {}),
      ...(world ? { sim: { controlUrl: world.urls.control, portalUrl: world.urls.portal, ...(world.pid !== undefined ? { pid: world.pid } : {}) } } : {}),
      ...(broker && broker.pid !== process.pid ? { brokerPid: broker.pid } : {}),
      ...(testerCredentials ? { testerCredentials } : {}),
      ...(playerCredentials ? { playerCredentials } : {}),
    };
    for (const dir of [config.stateDir, ...(opts.runtimeDir ? [opts.runtimeDir] : [])]) {
      await writeRuntimeInfo(dir, runtimeInfo);
      closers.add('runtime file', () => removeRuntimeInfo(dir));
    }
    // bcastctl log-level / bcastctl bundle.
    registerDiagnosticsCommands(commands, {
      ...(opts.ring ? { ring: opts.ring } : {}),
      levels: logLevels,
      config,
      counters: () => health.snapshot(),
      runtime: () => runtimeInfo,
    });

    // Under systemd (Type=notify): READY/STATUS/WATCHDOG/STOPPING; nothing without $NOTIFY_SOCKET.
    const sd = systemdEnv();
    const notifier = sd ? new SystemdNotifier({ env: sd, send: (m) => void sdNotify(m, sd.notifySocket), modem, terminal: t, logger: daemonLog }) : null;
    if (notifier) {
      notifier.start();
      closers.add('systemd notifier', () => notifier.close());
    }

    // ---- start ----
    // The card (PC/SC: connect, select the USIM, read its files) comes up while the modem does.
    const cardStarted = card.start();
    cardStarted.catch(() => undefined);
    await modem.start();
    if (notifier) {
      // READY=1 once MQTT is connected and the modem port open, whatever the BSM or coverage do (startup-gate.ts).
      const gate = new StartupGate({ mqtt, modem, modemPort: modemPath, logger: daemonLog, onWaiting: (s) => notifier.status(s) });
      closers.add('startup gate', () => gate.cancel());
      void gate.wait().then((started) => started && notifier.startupComplete());
    }
    await cardStarted;
    t.start();
    daemonLog.info({ board: config.board.name, deviceId: config.deviceId, mqtt: mqtt.url, ...(testerCredentials ? { testerCredentials } : {}), ...(playerCredentials ? { playerCredentials } : {}) }, 'bcastd started');
    if (world) daemonLog.info('watch it: npx bcastctl watch    buy a service out of band: npx bcastctl sim purchase urn:bcastd:sim:sport');

    let stopping: Promise<void> | null = null;
    return {
      terminal: t,
      stop: (reason) => {
        stopping ??= (async () => {
          notifier?.stopping(reason);
          daemonLog.info({ reason }, 'stopping: de-registering, then releasing the PDP context');
          await t.stop();
          await closers.closeAll();
          daemonLog.info('stopped');
        })();
        return stopping;
      },
    };
  } catch (err) {
    await closers.closeAll();
    throw err;
  }
}
