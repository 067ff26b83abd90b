// Hostile BSF / BSM servers on loopback (ephemeral ports) against the real HTTP transport, BSM client and
// GBA client: one that trickles a byte a second, one that never answers, one that sends 50 MB of XML.
// Each exchange must end within its timeout with a typed error, and a huge answer must be refused
// before it is all in memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { pino } from 'pino';
import { BsmClient, BsmError } from '../../../src/bsm/index.js';
import { Secret } from '../../../src/crypto/index.js';
import { gbaCard } from '../../../src/daemon/card-wiring.js';
import { createHttpTransport, GbaClient, GbaError, HttpFailure } from '../../../src/gba/index.js';
import { BSM_FQDN, recordingClock, startCard } from '../../unit/gba/harness.js';

const logger = pino({ level: 'silent' });
const TIMEOUT_MS = 600;
/** Slack over the timeout for scheduling on a busy 2-core machine. */
const SLACK_MS = 1500;
const HUGE_BYTES = 50 * 1024 * 1024;

type Behaviour = 'trickle' | 'silent' | 'huge';

interface Hostile {
  url: string;
  /** Bytes the server got onto the wire per connection, known once the connection closes. */
  written: number[];
  connections: number;
  close(): Promise<void>;
}

/** A raw TCP server speaking just enough HTTP to be hostile in the given way. */
async function hostileServer(behaviour: Behaviour): Promise<Hostile> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const h: Hostile = { url: '', written: [], connections: 0, close: async () => {} };
  const server: Server = createServer((sock) => {
    h.connections++;
    sockets.add(sock);
    sock.on('error', () => {});
    sock.on('close', () => {
      sockets.delete(sock);
      h.written.push(sock.bytesWritten);
    });
    sock.once('data', () => {
      if (behaviour === 'silent') return;
      if (behaviour === 'trickle') {
        const text = 'HTTP/1.1 200 OK\r\ncontent-type: application/xml\r\ncontent-length: 100000\r\n\r\n<a>';
        let i = 0;
        const t = setInterval(() => {
          if (sock.destroyed) return clearInterval(t);
          sock.write(i < text.length ? text[i++]! : 'x');
        }, 1000);
        timers.add(t);
        sock.write(text[i++]!);
        return;
      }
      // 50 MB of well-formed-looking XML, as fast as the socket takes it.
      sock.write(`HTTP/1.1 200 OK\r\ncontent-type: application/xml\r\ncontent-length: ${HUGE_BYTES}\r\n\r\n`);
      const chunk = Buffer.alloc(64 * 1024, '<s>x</s>');
      let sent = 0;
      const pump = () => {
        while (sent < HUGE_BYTES && !sock.destroyed) {
          const n = Math.min(chunk.length, HUGE_BYTES - sent);
          sent += n;
          if (!sock.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void sock.once('drain', pump);
        }
        if (!sock.destroyed) sock.end();
      };
      pump();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  h.url = `http://127.0.0.1:${addr.port}`;
  h.close = async () => {
    for (const t of timers) clearInterval(t);
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return h;
}

async function timed<T>(p: Promise<T>): Promise<{ ms: number; error: unknown; value?: T }> {
  const t0 = performance.now();
  try {
    const value = await p;
    return { ms: performance.now() - t0, error: null, value };
  } catch (error) {
    return { ms: performance.now() - t0, error };
  }
}

for (const behaviour of ['trickle', 'silent'] as const) {
  test(`transport: a ${behaviour} server → HttpFailure 'timeout' within the timeout`, { timeout: 15000 }, async (t) => {
    const srv = await hostileServer(behaviour);
    const http = createHttpTransport();
    t.after(async () => {
      http.close();
      await srv.close();
    });
    const r = await timed(http.send({ url: `${srv.url}/`, method: 'GET', timeoutMs: TIMEOUT_MS }));
    assert.ok(r.error instanceof HttpFailure, `typed failure, got ${String(r.error)}`);
    assert.equal(r.error.reason, 'timeout');
    assert.ok(r.ms >= TIMEOUT_MS - 50 && r.ms < TIMEOUT_MS + SLACK_MS, `ended after ${r.ms.toFixed(0)} ms`);
  });

  test(`BSM client: a ${behaviour} BSM → BsmError 'unreachable' after its attempts, each bounded by the timeout`, { timeout: 15000 }, async (t) => {
    const srv = await hostileServer(behaviour);
    const http = createHttpTransport();
    t.after(async () => {
      http.close();
      await srv.close();
    });
    const bsm = new BsmClient({
      bsmUrl: srv.url,
      bsmFqdn: BSM_FQDN,
      credentials: { current: async () => ({ btid: 'btid@bsf', mrk: new Secret(new Uint8Array(32)), mode: 'gba-u' }), invalidate: () => {} },
      http,
      timeoutMs: TIMEOUT_MS,
      retry: { baseMs: 10, maxMs: 10, maxAttempts: 2 },
      logger,
      clock: recordingClock(),
    });
    const r = await timed(bsm.register(['urn:svc:1']));
    assert.ok(r.error instanceof BsmError, `typed failure, got ${String(r.error)}`);
    assert.equal(r.error.reason, 'unreachable');
    assert.equal(bsm.stats().roundTrips, 2);
    assert.ok(r.ms < 2 * TIMEOUT_MS + SLACK_MS, `ended after ${r.ms.toFixed(0)} ms`);
  });

  test(`GBA client: a ${behaviour} BSF → GbaError 'unreachable' after its attempts`, { timeout: 15000 }, async (t) => {
    const srv = await hostileServer(behaviour);
    const http = createHttpTransport();
    const card = await startCard();
    const gba = new GbaClient({
      card: gbaCard(card.card),
      http,
      bsmFqdn: BSM_FQDN,
      bsfUrl: srv.url,
      mode: 'auto',
      timeoutMs: TIMEOUT_MS,
      retry: { baseMs: 10, maxMs: 10, maxAttempts: 2 },
      logger,
      clock: recordingClock(),
    });
    t.after(async () => {
      gba.close();
      http.close();
      await card.card.close();
      await srv.close();
    });
    const r = await timed(gba.bootstrap());
    assert.ok(r.error instanceof GbaError, `typed failure, got ${String(r.error)}`);
    assert.equal(r.error.reason, 'unreachable');
    assert.equal(srv.connections, 2);
    assert.ok(r.ms < 2 * TIMEOUT_MS + SLACK_MS, `ended after ${r.ms.toFixed(0)} ms`);
  });
}

test('BSM client: 50 MB of XML → a typed error, the process unharmed', { timeout: 30000 }, async (t) => {
  const srv = await hostileServer('huge');
  const http = createHttpTransport();
  t.after(async () => {
    http.close();
    await srv.close();
  });
  const bsm = new BsmClient({
    bsmUrl: srv.url,
    bsmFqdn: BSM_FQDN,
    credentials: { current: async () => ({ btid: 'btid@bsf', mrk: new Secret(new Uint8Array(32)), mode: 'gba-u' }), invalidate: () => {} },
    http,
    timeoutMs: 10_000,
    retry: { baseMs: 10, maxMs: 10, maxAttempts: 1 },
    logger,
    clock: recordingClock(),
  });
  const r = await timed(bsm.register(['urn:svc:1']));
  assert.ok(r.error instanceof BsmError, `typed failure, got ${String(r.error)}`);
});

// BUG (src/gba/http.ts): the response body is collected without a size cap — `res.on('data', c =>
// chunks.push(c))` then Buffer.concat — so a BSF/BSM (or anything on the PDP path) can make the daemon
// hold any amount of memory until the timeout. The XML codec refuses bodies over XML_LIMITS.maxBytes
// (64 KiB) anyway, so the transport should stop reading past a cap of that order and fail.
test('transport: a 50 MB answer is refused while it arrives, not buffered whole', { timeout: 30000 }, async (t) => {
  const srv = await hostileServer('huge');
  const http = createHttpTransport();
  t.after(async () => {
    http.close();
    await srv.close();
  });
  globalThis.gc?.();
  const before = process.memoryUsage().arrayBuffers;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 5);
  const r = await timed(http.send({ url: `${srv.url}/`, method: 'GET', timeoutMs: 10_000 }));
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().arrayBuffers);
  const held = r.value?.body.length ?? 0;
  assert.ok(r.error instanceof HttpFailure, `a 50 MB body must be refused (got a body of ${held} bytes after ${r.ms.toFixed(0)} ms)`);
  await new Promise((res) => setTimeout(res, 100));
  assert.ok(srv.written.length === 1 && srv.written[0]! < HUGE_BYTES / 2, `the connection is dropped early (server wrote ${srv.written[0]} bytes)`);
  assert.ok(peak - before < 16 * 1024 * 1024, `memory held for the body stays bounded (peak +${((peak - before) / 1048576).toFixed(1)} MB)`);
});
