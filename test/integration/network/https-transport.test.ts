// The BSF/BSM HTTP transport over https:// against a real TLS server on loopback: the operator's CA given the
// way Node takes extra CAs (NODE_EXTRA_CA_CERTS), a server from an unknown CA refused, and node:https loaded
// only once an https:// URL is asked for. Each case runs in a child process: extra CAs are read at process start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeTlsFixture } from '../../helpers/tls-certs.js';
import { repoRoot } from '../../helpers/repo.js';

const run = promisify(execFile);

/** In a fresh node: a plain http request first (to a closed port), then the https one; what each loaded. */
const probe = (url: string) => `
  const { createHttpTransport } = await import(${JSON.stringify(join(repoRoot, 'dist/src/gba/http.js'))});
  const loaded = (m) => process.moduleLoadList.includes('NativeModule ' + m);
  const https = () => loaded('https');
  const t = createHttpTransport();
  await t.send({ url: 'http://127.0.0.1:9/', method: 'GET', timeoutMs: 2000 }).catch(() => undefined);
  const afterHttp = https();
  // Node 24: an ES import of node:http would have loaded these through http.WebSocket's getter (undici).
  const heavy = ['tls', 'http2', 'zlib'].filter(loaded);
  const out = { afterHttp, heavy };
  try {
    const r = await t.send({ url: ${JSON.stringify(url)}, method: 'POST', body: 'ping', headers: { 'content-type': 'text/plain' }, timeoutMs: 5000 });
    Object.assign(out, { status: r.status, body: r.body.toString() });
  } catch (e) {
    Object.assign(out, { failure: e.reason, message: e.message });
  }
  t.close();
  console.log(JSON.stringify({ ...out, afterHttps: https() }));`;

test('https:// BSF/BSM: the operator CA verifies, an unknown one is refused, node:https loads on first use', { timeout: 60_000 }, async (t) => {
  const pki = await makeTlsFixture();
  t.after(() => pki.close());
  const server = createServer({ cert: readFileSync(pki.server.cert), key: readFileSync(pki.server.key) }, (req, res) => {
    let n = 0;
    req.on('data', (c: Buffer) => (n += c.length));
    req.on('end', () => res.end(`got ${n} bytes over ${req.socket.constructor.name}`));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/bsm/keys`;
  const inChild = async (env: NodeJS.ProcessEnv) => {
    const r = await run(process.execPath, ['--input-type=module', '-e', probe(url)], { cwd: repoRoot, env: { ...process.env, ...env }, timeout: 20_000 });
    return JSON.parse(r.stdout.trim()) as Record<string, unknown>;
  };

  const trusted = await inChild({ NODE_EXTRA_CA_CERTS: pki.ca.cert });
  assert.deepEqual(trusted, { afterHttp: false, heavy: [], status: 200, body: 'got 4 bytes over TLSSocket', afterHttps: true });

  const unknown = await inChild({ NODE_EXTRA_CA_CERTS: pki.otherCa.cert });
  assert.equal(unknown['failure'], 'network');
  assert.match(String(unknown['message']), /POST 127\.0\.0\.1:\d+: (unable to verify|self.signed|.*certificate)/i);
});
