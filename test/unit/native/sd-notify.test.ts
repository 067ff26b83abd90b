// sdNotify: datagrams really arrive at a unix datagram socket, received by socat as systemd would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sdNotify } from '../../../src/native/index.js';
import { delay } from './serial-helpers.js';

interface Receiver {
  /** resolves with everything socat printed once `n` bytes arrived */
  bytes(n: number): Promise<Buffer>;
  stop(): void;
}

/** socat bound to `address` (UNIX-RECV:/path or ABSTRACT-RECV:name), ready once `isBound()` holds. */
async function startReceiver(address: string, isBound: () => boolean): Promise<Receiver> {
  const child: ChildProcess = spawn('socat', ['-u', address, 'STDOUT'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => chunks.push(c));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  for (let i = 0; !isBound(); i++) {
    if (i > 200 || child.exitCode !== null) throw new Error(`socat did not bind ${address}: ${stderr}`);
    await delay(10);
  }
  return {
    async bytes(n) {
      for (let i = 0; Buffer.concat(chunks).length < n; i++) {
        if (i > 300) throw new Error(`socat received ${Buffer.concat(chunks).length} of ${n} bytes: ${stderr}`);
        await delay(10);
      }
      return Buffer.concat(chunks);
    },
    stop() {
      child.kill();
    },
  };
}

function abstractBound(name: string): boolean {
  return readFileSync('/proc/net/unix', 'utf8').includes(` @${name}\n`);
}

async function withTmp(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bcastd-notify-'));
  try {
    await run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const messages = [
  'READY=1',
  'STATUS=registered with BSF, 3 services keyed\nMAINPID=4242',
  'WATCHDOG=1',
  'STATUS=Schlüssel gültig ✓', // UTF-8 goes out as UTF-8
];
for (const message of messages) {
  test(`a datagram to a socket path arrives byte for byte: ${JSON.stringify(message)}`, { timeout: 10000 }, () =>
    withTmp(async (dir) => {
      const path = join(dir, 'notify.sock');
      const rx = await startReceiver(`UNIX-RECV:${path}`, () => existsSync(path));
      try {
        assert.equal(sdNotify(message, path), true);
        const expected = Buffer.from(message, 'utf8');
        assert.deepEqual(await rx.bytes(expected.length), expected);
      } finally {
        rx.stop();
      }
    }));
}

test("an abstract '@name' socket is reached without a filesystem node", { timeout: 10000 }, async () => {
  const name = `bcastd-test-notify-${process.pid}`;
  const rx = await startReceiver(`ABSTRACT-RECV:${name}`, () => abstractBound(name));
  try {
    const message = 'READY=1\nSTATUS=abstract';
    assert.equal(sdNotify(message, `@${name}`), true);
    assert.equal((await rx.bytes(message.length)).toString(), message);
  } finally {
    rx.stop();
  }
});

test('without a socketPath it uses $NOTIFY_SOCKET, and returns false when that is unset or empty', { timeout: 10000 }, () =>
  withTmp(async (dir) => {
    const saved = process.env['NOTIFY_SOCKET'];
    const path = join(dir, 'env.sock');
    const rx = await startReceiver(`UNIX-RECV:${path}`, () => existsSync(path));
    try {
      process.env['NOTIFY_SOCKET'] = path;
      assert.equal(sdNotify('READY=1'), true);
      assert.equal((await rx.bytes(7)).toString(), 'READY=1');
      delete process.env['NOTIFY_SOCKET'];
      assert.equal(sdNotify('READY=1'), false);
      process.env['NOTIFY_SOCKET'] = '';
      assert.equal(sdNotify('READY=1'), false);
    } finally {
      rx.stop();
      if (saved === undefined) delete process.env['NOTIFY_SOCKET'];
      else process.env['NOTIFY_SOCKET'] = saved;
    }
  }));

test('failures are system errors naming the socket', () =>
  withTmp(async (dir) => {
    const notASocket = join(dir, 'plain-file');
    writeFileSync(notASocket, '');
    const cases = [
      { path: join(dir, 'missing.sock'), code: 'ENOENT', syscall: 'sendto' },
      { path: notASocket, code: 'ECONNREFUSED', syscall: 'sendto' },
      { path: 'relative.sock', code: 'EAFNOSUPPORT', syscall: 'connect' },
      { path: `/${'x'.repeat(200)}`, code: 'ENAMETOOLONG', syscall: 'connect' },
    ];
    for (const c of cases) {
      assert.throws(() => sdNotify('READY=1', c.path), (err: unknown) => {
        const e = err as Error & { code?: string; syscall?: string; path?: string };
        assert.equal(e.code, c.code, c.path);
        assert.equal(e.syscall, c.syscall);
        assert.equal(e.path, c.path);
        return true;
      });
    }
  }));
