import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { SUBSCRIBER, startWorld } from './world.js';

/** One raw HTTP request with exactly the headers given (fetch would add or forbid some). */
function raw(url: string, o: { method?: string; headers?: Record<string, string>; body?: string | Buffer; chunks?: Buffer[] }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: o.method ?? 'POST', headers: o.headers ?? {}, setHost: !(o.headers && 'host' in o.headers) }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
    });
    req.on('error', reject);
    if (o.chunks) {
      for (const c of o.chunks) req.write(c);
      req.end();
    } else req.end(o.body);
  });
}

const JSON_HEADERS = { 'content-type': 'application/json' };

test('control API and portal: not-JSON 415, too large 413, browser (Origin / Sec-Fetch-Site) 403, DNS-rebound Host 421; nothing acted on', async (t) => {
  const w = await startWorld({ gbaU: true });
  t.after(w.close);
  const control = w.net.urls.control;
  const portal = w.net.urls.portal;
  const fault = JSON.stringify({ fault: 'bsm5xx', times: 3 });
  const purchase = JSON.stringify({ serviceId: 'urn:svc:news', terminal: SUBSCRIBER.imsi });

  // 415: what a cross-site HTML form can send (urlencoded, text/plain, multipart), and no type at all.
  for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x', undefined]) {
    const headers: Record<string, string> = type ? { 'content-type': type } : {};
    const r = await raw(`${control}/faults`, { headers, body: fault });
    assert.equal(r.status, 415, `control ${type}`);
    assert.match(r.body, /application\/json/);
    assert.equal((await raw(`${portal}/purchase`, { headers, body: purchase })).status, 415, `portal ${type}`);
  }
  // charset is a parameter, still JSON.
  assert.equal((await raw(`${control}/faults`, { headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ clear: true }) })).status, 200);

  // 413: announced by Content-Length, and a chunked body that outgrows the limit.
  const big = Buffer.alloc(300 * 1024, 0x20);
  assert.equal((await raw(`${control}/sms`, { headers: JSON_HEADERS, body: big })).status, 413);
  assert.equal((await raw(`${portal}/purchase`, { headers: { ...JSON_HEADERS, 'transfer-encoding': 'chunked' }, chunks: [big.subarray(0, 200 * 1024), big.subarray(200 * 1024)] })).status, 413);

  // 403: a web page's fetch() carries Origin (also `null` from sandboxed frames / file://), and Sec-Fetch-Site.
  for (const origin of ['http://evil.example', 'null', 'http://127.0.0.1:1']) {
    assert.equal((await raw(`${control}/faults`, { headers: { ...JSON_HEADERS, origin }, body: fault })).status, 403, origin);
    assert.equal((await raw(`${portal}/purchase`, { headers: { ...JSON_HEADERS, origin }, body: purchase })).status, 403, origin);
  }
  assert.equal((await raw(`${control}/registrations`, { method: 'GET', headers: { 'sec-fetch-site': 'cross-site' } })).status, 403);
  assert.equal((await raw(`${control}/registrations`, { method: 'GET', headers: { 'sec-fetch-site': 'none' } })).status, 200, 'typed in the address bar: allowed');

  // 421: DNS rebinding (evil.example resolved to 127.0.0.1) still says Host: evil.example.
  assert.equal((await raw(`${control}/registrations`, { method: 'GET', headers: { host: 'evil.example:80' } })).status, 421);
  assert.equal((await raw(`${portal}/purchase`, { headers: { ...JSON_HEADERS, host: 'evil.example' }, body: purchase })).status, 421);

  // Nothing refused was acted on: no fault armed, no purchase made.
  const faults = (await (await fetch(`${control}/faults`)).json()) as { counts: Record<string, number> };
  assert.equal(faults.counts['bsm5xx'], 0);
  const events = (await (await fetch(`${control}/events`)).json()) as Array<{ type: string }>;
  assert.ok(!events.some((e) => e.type === 'purchase'), 'no purchase went through');

  // Each refusal is counted by status.
  assert.deepEqual(w.net.control.refused, { 403: 4, 415: 4, 413: 1, 421: 1 });
  assert.deepEqual(w.net.portal.refused, { 403: 3, 415: 4, 413: 1, 421: 1 });

  // The clients bcastctl and the tests use (Node fetch posting JSON) still get through.
  const ok = await fetch(`${control}/faults`, { method: 'POST', headers: JSON_HEADERS, body: fault });
  assert.equal(ok.status, 200);
  assert.equal(((await ok.json()) as { counts: Record<string, number> }).counts['bsm5xx'], 3);
});
