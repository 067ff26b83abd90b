#!/usr/bin/env node
// bcastd --board <name|path>: runs the daemon until SIGTERM/SIGINT. The first signal de-registers, releases the
// PDP context and exits 0; a second one exits at once. `--check-config` only loads and checks the board config:
// every problem as file:line:col on stderr and exit 2, or exit 0.
import { Command, CommanderError, Option } from 'commander';
import { ConfigError, loadBoardConfig, resolveBoardConfigPath } from '../daemon/config/index.js';
import { createDaemonLogger } from '../daemon/diagnostics/index.js';
import { stdoutIsJournal } from '../daemon/journald.js';
import { LOG_LEVELS } from '../daemon/config/schema.js';
import { packageVersion } from '../daemon/version.js';
import { forkWorldEarly } from '../daemon/setup/world-setup.js';

const program = new Command('bcastd')
  .description('OMA BCAST Smartcard Profile key management daemon')
  .option('--board <name|path>', 'board config: a name under board-configs/ or a YAML path', 'sim')
  .addOption(new Option('--log-level <level>', 'overrides log.level of the board config').choices([...LOG_LEVELS]))
  .addOption(new Option('--log-format <format>', 'json lines or human-readable (default: pretty on a terminal)').choices(['json', 'pretty']))
  .option('--check-config', 'check the board config and exit: 0 when valid, 2 with every problem as file:line:col')
  .version(packageVersion() ?? 'unknown', '-V, --version')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

try {
  program.parse(process.argv);
} catch (e) {
  process.exit(e instanceof CommanderError && e.exitCode === 0 ? 0 : 2);
}
const opts = program.opts<{ board: string; logLevel?: (typeof LOG_LEVELS)[number]; logFormat?: 'json' | 'pretty'; checkConfig?: boolean }>();

let config;
try {
  config = loadBoardConfig(opts.board);
} catch (e) {
  if (e instanceof ConfigError) {
    // A check lists every problem (an editor jumps to each); a start names the first and how many more.
    process.stderr.write(opts.checkConfig ? e.lines().map((l) => `${l}\n`).join('') : `bcastd: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
if (opts.checkConfig) {
  process.stdout.write(`${opts.board}: ok (board ${config.board.name})\n`);
  process.exit(0);
}
if (opts.logLevel) config.log.level = opts.logLevel;
const pretty = opts.logFormat ? opts.logFormat === 'pretty' : config.log.pretty || process.stdout.isTTY === true;
// Under systemd with stdout on the journal: each JSON line at its own priority (journald.ts).
const { logger, ring } = createDaemonLogger({ level: config.log.level, pretty, journal: !pretty && stdoutIsJournal(), ...(config.log.components ? { components: config.log.components } : {}) });

process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection (a bug: please report it)'));

// The sim board's world (its own node, pcscd and modem) starts while the daemon's modules load.
const world = forkWorldEarly(config, logger, pretty);

let daemon;
try {
  // Loaded only to run: --version and --check-config touch no native addon and no adapter.
  const { startDaemon } = await import('../daemon/daemon.js');
  // systemd's RuntimeDirectory= (colon-separated when several): the first is ours.
  const runtimeDir = process.env['RUNTIME_DIRECTORY']?.split(':')[0];
  daemon = await startDaemon(config, logger, { pretty, ring, world, boardFile: resolveBoardConfigPath(opts.board), ...(runtimeDir ? { runtimeDir } : {}) });
} catch (e) {
  logger.fatal({ err: (e as Error).message }, 'bcastd could not start');
  // Closed already when startDaemon got as far as the world; else it would only end with our IPC channel.
  await world?.then((w) => w.close()).catch(() => undefined);
  process.exit(1);
}

let signals = 0;
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal: sig }, 'second signal: exiting now');
      process.exit(1);
    }
    daemon.stop(sig).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err: (err as Error).message }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
