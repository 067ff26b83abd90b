// A real mosquitto for tests: own conf + log in a temp dir, loopback on a free port, started and stopped
// by PID (never by name), restartable on the same port so clients can test reconnects.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrokerLogin } from '../../src/mqtt/broker-accounts.js';
import { writeMosquittoAuth, type MosquittoAuthFiles } from '../../src/mqtt/mosquitto-auth.js';
import { mosquittoAcl, type Role } from '../../src/mqtt/roles.js';

export const MOSQUITTO_BIN = existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto';

export interface MosquittoOptions {
  /** Port to listen on; default: a free ephemeral port. */
  port?: number;
  /** Bound on waiting for the listener to accept connections. */
  startTimeoutMs?: number;
  /** SIGTERM grace before SIGKILL. */
  stopTimeoutMs?: number;
  /**
   * Enforce bcastd's broker roles as the product does (src/mqtt/broker.ts): no anonymous clients, a hashed
   * password file with these logins and the ACL of src/mqtt/roles.ts. Default: anonymous clients allowed.
   */
  roles?: { topicPrefix: string; deviceId: string; logins: Readonly<Record<Role, BrokerLogin>> };
}

export interface Mosquitto {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  readonly logFile: string;
  /** With `roles`: the broker's private password and ACL files. */
  readonly auth: MosquittoAuthFiles | undefined;
  /** PID of the running broker, undefined while stopped. */
  readonly pid: number | undefined;
  /** Stops the broker (SIGTERM, SIGKILL after the timeout); the temp dir stays for restart(). */
  stop(): Promise<void>;
  /** Starts it again on the same port (after stop(), or stops it first). */
  restart(): Promise<void>;
  /** The broker's log so far (useful in assertion messages). */
  log(): Promise<string>;
  /** Stops the broker and removes the temp dir. */
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr !== null ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startMosquitto(opts: MosquittoOptions = {}): Promise<Mosquitto> {
  const startTimeoutMs = opts.startTimeoutMs ?? 5000;
  const stopTimeoutMs = opts.stopTimeoutMs ?? 3000;
  const port = opts.port ?? (await freePort());
  const dir = await mkdtemp(join(tmpdir(), 'bcastd-mosquitto-'));
  const conf = join(dir, 'mosquitto.conf');
  const logFile = join(dir, 'mosquitto.log');
  // Run as root, mosquitto drops to the `mosquitto` user: the dir and log must stay reachable for it.
  await chmod(dir, 0o755);
  await writeFile(logFile, '', { mode: 0o666 });
  await chmod(logFile, 0o666);
  const auth = opts.roles ? await writeMosquittoAuth(MOSQUITTO_BIN, opts.roles.logins, mosquittoAcl(opts.roles.topicPrefix, opts.roles.deviceId)) : undefined;
  const access = auth ? ['allow_anonymous false', `password_file ${auth.passwordFile}`, `acl_file ${auth.aclFile}`] : ['allow_anonymous true'];
  await writeFile(
    conf,
    [`listener ${port} 127.0.0.1`, ...access, 'persistence false', 'set_tcp_nodelay true', `log_dest file ${logFile}`, 'log_type all', 'connection_messages true', ''].join('\n'),
    { mode: 0o644 },
  );

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  async function start(): Promise<void> {
    const p = spawn(MOSQUITTO_BIN, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    let gone = false;
    exited = new Promise((resolve) => p.once('exit', () => ((gone = true), resolve())));
    let spawnError: Error | undefined;
    p.once('error', (e) => (spawnError = e));
    child = p;
    const deadline = Date.now() + startTimeoutMs;
    for (;;) {
      if (gone) throw new Error(`mosquitto exited during start: ${stderr.trim()} ${await readFile(logFile, 'utf8').catch(() => '')}`);
      if (spawnError !== undefined) throw new Error(`cannot run ${MOSQUITTO_BIN}: ${spawnError.message}`);
      if (await canConnect(port)) return;
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`mosquitto did not accept connections on 127.0.0.1:${port} within ${startTimeoutMs} ms`);
      }
      await sleep(25);
    }
  }

  async function stop(): Promise<void> {
    const p = child;
    if (p === undefined || p.pid === undefined) return;
    child = undefined;
    if (p.exitCode === null && p.signalCode === null) {
      process.kill(p.pid, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), stopTimeoutMs)));
      const killed = await Promise.race([exited.then(() => true), grace]);
      clearTimeout(timer);
      if (!killed) {
        process.kill(p.pid, 'SIGKILL');
        await exited;
      }
    }
  }

  try {
    await start();
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    await auth?.remove();
    throw e;
  }
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    dir,
    logFile,
    auth,
    get pid() {
      return child?.pid;
    },
    stop,
    async restart() {
      await stop();
      await start();
    },
    log: () => readFile(logFile, 'utf8'),
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
      await auth?.remove();
    },
  };
}
