// The system-test rig: a real mosquitto on an ephemeral loopback port, the REAL bcastd process on a temp board
// config derived from board-configs/sim.yaml (simulated modem on a pty, virtual USIM through pcscd + vpcd,
// simulated BSF/BSM/SMSC/portal on the sim board's fixed loopback ports), and an MQTT 5 observer recording every
// message under bcastd/v1/# with its arrival time. The sim ports and pcscd are machine-wide, so these tests run
// one at a time (test/serial/). Teardown always stops everything it started, by PID, and then fails the test
// when a secret of the test subscriber leaked into the daemon's log or an MQTT payload, or a child process of
// the daemon (its private pcscd) or the broker outlived it.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, openSync, closeSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js';
import { bcastdBin, repoRoot } from '../../helpers/repo.js';
import type { Role } from '../../../src/mqtt/roles.js';
import { isRunning, runningDescendants } from '../../../src/util/proc-stat.js';
import { writeTestBoard, type Login, type Overrides } from './board.js';

/** The sim board's built-in test subscriber (src/sim/subscriber.ts DEFAULT_SUBSCRIBER). */
export const SUBSCRIBER = {
  imsi: '001010000000001',
  k: '465b5ce8b199b49faa5f0a2ee238a6bc',
  opc: 'cd63cb71954a9f4e48a5994e37a02baf',
} as const;
/** The portal and control API name the terminal by its IMSI. */
export const TERMINAL = SUBSCRIBER.imsi;
/** Key Domain ID of MCC 001 / MNC 01: MCC||MNC in TS 24.008 BCD, MNC digit 3 = F. */
export const KEY_DOMAIN = '00f110';
/** Key groups of the sim services (src/daemon/sim-world.ts SIM_SERVICES). */
export const KEY_GROUP = { news: 0x0101, sport: 0x0202, movies: 0x0303 } as const;

/** An unmasked B-TID: base64 of the RAND (16+ chars, optional padding) followed by `@`. */
const BTID = /[A-Za-z0-9+/]{16,}={0,2}@/;

export interface Recorded {
  topic: string;
  /** The topic after `<prefix>/<deviceId>/`. */
  suffix: string;
  at: number;
  retain: boolean;
  raw: string;
  payload: Record<string, unknown>;
}

export interface SimEvent {
  type: string;
  ts: string;
  seq: number;
  [k: string]: unknown;
}

export interface AtLogEntry {
  seq: number;
  ts: string;
  command: string;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface DaemonRun {
  child: ChildProcess;
  pid: number;
  startedAt: number;
  exit: Promise<Exit>;
  exited: Exit | null;
}

interface RuntimeInfo {
  pid: number;
  deviceId: string;
  mqttUrl: string;
  topicPrefix: string;
  sim?: { controlUrl: string; portalUrl: string };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RigOptions {
  /** Merged into the test board config (objects key by key). */
  overrides?: Overrides;
  /** Wait for `status` ready after the start (default true). */
  waitReady?: boolean;
  /** Extra environment variables for the daemon (e.g. NOTIFY_SOCKET, WATCHDOG_USEC). */
  env?: Record<string, string>;
  /** The launcher to run (default the repo's bin/bcastd; an unpacked tarball's for the package tests). */
  launcher?: string;
  /** The node the launcher execs (BCASTD_NODE; default this test's node; a qemu wrapper for ARM). */
  node?: string;
  /** How long the start may take, to runtime.json and then to `ready` each (default 30 s and 40 s). */
  startTimeoutMs?: number;
}

export class SystemRig {
  readonly dir: string;
  readonly stateDir: string;
  readonly logFile: string;
  readonly boardFile: string;
  readonly messages: Recorded[] = [];
  readonly #broker: Mosquitto;
  /** Logged in as `tester`, as a field tester would be: it sees everything but player/#. */
  readonly #observer: MqttClient;
  readonly #logins: Readonly<Record<Role, Login>>;
  /** Logged in as `player`, made on first use: publishes STKMs, records its player/tek replies. */
  #player: Promise<MqttClient> | undefined;
  readonly #waiters = new Set<() => void>();
  readonly #runs: DaemonRun[] = [];
  /** Children of the daemon (its private pcscd), by PID, seen while it ran. */
  readonly #children = new Map<number, string>();
  #childWatch: NodeJS.Timeout | undefined;
  #base = 'bcastd/v1/sim/';
  #runtime: RuntimeInfo | null = null;
  #extraEnv: Record<string, string> = {};
  #launcher = bcastdBin;
  #node = process.execPath;
  #startTimeoutMs: number | undefined;
  /** Key material the simulated network shares with the terminal (name → bytes), gathered while the daemon ran. */
  readonly #keys = new Map<string, { name: string; bytes: Buffer }>();

  private constructor(dir: string, broker: Mosquitto, observer: MqttClient, boardFile: string, logins: Readonly<Record<Role, Login>>) {
    this.dir = dir;
    this.stateDir = join(dir, 'state');
    this.logFile = join(dir, 'bcastd.log');
    this.boardFile = boardFile;
    this.#broker = broker;
    this.#observer = observer;
    this.#logins = logins;
    this.#record(observer);
  }

  #record(client: MqttClient): void {
    client.on('message', (topic, payload, packet) => {
      // Hostile-input tests publish megabytes: keep a head of those (the daemon itself never publishes such).
      const raw = payload.length > 1 << 20 ? `${payload.subarray(0, 256).toString('utf8')}…(${payload.length} bytes)` : payload.toString('utf8');
      let parsed: Record<string, unknown> = {};
      try {
        parsed = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
      } catch {
        parsed = { unparsable: raw };
      }
      this.messages.push({ topic, suffix: topic.startsWith(this.#base) ? topic.slice(this.#base.length) : topic, at: Date.now(), retain: packet.retain, raw, payload: parsed });
      for (const w of [...this.#waiters]) w();
    });
  }

  /** Starts mosquitto, the observer and (unless told otherwise) bcastd; registers the teardown on `t`. */
  static async start(t: TestContext, o: RigOptions = {}): Promise<SystemRig> {
    failOnUnhandledRejection();
    const dir = mkdtempSync(join(tmpdir(), 'bcastd-system-'));
    let broker: Mosquitto | undefined;
    let observer: MqttClient | undefined;
    try {
      // The rig's broker enforces the product's roles (src/mqtt/roles.ts), anonymous refused, every device id.
      const logins = { bcastd: rigLogin('bcastd'), player: rigLogin('player'), tester: rigLogin('tester') };
      const topicPrefix = String((o.overrides?.['mqtt'] as { topicPrefix?: unknown } | undefined)?.topicPrefix ?? 'bcastd/v1');
      broker = await startMosquitto({ roles: { topicPrefix, deviceId: '+', logins } });
      observer = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: `system-observer-${process.pid}`, reconnectPeriod: 200, ...logins.tester });
      await observer.subscribeAsync(`${topicPrefix}/#`, { qos: 1 });
      const board = writeTestBoard(dir, { mqttUrl: broker.url, stateDir: join(dir, 'state'), bcastd: logins.bcastd, tester: logins.tester, ...(o.overrides ? { overrides: o.overrides } : {}) });
      const rig = new SystemRig(dir, broker, observer, board.file, logins);
      rig.#extraEnv = o.env ?? {};
      rig.#launcher = o.launcher ?? bcastdBin;
      rig.#node = o.node ?? process.execPath;
      rig.#startTimeoutMs = o.startTimeoutMs;
      t.after(() => rig.close());
      await rig.startDaemon({ waitReady: o.waitReady ?? true });
      return rig;
    } catch (e) {
      await observer?.endAsync(true).catch(() => {});
      await broker?.close();
      throw e;
    }
  }

  get pid(): number | undefined {
    const r = this.#runs.at(-1);
    return r && r.exited === null ? r.pid : undefined;
  }

  get brokerUrl(): string {
    return this.#broker.url;
  }

  /** The rig broker's login of a role (for clients a test starts itself: a late subscriber, the reference player). */
  login(role: Role): Login {
    return { ...this.#logins[role] };
  }

  /** The broker's private files (password file, ACL): covered by the secrets audit. */
  get brokerAuthFiles(): string[] {
    const a = this.#broker.auth;
    return a ? [a.passwordFile, a.aclFile] : [];
  }

  /** The `player` client: connected and subscribed to the player's replies on first use. */
  #playerClient(): Promise<MqttClient> {
    this.#player ??= (async () => {
      const c = await mqtt.connectAsync(this.#broker.url, { protocolVersion: 5, clientId: `system-player-${process.pid}`, reconnectPeriod: 200, ...this.#logins.player });
      this.#record(c);
      await c.subscribeAsync(`${this.#base}player/tek/#`, { qos: 1 });
      return c;
    })();
    return this.#player;
  }

  get runtime(): RuntimeInfo {
    if (!this.#runtime) throw new Error('no runtime.json read yet');
    return this.#runtime;
  }

  /** Spawns bcastd (JSON logs appended to logFile), waits for runtime.json and, by default, `status` ready. */
  async startDaemon(o: { waitReady?: boolean } = {}): Promise<void> {
    const runtimeFile = join(this.stateDir, 'runtime.json');
    rmSync(runtimeFile, { force: true });
    const fd = openSync(this.logFile, 'a');
    const env = { ...process.env, ...this.#extraEnv };
    delete env['NODE_TEST_CONTEXT'];
    delete env['BCASTD_STATE_DIR'];
    const startedAt = Date.now();
    // The launcher exec()s node (same PID), with this rig's node (or BCASTD_NODE from the environment: a bench's
    // shim) and the shipped V8 settings.
    const child = spawn(this.#launcher, ['--board', this.boardFile, '--log-format', 'json'], { cwd: repoRoot, env: { ...env, BCASTD_NODE: env['BCASTD_NODE'] ?? this.#node }, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const run: DaemonRun = {
      child,
      pid: child.pid!,
      startedAt,
      exited: null,
      exit: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
    };
    void run.exit.then((e) => (run.exited = e));
    this.#runs.push(run);
    this.#watchChildren(run.pid);
    const toRuntime = this.#startTimeoutMs ?? 30_000;
    const deadline = Date.now() + toRuntime;
    while (!existsSync(runtimeFile)) {
      if (run.exited) throw new Error(`bcastd exited (${JSON.stringify(run.exited)}) before writing runtime.json:\n${this.logTail()}`);
      if (Date.now() > deadline) throw new Error(`bcastd wrote no runtime.json within ${toRuntime} ms:\n${this.logTail()}`);
      await sleep(50);
    }
    this.#runtime = JSON.parse(readFileSync(runtimeFile, 'utf8')) as RuntimeInfo;
    this.#base = `${this.#runtime.topicPrefix}/${this.#runtime.deviceId}/`;
    if (o.waitReady ?? true) await this.waitFor('status', (p) => p['state'] === 'ready', this.#startTimeoutMs ?? 40_000, { since: startedAt });
  }

  /** Records the daemon's child processes (by PID) while it runs: they must be gone when it is. */
  #watchChildren(pid: number): void {
    clearInterval(this.#childWatch);
    const look = () => {
      for (const c of runningDescendants(pid)) this.#children.set(c.pid, c.comm);
    };
    look();
    this.#childWatch = setInterval(look, 100);
    this.#childWatch.unref();
  }

  /** Sends `signal` to the running daemon and waits for its exit (SIGKILL after timeoutMs). */
  async signal(signal: NodeJS.Signals, timeoutMs = 20_000): Promise<Exit> {
    const run = this.#runs.at(-1);
    if (!run || run.exited) throw new Error('bcastd is not running');
    for (const c of runningDescendants(run.pid)) this.#children.set(c.pid, c.comm);
    process.kill(run.pid, signal);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), timeoutMs)));
    const first = await Promise.race([run.exit, late]);
    clearTimeout(timer);
    clearInterval(this.#childWatch);
    if (first === 'late') {
      process.kill(run.pid, 'SIGKILL');
      await run.exit;
      throw new Error(`bcastd did not exit within ${timeoutMs} ms of ${signal}; killed`);
    }
    return first;
  }

  /**
   * After a SIGKILL the daemon's detached private pcscd is orphaned (nothing can stop it); a service manager
   * would kill the whole control group. Do that, by PID, and say what was reaped.
   */
  /** Waits for the processes the daemon started to end on their own; returns those still running. */
  async childrenGone(timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    const left = () => [...this.#children].filter(([pid]) => isRunning(pid)).map(([pid, comm]) => `${comm}(${pid})`);
    while (left().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    return left();
  }

  async reapOrphans(): Promise<string[]> {
    const reaped: string[] = [];
    // A child ends on its own shortly after its daemon (the world on its IPC channel closing): a short grace first.
    const graceUntil = Date.now() + 3000;
    while ([...this.#children.keys()].some(isRunning) && Date.now() < graceUntil) await sleep(50);
    for (const [pid, comm] of this.#children) {
      if (!isRunning(pid)) continue;
      reaped.push(`${comm}(${pid})`);
      // The private pcscd's config lives in a temp dir of its own that only its owner would have removed.
      const configDir = privatePcscdDir(pid);
      await stopPid(pid);
      if (configDir) rmSync(configDir, { recursive: true, force: true });
    }
    this.#children.clear();
    return reaped;
  }

  // ---- MQTT ----

  /** Index of the next message to arrive (for waitFor's `since`). */
  mark(): number {
    return this.messages.length;
  }

  /**
   * The first message on `<prefix>/<deviceId>/<suffix>` (a string or a RegExp over the suffix) whose payload
   * satisfies `pred`, already recorded or future; `since` is a mark() index or an arrival time (ms since
   * epoch, > 1e12).
   */
  waitFor(
    suffix: string | RegExp,
    pred: (p: Record<string, unknown>, m: Recorded) => boolean = () => true,
    timeoutMs = 10_000,
    o: { since?: number } = {},
  ): Promise<Recorded> {
    const since = o.since ?? 0;
    const from = (i: number, m: Recorded) => (since > 1e12 ? m.at >= since : i >= since);
    const match = (m: Recorded) => (typeof suffix === 'string' ? m.suffix === suffix : suffix.test(m.suffix));
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = this.messages.find((m, i) => from(i, m) && match(m) && pred(m.payload, m));
        if (!hit) return false;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        const seen = this.messages.filter((m, i) => from(i, m) && match(m)).map((m) => m.raw);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${String(suffix)}; seen on it: ${seen.slice(-8).join(' | ') || 'nothing'}`));
      }, timeoutMs);
      if (!check()) this.#waiters.add(check);
    });
  }

  /** Messages on a suffix (optionally from a mark or time on), in arrival order. */
  on(suffix: string | RegExp, since = 0): Recorded[] {
    return this.messages.filter((m, i) => (since > 1e12 ? m.at >= since : i >= since) && (typeof suffix === 'string' ? m.suffix === suffix : suffix.test(m.suffix)));
  }

  /** Payloads of the `events` topic (optionally of one type, from a mark or time on). */
  events(type?: string, since = 0): Array<Record<string, unknown>> {
    return this.on('events', since)
      .map((m) => m.payload)
      .filter((p) => type === undefined || p['type'] === type);
  }

  /** The latest `health` payload's counters published after `since`. */
  async healthAfter(since: number, timeoutMs = 5000): Promise<Record<string, any>> {
    // Built after `since` (its ts), not only arrived after it: states go at QoS 1 and events at QoS 0, so the broker
    // may deliver an event before a health message published earlier, whose counters would then be older.
    const m = await this.waitFor('health', (p) => typeof p['ts'] === 'string' && Date.parse(p['ts']) >= since, timeoutMs, { since });
    return (m.payload['counters'] ?? {}) as Record<string, any>;
  }

  // ---- the simulated world ----

  /** The control API: GET when no body, POST JSON otherwise. */
  async simControl(path: string, body?: Record<string, unknown>): Promise<{ status: number; json: any }> {
    const base = this.runtime.sim?.controlUrl;
    if (!base) throw new Error('runtime.json has no sim.controlUrl');
    return httpJson(`${base}${path}`, body);
  }

  async portal(body: Record<string, unknown>): Promise<{ status: number; json: any }> {
    const base = this.runtime.sim?.portalUrl;
    if (!base) throw new Error('runtime.json has no sim.portalUrl');
    return httpJson(`${base}/purchase`, body);
  }

  /**
   * Publishes to `<prefix>/<deviceId>/<suffix>` as a client of the daemon would: `player/…` as the local player
   * (whose player/tek replies are then recorded too), anything else as the tester.
   */
  async publish(suffix: string, payload: Record<string, unknown>): Promise<void> {
    const client = suffix.startsWith('player/') ? await this.#playerClient() : this.#observer;
    await client.publishAsync(`${this.#base}${suffix}`, JSON.stringify(payload), { qos: 1 });
  }

  /** Publishes raw bytes (anything a hostile client could send) to `<prefix>/<deviceId>/<suffix>`. */
  async publishRaw(suffix: string, payload: string | Buffer, opts: { retain?: boolean; properties?: Record<string, unknown> } = {}): Promise<void> {
    // As the role that may write there (the broker's ACL drops the rest): player/… as the player, else the tester.
    const client = suffix.startsWith('player/') ? await this.#playerClient() : this.#observer;
    await client.publishAsync(`${this.#base}${suffix}`, payload, { qos: 1, ...(opts.retain ? { retain: true } : {}), ...(opts.properties ? { properties: opts.properties } : {}) });
  }

  /** Everything the simulated network saw (optionally one type). */
  async simEvents(type?: string): Promise<SimEvent[]> {
    const r = await this.simControl('/events');
    if (r.status !== 200) throw new Error(`GET /events: ${r.status}`);
    return (r.json as SimEvent[]).filter((e) => type === undefined || e.type === type);
  }

  /** Polls the simulated network's event log until `pred` holds for some event. */
  async waitForSimEvent(pred: (e: SimEvent) => boolean, timeoutMs = 10_000): Promise<SimEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = (await this.simEvents()).find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for a simulated-network event`);
      await sleep(50);
    }
  }

  /** Every AT command the simulated modem received (GET /at-log on the control API). */
  async atLog(): Promise<AtLogEntry[]> {
    const r = await this.simControl('/at-log');
    if (r.status !== 200) throw new Error(`GET /at-log answered ${r.status}: ${JSON.stringify(r.json)}`);
    return r.json as AtLogEntry[];
  }

  /**
   * Fetches the keys the simulated network shares with the terminal now (MRK, MUK per registered B-TID; MSK per
   * service) and remembers them for the secrets audit; returns everything remembered so far.
   */
  async collectKeyMaterial(): Promise<Array<{ name: string; bytes: Buffer }>> {
    const r = await this.simControl('/key-material');
    if (r.status !== 200) throw new Error(`GET /key-material answered ${r.status}`);
    for (const name of ['mrk', 'muk', 'msk'] as const) for (const hex of r.json[name] as string[]) this.noteKey(name.toUpperCase(), Buffer.from(hex, 'hex'));
    return [...this.#keys.values()];
  }

  /** Adds a key (a TEK a test got from the simulated broadcast) to what the secrets audit looks for. */
  noteKey(name: string, bytes: Uint8Array): void {
    if (bytes.length >= 8) this.#keys.set(Buffer.from(bytes).toString('hex'), { name, bytes: Buffer.from(bytes) });
  }

  /** Where any remembered key appears in `data` (raw bytes, hex in either case, base64): key name and form. Works on dumps of any size. */
  keysIn(data: Buffer): string[] {
    const found = new Set<string>();
    for (const [hex, k] of this.#keys) {
      const forms: Array<[string, Buffer]> = [['bytes', k.bytes], ['hex', Buffer.from(hex, 'latin1')], ['HEX', Buffer.from(hex.toUpperCase(), 'latin1')], ['base64', Buffer.from(k.bytes.toString('base64').replace(/=+$/, ''), 'latin1')]];
      for (const [form, f] of forms) if (data.includes(f)) found.add(`${k.name} (${form})`);
    }
    return [...found];
  }

  // ---- logs ----

  logText(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
  }

  /** The daemon's JSON log lines (lines that are not JSON are skipped). */
  logLines(): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = [];
    for (const l of this.logText().split('\n')) {
      if (!l.startsWith('{')) continue;
      try {
        out.push(JSON.parse(l) as Record<string, unknown>);
      } catch {
        // a line cut by SIGKILL
      }
    }
    return out;
  }

  /** The numeric pino level of a log line (the daemon writes the label: "level":"warn"). */
  static levelOf(line: Record<string, unknown>): number {
    const l = line['level'];
    if (typeof l === 'number') return l;
    const n = typeof l === 'string' ? pino.levels.values[l] : undefined;
    if (n === undefined) throw new Error(`log line with an unknown level: ${JSON.stringify(line).slice(0, 200)}`);
    return n;
  }

  logTail(n = 40): string {
    return this.logText().split('\n').slice(-n).join('\n');
  }

  // ---- teardown ----

  /**
   * Where the subscriber's secrets (K, OPc, whole IMSI), an unmasked B-TID or key material of the simulated network
   * (MRK, MUK, MSK, noted TEKs) appear: the daemon's log, MQTT payloads (TEKs are allowed on player/tek only), the
   * state dir, and the broker's private files (password file, ACL) and the rig's credential files — logins are
   * allowed there, key material is not.
   */
  leaks(): string[] {
    const found: string[] = [];
    const scan = (where: string, text: string) => {
      const lower = text.toLowerCase();
      if (lower.includes(SUBSCRIBER.k)) found.push(`${where}: K`);
      if (lower.includes(SUBSCRIBER.opc)) found.push(`${where}: OPc`);
      if (text.includes(SUBSCRIBER.imsi)) found.push(`${where}: the whole IMSI`);
      const b = BTID.exec(text);
      if (b) found.push(`${where}: an unmasked B-TID (${b[0].slice(0, 6)}…@)`);
    };
    this.logText()
      .split('\n')
      .forEach((l, i) => scan(`log line ${i + 1}`, l));
    for (const m of this.messages) {
      // What the daemon published: requests to it (cmd/<name>, player/stkm) are the test's own words.
      if (/^cmd\/[^/]+$|^player\/stkm$/.test(m.suffix)) continue;
      scan(`MQTT ${m.topic}`, m.raw);
      const keys = this.keysIn(Buffer.from(m.raw, 'utf8')).filter((k) => !(k === 'TEK' && m.suffix.startsWith('player/tek')));
      if (keys.length) found.push(`MQTT ${m.topic}: ${keys.join(', ')}`);
    }
    const keysInLog = this.keysIn(Buffer.from(this.logText(), 'utf8'));
    if (keysInLog.length) found.push(`log: ${keysInLog.join(', ')}`);
    for (const file of [...this.brokerAuthFiles, join(this.dir, 'tester.json'), join(this.dir, 'mqtt-password'), this.boardFile, ...regularFiles(this.stateDir)]) {
      let data: Buffer;
      try {
        data = readFileSync(file);
      } catch {
        continue;
      }
      scan(file, data.toString('latin1'));
      const keys = this.keysIn(data);
      if (keys.length) found.push(`${file}: ${keys.join(', ')}`);
    }
    return found;
  }

  /** Stops the daemon (SIGTERM, SIGKILL fallback), the observer and mosquitto; removes the temp dir; then fails on leaks or left-behind processes. */
  async close(): Promise<void> {
    const problems: string[] = [];
    const run = this.#runs.at(-1);
    // The keys of this run, for the audit below (the simulated network goes away with the daemon).
    if (run && !run.exited) await this.collectKeyMaterial().catch(() => undefined);
    if (run && !run.exited) {
      try {
        await this.signal('SIGTERM', 20_000);
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
    clearInterval(this.#childWatch);
    const left = await this.reapOrphans();
    if (left.length) problems.push(`left behind by bcastd (stopped now): ${left.join(', ')}`);
    await this.#observer.endAsync(true).catch(() => {});
    // Before the broker goes: its private files are part of the audit.
    const leaks = this.leaks();
    if (this.#player) await (await this.#player.catch(() => null))?.endAsync(true).catch(() => {});
    const brokerPid = this.#broker.pid;
    await this.#broker.close();
    if (brokerPid !== undefined && isRunning(brokerPid)) problems.push(`mosquitto ${brokerPid} still running`);
    problems.push(...leaks.slice(0, 20));
    // BCASTD_KEEP_SYSTEM_TMP=1 keeps the temp dir (log, state, board config) for a look afterwards.
    if (process.env['BCASTD_KEEP_SYSTEM_TMP']) console.log(`kept ${this.dir}`);
    else rmSync(this.dir, { recursive: true, force: true });
    if (problems.length) throw new Error(`system test teardown:\n  ${problems.join('\n  ')}`);
  }
}

/** Every regular file below `dir` (no symlinks, ptys or sockets). */
function regularFiles(dir: string): string[] {
  const out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    const p = join(dir, n);
    const st = lstatSync(p, { throwIfNoEntry: false });
    if (st?.isDirectory()) out.push(...regularFiles(p));
    else if (st?.isFile()) out.push(p);
  }
  return out;
}

/** A fresh random password per rig and role. */
function rigLogin(role: Role): Login {
  return { username: role, password: randomBytes(18).toString('base64url') };
}

async function httpJson(url: string, body?: Record<string, unknown>): Promise<{ status: number; json: any }> {
  const res = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = { text };
  }
  return { status: res.status, json };
}

/** The temp dir of a pcscd the daemon started (`pcscd --config <tmp>/bcastd-pcscd-XXXXXX/reader.conf`), if it is one. */
function privatePcscdDir(pid: number): string | null {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const conf = args[args.indexOf('--config') + 1] ?? '';
    const m = /^(.*\/bcastd-pcscd-[^/]+)\/reader\.conf$/.exec(conf);
    return m && m[1]!.startsWith(tmpdir()) ? m[1]! : null;
  } catch {
    return null;
  }
}

/** SIGTERM, then SIGKILL after 3 s, by PID (the process is not our child: poll /proc). */
async function stopPid(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + 3000;
  while (isRunning(pid) && Date.now() < deadline) await sleep(50);
  if (isRunning(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
    while (isRunning(pid)) await sleep(20);
  }
}

let rejectionHook = false;
/** Any unhandled rejection in the test process fails the run. */
export function failOnUnhandledRejection(): void {
  if (rejectionHook) return;
  rejectionHook = true;
  process.on('unhandledRejection', (e) => {
    throw e;
  });
}

/** Sleeps (a pause the test needs to be sure something does NOT happen). */
export const pause = sleep;
