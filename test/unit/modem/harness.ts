/**
 * Shared by the modem and simulated-modem tests: a failure on any unhandled rejection or exception,
 * loggers, waiting helpers, and a rig that starts the simulated modem and a Modem on a real pty.
 */
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { EventEmitter } from 'node:events';
import pino, { type Logger } from 'pino';
import { Modem, type ModemEvents, type ModemSettings, type ModemTuning, type ModemResetter, type TransportOpener } from '../../../src/modem/index.js';
import { startSimModem, type SimModem, type SimModemOptions } from '../../../src/sim/modem/index.js';
import { repoRoot } from '../../helpers/repo.js';
export { repoRoot };

/** Records unhandled rejections / uncaught exceptions and fails the file when there were any. */
export function failOnUnhandled(): void {
  const problems: unknown[] = [];
  const onProblem = (err: unknown): void => {
    problems.push(err);
  };
  process.on('unhandledRejection', onProblem);
  process.on('uncaughtException', onProblem);
  after(() => {
    process.off('unhandledRejection', onProblem);
    process.off('uncaughtException', onProblem);
    assert.deepEqual(problems.map(String), [], 'no unhandled rejection or exception');
  });
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

export interface LogRecord {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A logger whose JSON lines are parsed into `records` (level `trace` unless said otherwise). */
export function capturingLogger(level: pino.LevelWithSilent = 'trace'): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const dest = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') records.push(JSON.parse(line) as LogRecord);
      done();
    },
  });
  return { logger: pino({ level }, dest), records };
}

export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 10 ms until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(10);
  }
}

/** The next `event` of `emitter` (its arguments), or a failure after `timeoutMs`. */
export function nextEvent<T extends unknown[]>(emitter: EventEmitter, event: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, on);
      reject(new Error(`no '${event}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    function on(...args: unknown[]): void {
      clearTimeout(timer);
      resolve(args as T);
    }
    emitter.once(event, on);
  });
}


/** Short waits everywhere, so that the recovery tests take seconds, not minutes. */
export const FAST_TUNING: ModemTuning = {
  link: {
    probeTimeoutMs: 300,
    probeAttempts: 2,
    syncAttempts: 3,
    bootSettleMs: 100,
    openTimeoutMs: 2000,
    resetTimeoutMs: 1000,
    backoff: { baseMs: 50, maxMs: 400, jitter: 0.2 },
  },
  engine: { settleAfterTimeoutMs: 30 },
  sms: { expireIntervalMs: 50, syncIntervalMs: 60_000 },
  network: { pollIntervalMs: 60_000 },
  pdp: { checkIntervalMs: 60_000, backoff: { baseMs: 50, maxMs: 400, jitter: 0 }, checkDebounceMs: 20, stableMs: 60_000 },
};

export interface RigOptions {
  readonly sim?: SimModemOptions;
  readonly settings?: Partial<ModemSettings>;
  readonly tuning?: ModemTuning;
  readonly resetter?: ModemResetter;
  readonly openTransport?: TransportOpener;
  readonly keepPdpActive?: boolean;
  readonly logger?: Logger;
  /** Wait for the first `ready` (default true). */
  readonly waitReady?: boolean;
}

export interface Rig {
  readonly sim: SimModem;
  readonly modem: Modem;
  readonly dir: string;
  /** Every modem event, in order, with its arguments. */
  readonly events: { name: keyof ModemEvents; args: unknown[]; atLogLength: number; ts: number }[];
  eventsNamed<K extends keyof ModemEvents>(name: K): ModemEvents[K][0][];
  stop(): Promise<void>;
}

const RECORDED: (keyof ModemEvents)[] = ['link', 'ready', 'wap-push', 'datagram', 'sms', 'undecodable', 'expired', 'coverage', 'pdp'];

function mergeTuning(base: ModemTuning, extra: ModemTuning | undefined): ModemTuning {
  if (!extra) return base;
  return {
    link: { ...base.link, ...extra.link },
    engine: { ...base.engine, ...extra.engine },
    sms: { ...base.sms, ...extra.sms },
    network: { ...base.network, ...extra.network },
    pdp: { ...base.pdp, ...extra.pdp },
  };
}

/** The simulated modem at a stable device path in a temp dir, and a Modem on it. */
export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'bcastd-modem-'));
  const sim = await startSimModem({ linkPath: join(dir, 'ttySIM0'), ...options.sim });
  const modem = new Modem({
    settings: { profile: 'sim', port: sim.path, baudRate: 115200, smsMode: 'auto', apn: 'sim.bcastd', pdpType: 'IP', cid: 1, ...options.settings },
    logger: options.logger ?? silentLogger(),
    tuning: mergeTuning(FAST_TUNING, options.tuning),
    ...(options.resetter ? { resetter: options.resetter } : {}),
    ...(options.openTransport ? { openTransport: options.openTransport } : {}),
    ...(options.keepPdpActive === undefined ? {} : { keepPdpActive: options.keepPdpActive }),
  });
  const events: Rig['events'] = [];
  for (const name of RECORDED) modem.on(name, (...args: unknown[]) => events.push({ name, args, atLogLength: sim.atLog.length, ts: Date.now() }));
  const rig: Rig = {
    sim,
    modem,
    dir,
    events,
    eventsNamed: <K extends keyof ModemEvents>(name: K) => events.filter((e) => e.name === name).map((e) => e.args[0] as ModemEvents[K][0]),
    async stop() {
      await modem.stop();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await modem.start();
  if (options.waitReady !== false) {
    try {
      await modem.whenReady(5000);
      // Quiet: the context is up, so no background activation competes with what the test sends.
      if (options.keepPdpActive !== false) await waitFor(() => modem.pdpState === 'active', 'the PDP context');
    } catch (err) {
      await rig.stop();
      throw err;
    }
  }
  return rig;
}

/** AT commands the simulated modem received, as text. */
export function commands(sim: SimModem): string[] {
  return sim.atLog.map((e) => e.command);
}
