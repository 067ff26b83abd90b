// TCP_QUICKACK (native/src/tcp.c through src/native/tcp.ts), and the vpcd-shaped exchange it is for: a peer
// with Nagle on that answers each request with a 2-byte length write and then a body write.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createConnection, createServer, Socket, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { enableQuickAck, socketFd, tcpQuickAck, tcpQuickAckGet } from '../../../src/native/index.js';
import { runNode, srcModule, childJson } from './node-child.js';

function listen(server: Server, where: number | string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    if (typeof where === 'number') server.listen(where, '127.0.0.1', () => resolve());
    else server.listen(where, () => resolve());
  });
}

function connected(socket: Socket): Promise<Socket> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

function port(server: Server): number {
  const a = server.address();
  assert.ok(a !== null && typeof a === 'object');
  return a.port;
}

test('on a connected TCP socket quick-ack is set and reads back 1, on both ends', async () => {
  const accepted: Socket[] = [];
  const server = createServer((s) => accepted.push(s));
  await listen(server, 0);
  const client = await connected(createConnection(port(server), '127.0.0.1'));
  try {
    while (accepted.length === 0) await new Promise((r) => setImmediate(r));
    for (const s of [client, accepted[0]!]) {
      const fd = socketFd(s);
      assert.ok(fd !== null && fd >= 0);
      assert.equal(enableQuickAck(s), true);
      assert.equal(tcpQuickAckGet(fd), true);
      tcpQuickAck(fd);
      assert.equal(tcpQuickAckGet(fd), true);
    }
  } finally {
    client.destroy();
    accepted.forEach((s) => s.destroy());
    server.close();
  }
});

test('enableQuickAck is false where it does not apply: not connected, destroyed, unix-domain socket', async () => {
  assert.equal(enableQuickAck(new Socket()), false);

  const server = createServer((s) => s.destroy());
  const dir = mkdtempSync(join(tmpdir(), 'bcastd-quickack-'));
  const unixServer = createServer((s) => s.destroy());
  const sockets: Socket[] = [];
  try {
    await listen(server, 0);
    const gone = await connected(createConnection(port(server), '127.0.0.1'));
    sockets.push(gone);
    gone.destroy();
    assert.equal(socketFd(gone), null);
    assert.equal(enableQuickAck(gone), false);

    await listen(unixServer, join(dir, 'sock'));
    const unix = await connected(createConnection(join(dir, 'sock')));
    sockets.push(unix);
    assert.ok((socketFd(unix) ?? -1) >= 0, 'a pipe handle has an fd too');
    assert.equal(enableQuickAck(unix), false);
    // EOPNOTSUPP, which libuv (like Node) names ENOTSUP on Linux
    assert.throws(() => tcpQuickAck(socketFd(unix)!), { code: 'ENOTSUP', errno: -95, syscall: 'setsockopt(TCP_QUICKACK)' });
  } finally {
    sockets.forEach((s) => s.destroy());
    server.close();
    unixServer.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tcpQuickAck errors: a file is no socket, a closed fd is bad, a non-fd is a TypeError', () => {
  const fd = openSync('/proc/self/status', 'r');
  try {
    assert.throws(() => tcpQuickAck(fd), { code: 'ENOTSOCK', errno: -88, syscall: 'setsockopt(TCP_QUICKACK)' });
    assert.throws(() => tcpQuickAckGet(fd), { code: 'ENOTSOCK', syscall: 'getsockopt(TCP_QUICKACK)' });
  } finally {
    closeSync(fd);
  }
  assert.throws(() => tcpQuickAck(fd), { code: 'EBADF' });
  assert.throws(() => tcpQuickAck(-1), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => tcpQuickAck('3' as unknown as number), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
});

test('without the addon enableQuickAck is false and tcpQuickAck says the addon is not built', async () => {
  const code = `
    import { createServer, createConnection } from 'node:net';
    import { enableQuickAck, tcpQuickAck } from ${JSON.stringify(srcModule('native/tcp.js'))};
    const server = createServer(() => {}).listen(0, '127.0.0.1', () => {
      const c = createConnection(server.address().port, '127.0.0.1', () => {
        let error = null;
        try { tcpQuickAck(c._handle.fd); } catch (e) { error = e.code; }
        console.log(JSON.stringify({ enabled: enableQuickAck(c), error }));
        c.destroy(); server.close();
      });
    });`;
  const out = childJson<{ enabled: boolean; error: string }>(
    await runNode(code, { env: { ...process.env, BCASTD_NATIVE_ADDON: '/nonexistent/bcastd_native.node' } }),
  );
  assert.deepEqual(out, { enabled: false, error: 'ERR_BCASTD_NATIVE_MISSING' });
});

/** A vpcd-shaped server: each 1-byte request is answered with a 2-byte length and then the body, as two
 *  separate write() calls on a socket with Nagle on (Node's default). */
async function headerThenBodyServer(body: Buffer): Promise<Server> {
  const server = createServer((s) => {
    s.on('data', () => {
      const header = Buffer.alloc(2);
      header.writeUInt16BE(body.length);
      s.write(header);
      s.write(body);
    });
  });
  await listen(server, 0);
  return server;
}

interface Exchange {
  roundTripsMs: number[];
  /** per response: the body arrived intact */
  bodies: boolean[];
  rearmed: boolean[];
  readBack: boolean[];
}

/** `rounds` request/response round trips; with `rearm`, quick-ack is re-armed after every 'data' event. */
async function exchange(server: Server, body: Buffer, rounds: number, rearm: boolean): Promise<Exchange> {
  const client = await connected(createConnection(port(server), '127.0.0.1'));
  const out: Exchange = { roundTripsMs: [], bodies: [], rearmed: [], readBack: [] };
  try {
    const fd = socketFd(client)!;
    if (rearm) out.rearmed.push(enableQuickAck(client));
    let pending = Buffer.alloc(0);
    let done: (() => void) | null = null;
    client.on('data', (chunk: Buffer) => {
      if (rearm) {
        out.rearmed.push(enableQuickAck(client));
        out.readBack.push(tcpQuickAckGet(fd));
      }
      pending = Buffer.concat([pending, chunk]);
      if (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        out.bodies.push(pending.subarray(2).equals(body));
        pending = Buffer.alloc(0);
        done?.();
      }
    });
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no response to request ${i} within 2 s`)), 2000);
        done = () => {
          clearTimeout(timer);
          resolve();
        };
        client.write(Buffer.from([i & 0xff]));
      });
      out.roundTripsMs.push(performance.now() - t0);
    }
  } finally {
    client.destroy();
  }
  return out;
}

function summary(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(2);
  return `median ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${at(1)} ms, total ${ms.reduce((a, b) => a + b, 0).toFixed(1)} ms over ${ms.length}`;
}

test('vpcd-shaped exchange (length write, body write, Nagle on): re-arming after each data event succeeds every time', async (t: TestContext) => {
  const body = Buffer.from('00a4040007a0000000871002'.repeat(4), 'hex'); // a SELECT-sized APDU, 48 bytes
  const server = await headerThenBodyServer(body);
  const rounds = 25;
  try {
    const plain = await exchange(server, body, rounds, false);
    const quick = await exchange(server, body, rounds, true);
    assert.equal(plain.roundTripsMs.length, rounds);
    assert.equal(quick.roundTripsMs.length, rounds);
    assert.deepEqual([...plain.bodies, ...quick.bodies], Array(2 * rounds).fill(true));
    assert.ok(quick.rearmed.length > rounds, 'at least one data event per round trip');
    assert.ok(quick.rearmed.every(Boolean), 'every re-arm took');
    assert.ok(quick.readBack.every(Boolean), 'getsockopt reads 1 right after every re-arm');
    // Timings are shown, not asserted: they depend on the kernel's delayed-ACK timers and the machine's load.
    t.diagnostic(`delayed ACK (plain):        ${summary(plain.roundTripsMs)}`);
    t.diagnostic(`quick-ack re-armed on data: ${summary(quick.roundTripsMs)}`);
  } finally {
    server.close();
  }
});
