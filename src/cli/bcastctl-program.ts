// The bcastctl command tree, separate from the process entry so tests can run it in-process.
import { Command, CommanderError } from 'commander';
import { registerDaemonCommands } from './daemon/commands.js';
import { registerDecode } from './decode/command.js';
import { registerWatch } from './watch/command.js';
import { registerTrace } from './trace/command.js';
import { registerBundle, registerLogLevel } from './bundle/index.js';
import { EXIT, UnreachableError, UsageError, type CliIo } from './io.js';
import { packageVersion } from '../daemon/version.js';

export function buildBcastctl(io: CliIo): Command {
  const program = new Command('bcastctl')
    .description('bcastd field tool: decode captures, inspect and drive the daemon and the simulator')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) })
    .showHelpAfterError(false)
    .version(packageVersion() ?? 'unknown', '-V, --version');
  registerDecode(program, io);
  registerDaemonCommands(program, io);
  registerWatch(program, io);
  registerTrace(program, io);
  registerLogLevel(program, io);
  registerBundle(program, io);
  return program;
}

/** Runs bcastctl with `argv` (without node and script); resolves to the exit code. */
export async function runBcastctl(argv: string[], io: CliIo): Promise<number> {
  const program = buildBcastctl(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof UsageError) {
      io.err(`bcastctl: ${e.message}`);
      return EXIT.usage;
    }
    io.err(`bcastctl: ${e instanceof Error ? e.message : String(e)}`);
    return e instanceof UnreachableError ? EXIT.unreachable : EXIT.failure;
  }
}
