// Shared by the store tests: a logger that keeps its lines, a file system that records (and can fail)
// the calls the atomic writer makes on the real one, a throw-away state dir, and a valid sample state.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { nodeFs, type AtomicFs, type AtomicHandle } from '../../../src/store/atomic-file.js';
import type { PersistedState } from '../../../src/store/state-schema.js';

// A rejection nobody handled is a bug in the store (a write promise left dangling): fail loudly.
process.on('unhandledRejection', (err) => {
  throw err;
});

export function captureLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

export interface FsCall {
  op: 'open' | 'writeFile' | 'sync' | 'close' | 'rename' | 'unlink' | 'readdir';
  path: string;
  to?: string;
  flags?: string;
  mode?: number;
  at: number;
}

/** Real fs, every call recorded; `fail(op, code, times)` makes the next `times` calls of `op` throw. */
export function recordingFs(): AtomicFs & { calls: FsCall[]; fail(op: FsCall['op'], code: string, times: number): void } {
  const calls: FsCall[] = [];
  const failures = new Map<string, { code: string; times: number }>();
  const maybeFail = (op: FsCall['op'], path: string) => {
    const f = failures.get(op);
    if (f && f.times > 0) {
      f.times--;
      throw Object.assign(new Error(`${f.code}: injected, ${op} '${path}'`), { code: f.code, syscall: op, path });
    }
  };
  const wrap = (path: string, h: AtomicHandle): AtomicHandle => ({
    async writeFile(data) {
      calls.push({ op: 'writeFile', path, at: performance.now() });
      maybeFail('writeFile', path);
      return h.writeFile(data);
    },
    async sync() {
      calls.push({ op: 'sync', path, at: performance.now() });
      maybeFail('sync', path);
      return h.sync();
    },
    async close() {
      calls.push({ op: 'close', path, at: performance.now() });
      return h.close();
    },
  });
  return {
    calls,
    fail(op, code, times) {
      failures.set(op, { code, times });
    },
    async open(path, flags, mode) {
      const call: FsCall = { op: 'open', path, flags, at: performance.now() };
      if (mode !== undefined) call.mode = mode;
      calls.push(call);
      maybeFail('open', path);
      return wrap(path, await nodeFs.open(path, flags, mode));
    },
    async rename(from, to) {
      calls.push({ op: 'rename', path: from, to, at: performance.now() });
      maybeFail('rename', from);
      return nodeFs.rename(from, to);
    },
    async unlink(path) {
      calls.push({ op: 'unlink', path, at: performance.now() });
      return nodeFs.unlink(path);
    },
    async readdir(path) {
      calls.push({ op: 'readdir', path, at: performance.now() });
      return nodeFs.readdir(path);
    },
  };
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'bcastd-store-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A state with every field in use, as the terminal would leave it after a registration and an LTKM. */
export function sampleState(): PersistedState {
  return {
    version: 1,
    registration: {
      state: 'registered',
      services: ['urn:bcast:svc:news', 'urn:bcast:svc:sport'],
      registeredAt: '2024-05-01T10:00:02.123Z',
      lastTrigger: { kind: 'solicited-pull', at: '2024-05-01T10:00:00.000Z' },
    },
    gba: { btid: 'AQIDBAUGBwgJCgsMDQ4PEA==@bsf.mnc001.mcc001.pub.3gppnetwork.org', lifetime: '2024-05-02T10:00:00Z' },
    keys: [
      { keyDomainId: '00f110', keyGroup: 2, keyNumber: 7, mskId: '00020007', validFrom: 1, validTo: 500, storedAt: '2024-05-01T10:00:03.000Z', status: 'stored' },
      { keyDomainId: '00f110', keyGroup: 3, keyNumber: 1, mskId: '00030001', storedAt: '2024-05-01T10:00:03.000Z', status: 'expired' },
    ],
  };
}
