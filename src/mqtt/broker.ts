/**
 * The local broker of the zero-install `sim` board (no mqtt.url configured): Debian's mosquitto (MQTT 5) on
 * loopback, with a generated conf, hashed password file and role ACL in a private dir, started and stopped by
 * PID; without mosquitto, npm aedes inside the process (MQTT 3.1.1) with the same roles, unless `fallback: false`.
 * Either way anonymous clients are refused.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { chown, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { BrokerLogin } from './broker-accounts.js';
import { BrokerUnavailableError } from './errors.js';
import { writeMosquittoAuth } from './mosquitto-auth.js';
import { mosquittoAcl, type Role } from './roles.js';
import { settledWithin } from '../util/with-timeout.js';

/** Who may do what on the local broker: one login per role, the ACL built for this device's topics. */
export interface BrokerRoles {
  logins: Readonly<Record<Role, BrokerLogin>>;
  topicPrefix: string;
  deviceId: string;
}

export interface LocalBrokerOptions {
  roles: BrokerRoles;
  /** Loopback port; 0 or absent: a free ephemeral port. */
  port?: number;
  logger?: Logger;
  /** Where to look for mosquitto before PATH. */
  candidates?: string[];
  /** The PATH searched after the candidates (default process.env.PATH). */
  pathEnv?: string;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  /** Without mosquitto, run aedes in-process (MQTT 3.1.1) instead of failing (default true). */
  fallback?: boolean;
}

export interface LocalBroker {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly bin: string;
  /** 5 with mosquitto, 4 (3.1.1) with the embedded aedes. */
  readonly protocolVersion: 4 | 5;
  /** SIGTERM (SIGKILL after the timeout), then removes the temp dir. */
  close(): Promise<void>;
}

const DEFAULT_CANDIDATES = ['/usr/sbin/mosquitto'];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The mosquitto binary: a known location first, then PATH; undefined when not installed. */
export function findMosquitto(candidates = DEFAULT_CANDIDATES, pathEnv = process.env['PATH'] ?? ''): string | undefined {
  const onPath = pathEnv
    .split(delimiter)
    .filter((d) => d !== '')
    .map((d) => join(d, 'mosquitto'));
  return [...candidates, ...onPath].find(executable);
}

/** The embedded broker's module; aedes is an optional dependency (a board's tarball leaves it out), loaded only here. */
async function loadEmbeddedBroker(): Promise<typeof import('./embedded-broker.js')> {
  try {
    return await import('./embedded-broker.js');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    throw new BrokerUnavailableError('no MQTT broker: mosquitto is not installed and neither is the optional aedes. Install mosquitto (apt-get install mosquitto) or set mqtt.url in the board config');
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr !== null ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startLocalBroker(opts: LocalBrokerOptions): Promise<LocalBroker> {
  const bin = findMosquitto(opts.candidates, opts.pathEnv);
  if (bin === undefined && opts.fallback !== false) {
    const port = opts.port !== undefined && opts.port !== 0 ? opts.port : await freePort();
    if (await accepts(port)) throw new BrokerUnavailableError(`cannot start the embedded broker: 127.0.0.1:${port} is already in use`);
    const embedded = await (await loadEmbeddedBroker()).startEmbeddedBroker(port, opts.roles, opts.logger);
    return { url: embedded.url, port: embedded.port, pid: process.pid, bin: 'aedes (embedded)', protocolVersion: 4, close: embedded.close };
  }
  if (bin === undefined) {
    throw new BrokerUnavailableError('no MQTT broker: mosquitto is not installed. Install it (apt-get install mosquitto) or set mqtt.url in the board config');
  }
  const port = opts.port !== undefined && opts.port !== 0 ? opts.port : await freePort();
  // Someone else's listener would answer our readiness probe: refuse a taken port up front.
  if (await accepts(port)) throw new BrokerUnavailableError(`cannot start mosquitto: 127.0.0.1:${port} is already in use`);
  const auth = await writeMosquittoAuth(bin, opts.roles.logins, mosquittoAcl(opts.roles.topicPrefix, opts.roles.deviceId));
  const dir = auth.dir;
  const conf = join(dir, 'mosquitto.conf');
  const logFile = join(dir, 'mosquitto.log');
  await writeFile(logFile, '', { mode: 0o600 });
  await writeFile(
    conf,
    // set_tcp_nodelay: without it mosquitto holds a message to a subscriber that follows an unacknowledged one until
    // the subscriber's delayed ACK, 40 ms (see broker-connection.ts; packaging/mosquitto/bcastd.conf says the same).
    [`listener ${port} 127.0.0.1`, 'allow_anonymous false', `password_file ${auth.passwordFile}`, `acl_file ${auth.aclFile}`, 'persistence false', 'set_tcp_nodelay true', `log_dest file ${logFile}`, ''].join('\n'),
    { mode: 0o600 },
  );
  // Started as root, mosquitto drops to its own user before it opens its log: hand that user its files.
  if (auth.owner) for (const p of [conf, logFile]) await chown(p, auth.owner.uid, auth.owner.gid);

  // Its own process group: a Ctrl-C on the terminal must not take the broker down before bcastd has published
  // its final status through it; bcastd stops it by PID.
  const child: ChildProcess = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  let spawnError: Error | undefined;
  child.once('error', (e) => (spawnError = e));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stopTimeoutMs = opts.stopTimeoutMs ?? 3000;

  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, 'SIGTERM');
      const graceful = await settledWithin(exited, stopTimeoutMs);
      if (!graceful) {
        process.kill(child.pid, 'SIGKILL');
        await exited;
      }
    }
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 5000);
  for (;;) {
    const failed = spawnError?.message ?? (child.exitCode !== null || child.signalCode !== null ? `exited: ${stderr.trim()} ${(await readFile(logFile, 'utf8').catch(() => '')).trim()}` : undefined);
    if (failed !== undefined) {
      await stop();
      throw new BrokerUnavailableError(`mosquitto (${bin}) on 127.0.0.1:${port} did not start: ${failed}`);
    }
    // Ready when our own process says it listens (not merely when the port answers) and it does answer.
    const listening = (await readFile(logFile, 'utf8').catch(() => '')).includes(`listen socket on port ${port}`);
    if (listening && (await accepts(port))) break;
    if (Date.now() > deadline) {
      await stop();
      throw new BrokerUnavailableError(`mosquitto (${bin}) did not accept connections on 127.0.0.1:${port} in time`);
    }
    await sleep(25);
  }
  const url = `mqtt://127.0.0.1:${port}`;
  opts.logger?.info({ url, pid: child.pid, bin }, 'local MQTT broker started');
  return {
    url,
    port,
    pid: child.pid!,
    bin,
    protocolVersion: 5,
    async close() {
      await stop();
      opts.logger?.info({ url }, 'local MQTT broker stopped');
    },
  };
}

/**
 * A local broker outlives a SIGKILLed bcastd (own process group); the next start stops it, when its PID (from the
 * previous runtime file) still is a mosquitto running one of our generated configs, so the port is free again.
 */
export async function stopStaleBroker(pid: number): Promise<boolean> {
  const ours = () => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return argv.some((a) => a.endsWith('mosquitto')) && argv.some((a) => a.includes('bcastd-broker-'));
    } catch {
      return false;
    }
  };
  if (!Number.isInteger(pid) || pid <= 1 || !ours()) return false;
  const conf = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').find((a) => a.includes('bcastd-broker-'));
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 60 && ours(); i++) await new Promise((r) => setTimeout(r, 50));
  if (ours()) process.kill(pid, 'SIGKILL');
  if (conf && /\/bcastd-broker-[^/]+\/mosquitto\.conf$/.test(conf)) await rm(dirname(conf), { recursive: true, force: true });
  return true;
}
