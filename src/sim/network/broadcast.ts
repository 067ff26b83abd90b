/**
 * The simulated broadcast of the sim world: per service, a live SRTP video stream keyed with a TEK + salt
 * (the MTK) that rotates every `rotateSec`, and the STKMs (MIKEY MTK messages, SPEC §3.3) that carry those
 * keys under the service's current MSK, each on a UDP port of its own on loopback. The video runs in a Python
 * + GStreamer child (srtpenc, libsrtp2) started by PID and stopped with the world; only when asked.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import type { SimBsm } from './bsm.js';
import type { EventLog } from './event-log.js';
import { TEK_LENGTH, TEK_SALT_LENGTH } from './stkm.js';
import { SRTP_SENDER_SCRIPT } from './srtp-sender-script.js';

export interface BroadcastSettings {
  rtpPort: number;
  stkmPort: number;
  /** Seconds between MTK rotations. */
  rotateSec: number;
  /** How often the STKMs of the current and the next MTK are repeated. */
  stkmIntervalMs: number;
}

export interface BroadcastInfo extends BroadcastSettings {
  serviceId: string;
  /** MTK ID of the key the stream is protected with now. */
  mtkId: number;
  /** Hex MKI of the current key. */
  mki: string;
  pid: number;
}

interface TrafficKey {
  /** Key number of the MSK the key was made under (part of the MKI). */
  keyNumber: number;
  mtkId: number;
  tek: Buffer;
  salt: Buffer;
}

interface Running {
  settings: BroadcastSettings;
  child: ChildProcess;
  socket: Socket;
  current: TrafficKey;
  next: TrafficKey;
  timers: NodeJS.Timeout[];
  exited: Promise<void>;
}

export class BroadcastError extends Error {
  constructor(
    readonly code: 'unknown_service' | 'not_installed' | 'start_failed' | 'bad_settings',
    message: string,
  ) {
    super(message);
    this.name = 'BroadcastError';
  }
}

/** Picture of the broadcast: tiny, so a test or a demo costs little CPU on a shared machine. */
export const BROADCAST_VIDEO = { width: 160, height: 120, fps: 10 } as const;
const START_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 3000;

/**
 * [U] MKI = MSK ID (Key Group ‖ Key Number) ‖ MTK ID, 6 bytes: the key id the player looks the TEK up by
 * (TS 33.246 SRTP usage; the clause was not read). One place to change it.
 */
export function srtpMki(mskId: { keyGroup: number; keyNumber: number }, mtkId: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUInt16BE(mskId.keyGroup, 0);
  b.writeUInt16BE(mskId.keyNumber, 2);
  b.writeUInt16BE(mtkId, 4);
  return b;
}

/** Debian's interpreter has python3-gi; a pyenv or venv `python3` earlier on PATH usually has not. */
export function broadcastPython(): string {
  return process.env['BCASTD_PYTHON'] ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
}

export class SimBroadcast {
  readonly #running = new Map<string, Running>();
  /** Last MTK ID per service and MSK key number: a restarted broadcast never reuses a key id. */
  readonly #lastMtkId = new Map<string, number>();
  readonly #log: Logger;

  constructor(private readonly o: { bsm: SimBsm; terminals: () => string[]; events: EventLog; logger: Logger; portBase?: number }) {
    this.#log = o.logger.child({ component: 'sim', part: 'broadcast' });
  }

  /** Default ports of a service: two per service from portBase (RTP, then STKM), in the BSM's order. */
  defaultSettings(serviceId: string): BroadcastSettings {
    const index = this.o.bsm.serviceIds().indexOf(serviceId);
    if (index < 0) throw new BroadcastError('unknown_service', `unknown service ${serviceId}`);
    const base = (this.o.portBase ?? 18090) + 2 * index;
    return { rtpPort: base, stkmPort: base + 1, rotateSec: 10, stkmIntervalMs: 500 };
  }

  list(): BroadcastInfo[] {
    return [...this.#running.entries()].map(([serviceId, r]) => this.#info(serviceId, r));
  }

  async start(serviceId: string, overrides: Partial<BroadcastSettings> = {}): Promise<BroadcastInfo> {
    const settings = { ...this.defaultSettings(serviceId), ...overrides };
    for (const [k, v] of Object.entries(settings)) {
      if (!Number.isInteger(v) || v <= 0 || (k.endsWith('Port') && v > 65535)) throw new BroadcastError('bad_settings', `${k} must be a positive integer${k.endsWith('Port') ? ' port' : ''}`);
    }
    const existing = this.#running.get(serviceId);
    if (existing) return this.#info(serviceId, existing);
    const first = this.#newKey(serviceId);
    const running = await this.#spawn(serviceId, settings, first);
    this.#running.set(serviceId, running);
    running.timers.push(setInterval(() => this.#rotate(serviceId), settings.rotateSec * 1000));
    running.timers.push(setInterval(() => this.#sendStkms(serviceId), settings.stkmIntervalMs));
    this.#sendStkms(serviceId);
    this.o.events.push({ type: 'broadcast', serviceId, state: 'on', mtkId: first.mtkId });
    this.#log.info({ serviceId, rtpPort: settings.rtpPort, stkmPort: settings.stkmPort, rotateSec: settings.rotateSec, pid: running.child.pid }, 'broadcast on');
    return this.#info(serviceId, running);
  }

  async stop(serviceId: string): Promise<boolean> {
    const r = this.#running.get(serviceId);
    if (!r) return false;
    this.#running.delete(serviceId);
    r.timers.forEach(clearInterval);
    r.socket.close();
    r.child.stdin?.end();
    const late = setTimeout(() => r.child.kill('SIGTERM'), STOP_GRACE_MS);
    const killer = setTimeout(() => r.child.kill('SIGKILL'), 2 * STOP_GRACE_MS);
    await r.exited;
    clearTimeout(late);
    clearTimeout(killer);
    for (const k of [r.current, r.next]) wipe(k);
    this.o.events.push({ type: 'broadcast', serviceId, state: 'off' });
    this.#log.info({ serviceId }, 'broadcast off');
    return true;
  }

  async close(): Promise<void> {
    for (const id of [...this.#running.keys()]) await this.stop(id);
  }

  #info(serviceId: string, r: Running): BroadcastInfo {
    return { serviceId, ...r.settings, mtkId: r.current.mtkId, mki: this.#mki(serviceId, r.current).toString('hex'), pid: r.child.pid ?? 0 };
  }

  #mki(serviceId: string, k: TrafficKey): Buffer {
    return srtpMki({ keyGroup: this.o.bsm.service(serviceId)!.keyGroup, keyNumber: k.keyNumber }, k.mtkId);
  }

  #newKey(serviceId: string): TrafficKey {
    const keyNumber = this.o.bsm.currentMsk(serviceId)!.keyNumber;
    const slot = `${serviceId}#${keyNumber}`;
    const mtkId = (this.#lastMtkId.get(slot) ?? 0) + 1;
    this.#lastMtkId.set(slot, mtkId);
    return { keyNumber, mtkId, tek: randomBytes(TEK_LENGTH), salt: randomBytes(TEK_SALT_LENGTH) };
  }

  /** SRTP master key = TEK ‖ salt (AES-128-ICM: 16 + 14 bytes), with its MKI, as a line for the sender. */
  #keyLine(serviceId: string, k: TrafficKey): string {
    return `key ${Buffer.concat([k.tek, k.salt]).toString('hex')} ${this.#mki(serviceId, k).toString('hex')}\n`;
  }

  async #spawn(serviceId: string, settings: BroadcastSettings, first: TrafficKey): Promise<Running> {
    const python = broadcastPython();
    const v = BROADCAST_VIDEO;
    const child = spawn(python, ['-c', SRTP_SENDER_SCRIPT, String(settings.rtpPort), String(v.width), String(v.height), String(v.fps)], { stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    const stderr: string[] = [];
    createInterface({ input: child.stderr! }).on('line', (l) => {
      stderr.push(l);
      if (stderr.length > 20) stderr.shift();
      this.#log.debug({ serviceId, line: l.slice(0, 300) }, 'broadcast sender');
    });
    child.stdin!.on('error', () => {}); // the child may be gone; its exit is reported below
    child.stdin!.write(this.#keyLine(serviceId, first));
    const playing = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), START_TIMEOUT_MS);
      child.once('error', () => resolve(false));
      child.once('close', () => resolve(false));
      createInterface({ input: child.stdout! }).on('line', (l) => {
        if (l === 'playing') {
          clearTimeout(timer);
          resolve(true);
        } else if (l.startsWith('error')) this.#log.warn({ serviceId, error: l.slice(6, 300) }, 'broadcast sender error');
      });
    });
    if (!playing) {
      child.kill('SIGKILL');
      await exited;
      const why = stderr.join(' ').slice(-400);
      const missing = /No module named 'gi'|no element|Namespace Gst not available|ENOENT/i.test(why) || child.exitCode === 127;
      throw new BroadcastError(missing ? 'not_installed' : 'start_failed', `the SRTP sender (${python}) did not start: ${why || 'no output'}${missing ? ' (install python3-gst-1.0 gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-x)' : ''}`);
    }
    void exited.then(() => {
      if (this.#running.get(serviceId)?.child === child) {
        this.#log.warn({ serviceId, code: child.exitCode, signal: child.signalCode }, 'broadcast sender ended on its own');
        void this.stop(serviceId);
      }
    });
    const socket = createSocket('udp4');
    socket.on('error', (e) => this.#log.warn({ serviceId, err: e.message }, 'STKM socket error'));
    return { settings, child, socket, current: first, next: this.#newKey(serviceId), timers: [], exited };
  }

  #rotate(serviceId: string): void {
    const r = this.#running.get(serviceId);
    if (!r) return;
    wipe(r.current);
    r.current = r.next;
    r.next = this.#newKey(serviceId);
    r.child.stdin!.write(this.#keyLine(serviceId, r.current));
    this.o.events.push({ type: 'broadcast', serviceId, state: 'rotate', mtkId: r.current.mtkId });
    this.#sendStkms(serviceId);
  }

  /** The STKMs of the current and the next key, built afresh (rising counter) for every terminal. */
  #sendStkms(serviceId: string): void {
    const r = this.#running.get(serviceId);
    if (!r) return;
    for (const terminal of this.o.terminals()) {
      for (const k of [r.current, r.next]) {
        try {
          const s = this.o.bsm.broadcastStkm(terminal, serviceId, k);
          r.socket.send(s.stkm, r.settings.stkmPort, '127.0.0.1');
        } catch (e) {
          this.#log.warn({ serviceId, err: (e as Error).message }, 'STKM not built');
        }
      }
    }
  }
}

function wipe(k: TrafficKey): void {
  k.tek.fill(0);
  k.salt.fill(0);
}
