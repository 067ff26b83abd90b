// A real mosquitto with a caller-written conf (TLS listeners, ACLs, bridges): own temp dir and log, loopback,
// started and stopped by PID. test/helpers/mosquitto.ts writes a fixed plain conf; this one takes any.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MOSQUITTO_BIN, freePort } from '../../helpers/mosquitto.js';

export interface ConfBroker {
  readonly port: number;
  readonly dir: string;
  /** The broker's log so far. */
  log(): Promise<string>;
  /** Waits until the log matches (for events the broker reports only there). */
  waitLog(re: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
  close(): Promise<void>;
}

export interface ConfBrokerOptions {
  /** The conf body; gets the port, the temp dir and the log file. Logging lines are appended. */
  conf: (o: { port: number; dir: string }) => string;
  /** Extra files written into the temp dir before start (e.g. an acl_file), mode 0644. */
  files?: (o: { port: number; dir: string }) => Record<string, string>;
  port?: number;
  startTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

export async function startConfBroker(o: ConfBrokerOptions): Promise<ConfBroker> {
  const port = o.port ?? (await freePort());
  const dir = await mkdtemp(join(tmpdir(), 'bcastd-mosq-tls-'));
  await chmod(dir, 0o755); // mosquitto drops to its own user when started as root
  const logFile = join(dir, 'mosquitto.log');
  await writeFile(logFile, '');
  await chmod(logFile, 0o666);
  for (const [name, body] of Object.entries(o.files?.({ port, dir }) ?? {})) {
    await writeFile(join(dir, name), body);
    await chmod(join(dir, name), 0o644);
  }
  const confFile = join(dir, 'mosquitto.conf');
  // Logging first: a `connection` section in the body would otherwise swallow these global lines.
  await writeFile(confFile, [`log_dest file ${logFile}`, 'log_type all', 'set_tcp_nodelay true', 'connection_messages true', o.conf({ port, dir }), ''].join('\n'));

  const child: ChildProcess = spawn(MOSQUITTO_BIN, ['-c', confFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  let gone = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => ((gone = true), resolve())));
  let spawnError: Error | undefined;
  child.once('error', (e) => (spawnError = e));
  const log = () => readFile(logFile, 'utf8').catch(() => '');

  const stop = async () => {
    if (child.pid === undefined || gone) return;
    process.kill(child.pid, 'SIGTERM');
    let t: NodeJS.Timeout | undefined;
    const ok = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => (t = setTimeout(() => r(false), 3000)))]);
    clearTimeout(t);
    if (!ok) {
      process.kill(child.pid, 'SIGKILL');
      await exited;
    }
  };

  const deadline = Date.now() + (o.startTimeoutMs ?? 5000);
  for (;;) {
    if (spawnError) throw new Error(`cannot run ${MOSQUITTO_BIN}: ${spawnError.message}`);
    if (gone) {
      const text = `${stderr.trim()} ${await log()}`;
      await rm(dir, { recursive: true, force: true });
      throw new Error(`mosquitto exited during start: ${text}`);
    }
    if ((await log()).includes(`listen socket on port ${port}`) && (await accepts(port))) break;
    if (Date.now() > deadline) {
      const text = await log();
      await stop();
      await rm(dir, { recursive: true, force: true });
      throw new Error(`mosquitto did not listen on 127.0.0.1:${port} in time: ${text}`);
    }
    await sleep(25);
  }

  return {
    port,
    dir,
    log,
    async waitLog(re, timeoutMs = 5000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const text = await log();
        if (re.test(text)) return text;
        if (Date.now() > end) throw new Error(`mosquitto log never matched ${re}:\n${text}`);
        await sleep(25);
      }
    },
    stop,
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
