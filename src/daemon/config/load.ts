/**
 * Board config entry points: find the file (a bare name is a board shipped in the package's
 * board-configs/), parse YAML, expand ${VAR}s, validate + fill defaults, apply cross-field rules.
 * Anything wrong is one ConfigError whose message is one line naming file, line, column and field.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, type ConfigIssue } from './errors.js';
import { interpolateEnv } from './interpolate.js';
import { complete, prepare } from './rules.js';
import { readMachineId } from './device-id.js';
import type { BoardConfig } from './schema.js';
import { checkSchema, subject, type Problem } from './validate.js';
import { didYouMean } from './did-you-mean.js';
import { parseYaml, type YamlSource } from './yaml-source.js';

export interface ParseOptions {
  /** Variables for ${VAR} expansion and $BCASTD_DEVICE_ID; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** /etc/machine-id for `deviceIdFrom: machine-id`; default read from the file system. */
  readonly machineId?: () => string | null;
}

export interface LoadOptions extends ParseOptions {
  /** Where bare board names are looked up; default the package's board-configs/. */
  readonly boardDir?: string;
}

/** A bare board name (`sim`, `rpi4-quectel-ec25`) rather than a path (`./my.yaml`, `/etc/bcastd/board.yaml`). */
const BARE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** The package's own board-configs/ directory (found from this file, not from the working directory). */
export function defaultBoardDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('bcastd: package.json not found above the config loader');
    dir = up;
  }
  return join(dir, 'board-configs');
}

/** Names of the boards in `boardDir` (their .yaml files), sorted. */
export function listBoardConfigs(boardDir: string = defaultBoardDir()): string[] {
  try {
    return readdirSync(boardDir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.slice(0, -'.yaml'.length))
      .sort();
  } catch {
    return [];
  }
}

/** The file a `--board` argument names: `<boardDir>/<name>.yaml` for a bare name, else the path itself. */
export function resolveBoardConfigPath(nameOrPath: string, boardDir: string = defaultBoardDir()): string {
  return BARE_NAME.test(nameOrPath) ? join(boardDir, `${nameOrPath}.yaml`) : resolve(nameOrPath);
}

/** Load and check a board config by bare name or path; throws ConfigError. */
export function loadBoardConfig(nameOrPath: string, opts: LoadOptions = {}): BoardConfig {
  const boardDir = opts.boardDir ?? defaultBoardDir();
  const file = resolveBoardConfigPath(nameOrPath, boardDir);
  const shown = displayPath(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    if (BARE_NAME.test(nameOrPath) && code === 'ENOENT') {
      const boards = listBoardConfigs(boardDir);
      const guess = didYouMean(nameOrPath, boards);
      const hint = guess !== undefined ? `did you mean "${guess}"?` : `boards: ${boards.join(', ') || 'none'}`;
      throw fileError(nameOrPath, `one of the boards ${boards.join(', ')}`, `no board config named "${nameOrPath}" in ${displayPath(boardDir)} (${hint})`);
    }
    throw fileError(shown, 'a readable board config file', `cannot read the board config (${code === 'ENOENT' ? 'no such file' : code})`);
  }
  return parseBoardConfig(text, shown, opts);
}

/** Parse and check board config text; `sourceName` prefixes every message. Throws ConfigError. */
export function parseBoardConfig(text: string, sourceName: string, opts: ParseOptions = {}): BoardConfig {
  const src = parseYaml(text, sourceName);
  const value = src.value;
  const env = opts.env ?? process.env;
  const expansion = interpolateEnv(value, env).map(
    (p): Problem => ({ path: p.path, locateAt: p.path, anchor: 'value', expected: 'a set environment variable or ${NAME:-default}', message: `${subject(p.path)} ${p.message}` }),
  );
  raise(sourceName, src, expansion);
  prepare(value);
  raise(sourceName, src, checkSchema(value));
  const config = value as BoardConfig;
  raise(sourceName, src, complete(config, { env, machineId: opts.machineId ?? readMachineId }));
  return config;
}

/** Throw the problems, located and in file order, if there are any. */
function raise(source: string, src: YamlSource, problems: Problem[]): void {
  if (problems.length === 0) return;
  const issues = problems.map((p): ConfigIssue => {
    const pos = src.locate(p.locateAt, p.anchor);
    return { path: p.path, ...pos, expected: p.expected, message: p.message };
  });
  // Stable sort: located issues in file order, then the rest (missing fields) in schema order.
  issues.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.col ?? 0) - (b.col ?? 0));
  throw new ConfigError(source, issues as [ConfigIssue, ...ConfigIssue[]]);
}

function fileError(source: string, expected: string, message: string): ConfigError {
  return new ConfigError(source, [{ path: '', expected, message }]);
}

/** Relative to the working directory when inside it (as a user typed it), else absolute. */
function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
