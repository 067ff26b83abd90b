// Wiring: board config → logger → MQTT (status init) → [sim world] → modem → card → GBA/BSM → LTKM intake + bearers →
// terminal. Every adapter is built here and handed to the terminal as a port; nothing below knows the others.
import { Type } from '@sinclair/typebox';
import type { Logger } from 'pino';
import type { BoardConfig } from './config/index.js';
import { LogLevels, registerDiagnosticsCommands, type LogRing } from './diagnostics/index.js';
import { cardKeyProcessor, gbaCard } from './card-wiring.js';
import { gbaPort, bsmPort } from './ports/network-ports.js';
import { startPlayerExchange } from './player-exchange.js';
import { publishPort } from './ports/publish-port.js';
import { EventLog } from './event-log.js';
import { statePort } from './ports/state-port.js';
import { readRuntimeInfo, removeRuntimeInfo, writeRuntimeInfo, type RuntimeInfo } from './runtime-file.js';
import { packageVersion } from './version.js';
import type { VirtualUsim } from '../sim/usim/index.js';
import { pcscliteLoadable } from './pcsclite-loadable.js';
import { startSimWorldProcess } from './sim-world-process.js';
import { pcscdInstalled } from '../sim/pcscd.js';
import { GpioModemResetter } from './gpio-resetter.js';
import { SystemdNotifier, systemdEnv } from './systemd.js';
import { StartupGate } from './startup-gate.js';
import { BsmClient, UdpBearer, credentialsFromGba } from '../bsm/index.js';
import { Card, openCardTransport } from '../card/index.js';
import { GbaClient, createHttpTransport } from '../gba/index.js';
import { maskId } from '../util/mask.js';
import { Modem } from '../modem/index.js';
import { protectFromDumps, sdNotify, secureAllocator, secureMemoryAvailable } from '../native/index.js';
import { Secret } from '../crypto/index.js';
import { CommandRouter, HealthReporter, MqttPublisher, createBrokerAccounts, startLocalBroker, stopStaleBroker, type BrokerAccounts, type LocalBroker } from '../mqtt/index.js';
import { ensurePrivateDir } from '../store/private-dir.js';
import { StateStore } from '../store/state-store.js';
import { Terminal } from '../terminal/terminal.js';
import { configuredServiceIds } from '../terminal/service-ids.js';
import { WDP_PORT } from '../codec/wsp/ports.js';
import { mikeyDecodeCount } from '../codec/index.js';
import { LtkmIntake } from '../terminal/ltkm/intake.js';
import { SmsBearer } from '../terminal/ltkm/sms-bearer.js';

const MODEM_READY_TIMEOUT_MS = 60_000;
const CARD_READY_TIMEOUT_MS = 30_000;
const DEREGISTER_TIMEOUT_MS = 10_000;
/** How long an LTKM that found no MUK before the first registration waits for GBA (and the registration). */
const KEYS_READY_TIMEOUT_MS = 60_000;
const SIM_BROKER_PORT = 1883;

export interface RunningDaemon {
  terminal: Terminal;
  /** De-registers, releases the PDP context, publishes `offline`, closes everything. */
  stop(reason: string): Promise<void>;
}

/** What the daemon needs of the simulated world, wherever it runs. */
interface WorldView {
  modemPath: string;
  cardPath: 'pcsc' | 'in-process';
  urls: { control: string; portal: string };
  /** Its own process (sim.process child). */
  pid?: number;
  /** The virtual USIM, when the world runs in this process. */
  usim?: VirtualUsim;
}

export interface DaemonOptions {
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
  const levels = { level: config.log.level, ...(config.log.components ? { components: config.log.components } : {}) };
  // Adapters bind {component} themselves; the daemon, terminal and MQTT get it here.
  const SELF_BINDING = new Set(['modem', 'card', 'gba', 'bsm', 'store', 'sim']);
  // Runtime log levels (`log-level` command); a restart returns to the board config.
  const logLevels = new LogLevels(root, levels);
  const log = (component: string) => logLevels.logger(component, !SELF_BINDING.has(component));
  const daemonLog = log('daemon');
  // No core dump and no ptrace of a process about to hold keys (PR_SET_DUMPABLE 0 as the addon loads).
  try {
    if (!protectFromDumps()) daemonLog.warn('the process is still dumpable: a crash could write key material to a core file');
  } catch (err) {
    daemonLog.warn({ err: (err as Error).message }, 'cannot make the process non-dumpable (native addon missing): rely on LimitCORE=0');
  }
  // Key material held in the ME (GBA_ME keys, MUKs, MSKs): locked, non-dumpable memory, zeroed when freed.
  if (secureMemoryAvailable()) {
    Secret.setAllocator(secureAllocator((s) => daemonLog.warn({ secureMemory: s }, 'key memory could not be locked (RLIMIT_MEMLOCK; raise LimitMEMLOCK or grant CAP_IPC_LOCK): keys may be swapped out')));
  } else {
    daemonLog.warn('locked key memory unavailable (native addon not built or not Linux): keys stay in ordinary buffers');
  }
  const isSim = config.modem.profile === 'sim';
  // Private or refused (owner, mode and no symlink checked): every file below is opened trusting it.
  const dir = await ensurePrivateDir(config.stateDir);
  if (dir.tightened) daemonLog.warn({ stateDir: config.stateDir }, 'state dir was readable by others: closed to 0700');

  const closers: Array<[string, () => Promise<void> | void]> = [['log levels', () => logLevels.stop()]];
  const closeAll = async () => {
    for (const [what, close] of closers.reverse()) {
      try {
        await close();
      } catch (err) {
        daemonLog.warn({ what, err: (err as Error).message }, 'close failed');
      }
    }
  };

  try {
    const store = new StateStore({ dir: config.stateDir, logger: log('store') });
    await store.load();
    closers.push(['store', () => store.close()]);

    // MQTT first, so that every later step is visible.
    let broker: LocalBroker | null = null;
    let accounts: BrokerAccounts | null = null;
    if (!config.mqtt.url) {
      // A previous bcastd killed without its shutdown left its broker running on our port: stop that one first.
      const previous = await readRuntimeInfo(config.stateDir);
      if (previous?.brokerPid !== undefined && previous.pid !== process.pid && (await stopStaleBroker(previous.brokerPid))) {
        daemonLog.warn({ pid: previous.brokerPid }, 'stopped the local MQTT broker a previous, killed bcastd left behind');
      }
      // One generated login per role, in a private runtime dir; anonymous clients get nothing.
      const acc = await createBrokerAccounts();
      accounts = acc;
      closers.push(['broker accounts', () => acc.remove()]);
      const roles = { logins: acc.logins, topicPrefix: config.mqtt.topicPrefix, deviceId: config.deviceId };
      broker = await startLocalBroker({ roles, port: SIM_BROKER_PORT, logger: log('mqtt') }).catch(() => startLocalBroker({ roles, logger: log('mqtt') }));
      closers.push(['broker', () => broker!.close()]);
    }
    const mqtt = new MqttPublisher({
      // The local broker decides the protocol: MQTT 5 with mosquitto, 3.1.1 with the embedded aedes.
      config: broker ? { ...config.mqtt, protocolVersion: broker.protocolVersion } : config.mqtt,
      deviceId: config.deviceId,
      logger: log('mqtt'),
      ...(broker ? { url: broker.url } : {}),
      ...(accounts ? { login: accounts.logins.bcastd } : {}),
      playerExchange: config.terminal.playerExchange.enabled,
    });
    await mqtt.start();
    closers.push(['mqtt', () => mqtt.close({ finalStatus: 'offline' })]);
    mqtt.setStatus('init');

    // The simulated world: in its own process when the USIM can be reached through PC/SC, else in this one.
    let world: WorldView | null = null;
    if (isSim) {
      const sim = config.sim!;
      const childPossible = sim.process === 'child' && sim.useVpcd !== false && pcscliteLoadable() && pcscdInstalled();
      if (childPossible) {
        try {
          const remote = await startSimWorldProcess(config, log('sim'), opts.pretty === true);
          closers.push(['sim world', () => remote.close()]);
          world = remote;
        } catch (err) {
          if (sim.useVpcd === true) throw err;
          daemonLog.info({ why: (err as Error).message }, 'the simulated world could not run in its own process; it runs in-process');
        }
      }
      if (!world) {
        // Loaded only here: a daemon whose world runs elsewhere (or a real board) never holds the simulator's code.
        const { startSimWorld } = await import('./sim-world.js');
        const local = await startSimWorld(config, log('sim'));
        closers.push(['sim world', () => local.close()]);
        world = { modemPath: local.modem.path, cardPath: local.cardPath, urls: { control: local.network.urls.control, portal: local.network.urls.portal }, ...(local.usim ? { usim: local.usim } : {}) };
      }
    }

    const modemPath = world ? world.modemPath : config.modem.port!;
    // The board's reset/power lines, for the recovery ladder (the simulated modem has none).
    const gpio = !isSim && config.modem.gpio ? config.modem.gpio : null;
    const resetter = gpio && (gpio.resetLine !== undefined || gpio.powerLine !== undefined) ? new GpioModemResetter({ gpio, logger: log('modem') }) : null;
    if (resetter) closers.push(['modem gpio', () => resetter.close()]);
    const modem = new Modem({
      settings: { ...config.modem, port: modemPath, ...(config.modem.timeouts ? { timeouts: config.modem.timeouts } : {}) },
      logger: log('modem'),
      keepPdpActive: true,
      ...(resetter ? { resetter } : {}),
    });
    closers.push(['modem', () => modem.stop()]);

    const transport = await openCardTransport({
      transport: config.card.transport,
      readerPattern: config.card.readerPattern,
      logger: log('card'),
      ...(world?.usim ? { inProcessCard: () => world!.usim! } : {}),
    });
    const card = new Card({ transport, logger: log('card'), gbaMode: config.card.gbaMode, ...(config.card.pinFile ? { pinFile: config.card.pinFile } : {}) });
    closers.push(['card', () => card.close()]);

    const pdpAddress = () => modem.pdpAddress?.ipv4 ?? modem.pdpAddress?.ipv6 ?? undefined;
    const localAddress = config.network.bindToPdpAddress ? pdpAddress : undefined;
    const http = createHttpTransport();
    closers.push(['http', () => http.close()]);
    const retry = config.network.retry;
    const timeoutMs = config.network.httpTimeoutMs;
    const gba = new GbaClient({
      card: gbaCard(card),
      http,
      bsmFqdn: config.network.bsmFqdn,
      ...(config.network.bsfUrl ? { bsfUrl: config.network.bsfUrl } : {}),
      mode: config.card.gbaMode,
      version: packageVersion(),
      timeoutMs,
      retry,
      ...(localAddress ? { localAddress } : {}),
      logger: log('gba'),
    });
    closers.push(['gba', () => gba.close()]);
    const bsm = new BsmClient({
      ...(config.network.bsmUrl ? { bsmUrl: config.network.bsmUrl } : {}),
      bsmFqdn: config.network.bsmFqdn,
      version: packageVersion(),
      credentials: credentialsFromGba(gba),
      http,
      timeoutMs,
      retry,
      ...(localAddress ? { localAddress } : {}),
      logger: log('bsm'),
    });

    const events = new EventLog();
    const publish = publishPort(mqtt, events);
    const gbaMode = () => card.info?.capabilities.gbaMode ?? null;

    // LTKMs: one intake (decode once, checks, the card: USIM in GBA_U, the card adapter's ME side in GBA_ME, one
    // outcome for the terminal) and its bearers, UDP and SMS.
    let terminal: Terminal | null = null;
    const ltkmLog = log('bsm').child({ component: 'bsm', part: 'ltkm' });
    const intake = new LtkmIntake({
      // An LTKM before bring-up (a pull by SMS read at start) waits for the card, and for GBA when it found no MUK.
      processor: cardKeyProcessor(card, { keysReady: () => (terminal ? terminal.whenReady(KEYS_READY_TIMEOUT_MS) : Promise.resolve(false)) }),
      onOutcome: (o) => terminal?.ltkmOutcome(o),
      onFlow: (f) => {
        if (f.step === 'received') publish.event('ltkm-received', { purpose: f.purpose, source: f.via, from: f.from, bytes: f.bytes });
        else if (f.step === 'checked') publish.event('mikey-checked', { purpose: f.purpose, ok: f.ok, ...(f.reason ? { reason: f.reason } : {}), mode: gbaMode(), durationMs: f.durationMs, source: f.via });
        else publish.event('verification-sent', { to: f.to, bytes: f.bytes });
      },
      logger: ltkmLog,
    });
    closers.push(['ltkm intake', () => intake.idle()]);
    const udp = new UdpBearer({
      sink: intake,
      port: config.network.ltkmPort,
      // "pdp": the PDP context's own address once it has one (re-bound when it changes), never every interface.
      bindAddress: config.network.ltkmBind === 'loopback' ? '127.0.0.1' : config.network.ltkmBind === 'pdp' ? null : config.network.ltkmBind,
      allowedSources: config.network.ltkmSources,
      logger: ltkmLog,
    });
    if (config.network.ltkmSources.length === 0) daemonLog.warn('network.ltkmSources is empty: LTKM datagrams are accepted from any source that reaches the port');
    if (udp.bindAddress !== null) await udp.start();
    closers.push(['ltkm listener', () => udp.stop()]);
    if (config.network.ltkmBind === 'pdp') {
      modem.on('pdp', (e) => {
        const address = e.state === 'active' ? (e.address?.ipv4 ?? e.address?.ipv6 ?? null) : null;
        if (address !== udp.bindAddress) void udp.rebind(address).catch((err: unknown) => daemonLog.error({ err: (err as Error).message, address }, 'LTKM listener could not bind the PDP address'));
      });
    }
    const sms = new SmsBearer({ intake, onTriggerMessage: (source) => terminal?.triggerMessage(source) });

    terminal = new Terminal(
      {
        modem: { ready: () => modem.whenReady(MODEM_READY_TIMEOUT_MS) },
        card: {
          ready: async () => {
            await card.waitFor('ready', CARD_READY_TIMEOUT_MS);
            const info = card.info!;
            return { homeKeyDomainId: info.keyDomainId, gbaMode: info.capabilities.gbaMode };
          },
        },
        pdp: {
          ensureActive: async () => {
            if (modem.pdpState !== 'active') await modem.activatePdp();
            if (modem.pdpState !== 'active') throw new Error(`PDP context not active (${modem.pdpState})`);
            return { address: pdpAddress() ?? null };
          },
          release: () => modem.deactivatePdp(),
          get active() {
            return modem.pdpState === 'active';
          },
        },
        gba: gbaPort(gba),
        bsm: bsmPort(bsm, publish),
        publish,
        state: statePort(store),
        logger: log('terminal'),
      },
      {
        services: configuredServiceIds(config.terminal.services),
        rateLimit: config.terminal.triggerRateLimit,
        retry: { baseMs: retry.baseMs, maxMs: retry.maxMs },
        deregisterTimeoutMs: DEREGISTER_TIMEOUT_MS,
      },
    );
    const t = terminal;

    // Adapter events → terminal triggers and state topics.
    let releasedSinceActive = false;
    modem.on('wap-push', (e) => {
      // The SMS (all its parts, reassembled) as the modem handed it over, then what it carried.
      publish.event('sms', { via: e.via, parts: e.datagram.parts, textual: false, port: WDP_PORT.wapPush });
      publish.event('wap-push', { contentType: e.push.contentType, applicationId: e.push.applicationId, bytes: e.push.body.length, source: 'sms' });
    });
    modem.on('wap-push', (e) => void sms.wapPush(e.push).catch((err: unknown) => daemonLog.error({ err: (err as Error).message }, 'WAP push handling failed')));
    modem.on('coverage', (c) => {
      publish.state('modem', { state: modem.state, coverage: c.covered, registration: c.registration ?? null });
      if (c.covered && c.previous === false) t.connectivityRestored('coverage regained');
    });
    modem.on('link', (tr) => publish.state('modem', { state: tr.state, previous: tr.previous, reason: tr.reason ?? null, coverage: modem.coverage, ...modem.identity }));
    modem.on('pdp', (e) => {
      publish.state('pdp', { state: e.state, previous: e.previous, reason: e.reason ?? null, address: e.address ?? null });
      if (e.state === 'inactive' && e.previous === 'active') releasedSinceActive = true;
      if (e.state === 'active' && releasedSinceActive) {
        releasedSinceActive = false;
        t.connectivityRestored('PDP context re-activated');
      }
    });
    modem.on('undecodable', (e) => publish.event('sms-undecodable', { stage: e.error.stage, detail: e.error.message, via: e.via }));
    // Datagrams to other ports and plain SMS are not for bcastd, but they are reported, never silently lost.
    modem.on('datagram', (e) => sms.datagram(e.port));
    modem.on('sms', (e) => publish.event('sms', { via: e.via, parts: e.datagram.parts, textual: e.datagram.text !== undefined }));
    modem.on('expired', (g) => publish.event('sms-expired', { reason: g.reason, reference: g.reference, received: g.received.length, total: g.total }));
    card.on('state', (c) => publish.state('card', { state: c.state, previous: c.previous, reason: c.reason ?? null, ...(card.info ? cardSummary(card) : {}) }));
    // Card pulled, reader or pcscd gone: the terminal says degraded and LTKMs are kept; back: kept ones first
    // (judged with the keys the card still holds), then bootstrap and register again.
    card.on('state', (c) => {
      if (c.state === 'absent' || c.state === 'error') t.cardLost(c.reason ?? c.state);
      else if (c.state === 'ready' && c.previous !== 'ready') {
        void intake.retryHeld().catch((err: unknown) => daemonLog.warn({ err: (err as Error).message }, 'kept LTKMs: retry failed'));
        t.cardBack();
      }
    });
    let bootstrapStarted: number | null = null;
    gba.onStateChange((s, why) => {
      if (s === 'bootstrapping' && bootstrapStarted === null) {
        bootstrapStarted = performance.now();
        publish.event('gba-bootstrap', { phase: 'started', mode: gbaMode() });
      } else if ((s === 'bootstrapped' || s === 'failed') && bootstrapStarted !== null) {
        const durationMs = Math.round((performance.now() - bootstrapStarted) * 100) / 100;
        bootstrapStarted = null;
        publish.event('gba-bootstrap', { phase: s === 'bootstrapped' ? 'done' : 'failed', mode: gba.session?.mode ?? gbaMode(), durationMs, ...(why ? { reason: why } : {}) });
      }
    });
    // A new B-TID means a new MUK: the BSM must learn it before it pushes again (else the card finds no MUK).
    gba.onRenewed((why) => t.renewal(why));
    gba.onStateChange((s, why) => publish.state('gba', { state: s, reason: why ?? null, btid: gba.session ? maskId(gba.session.btid) : null, lifetime: gba.session?.lifetime.toISOString() ?? null, mode: gba.session?.mode ?? null }));
    // Commands from MQTT (and bcastctl, which speaks MQTT).
    const commands = new CommandRouter({ publisher: mqtt, logger: log('mqtt') });
    for (const name of ['register', 'deregister', 'pull', 'bootstrap'] as const) {
      // The terminal's RequestGate paces what these start; the router's own limit refuses a flood before it.
      commands.register(name, async (_n, args) => {
        const services = Array.isArray(args['services']) ? args['services'].filter((s): s is string => typeof s === 'string') : undefined;
        const keyGroup = typeof args['keyGroup'] === 'number' ? args['keyGroup'] : undefined;
        const keyDomainId = typeof args['keyDomainId'] === 'string' ? args['keyDomainId'] : undefined;
        return t.command(name, { ...(services ? { services } : {}), ...(keyGroup !== undefined ? { keyGroup } : {}), ...(keyDomainId ? { keyDomainId } : {}) });
      }, { schema: TERMINAL_COMMAND_ARGS });
    }
    commands.register('events', async (_n, args) => events.query({
      ...(typeof args['sinceMs'] === 'number' ? { sinceMs: args['sinceMs'] } : {}),
      ...(typeof args['limit'] === 'number' ? { limit: args['limit'] } : {}),
    }), { schema: EVENTS_COMMAND_ARGS });
    commands.start();
    const player = config.terminal.playerExchange.enabled ? startPlayerExchange(mqtt, card, log('daemon'), publish) : null;

    const health = new HealthReporter({
      publisher: mqtt,
      logger: log('mqtt'),
      intervalMs: config.mqtt.healthIntervalMs,
      counters: () => ({
        terminal: { ...t.counters },
        modem: { state: modem.state, sms: modem.stats().sms },
        ltkm: intake.stats(),
        codec: { mikeyDecodes: mikeyDecodeCount() },
        bsm: bsm.stats(),
        gba: gba.stats(),
        store: { ...store.counters },
        ...(player ? { player: { ...player } } : {}),
      }),
    });
    health.start();
    closers.push(['health', () => health.stop()]);

    mqtt.publishState('info', {
      board: config.board.name,
      deviceId: config.deviceId,
      version: packageVersion(),
      modemProfile: config.modem.profile,
      card: world ? world.cardPath : config.card.transport,
      node: process.version,
    });

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
      closers.push(['runtime file', () => removeRuntimeInfo(dir)]);
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
      closers.push(['systemd notifier', () => notifier.close()]);
    }

    await modem.start();
    if (notifier) {
      // READY=1 once MQTT is connected and the modem port open, whatever the BSM or coverage do (startup-gate.ts).
      const gate = new StartupGate({ mqtt, modem, modemPort: modemPath, logger: daemonLog, onWaiting: (s) => notifier.status(s) });
      closers.push(['startup gate', () => gate.cancel()]);
      void gate.wait().then((started) => started && notifier.startupComplete());
    }
    await card.start();
    t.start();
    daemonLog.info({ board: config.board.name, deviceId: config.deviceId, mqtt: mqtt.url, ...(testerCredentials ? { testerCredentials } : {}), ...(playerCredentials ? { playerCredentials } : {}) }, 'bcastd started');
    if (world) {
      daemonLog.info(`watch it: npx bcastctl watch    buy a service out of band: npx bcastctl sim purchase ${'urn:bcastd:sim:sport'}`);
    }

    let stopping: Promise<void> | null = null;
    return {
      terminal: t,
      stop: (reason) => {
        stopping ??= (async () => {
          notifier?.stopping(reason);
          daemonLog.info({ reason }, 'stopping: de-registering, then releasing the PDP context');
          await t.stop();
          await closeAll();
          daemonLog.info('stopped');
        })();
        return stopping;
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** Arguments of register/deregister/pull/bootstrap (each uses the ones it needs). */
const TERMINAL_COMMAND_ARGS = Type.Object(
  {
    services: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 64 })),
    keyGroup: Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffff })),
    keyDomainId: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{6}$' })),
  },
  { additionalProperties: false },
);
const EVENTS_COMMAND_ARGS = Type.Object(
  { sinceMs: Type.Optional(Type.Number({ minimum: 0 })), limit: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })) },
  { additionalProperties: false },
);

/** The `card` topic: identity (masked), GBA flavour and the EF_UST services 68 / 69 / 75 that decide it. */
function cardSummary(card: Card): Record<string, unknown> {
  const info = card.info!;
  const c = info.capabilities;
  return {
    imsi: info.imsiMasked,
    mcc: info.mcc,
    mnc: info.mnc,
    gbaMode: c.gbaMode,
    mbms: c.mbmsService,
    services: { gba: c.gbaService, mbmsSecurity: c.mbmsService, bcastSmartcardProfile: c.bcastScpService },
    reader: info.reader,
  };
}
