// bcastctl against a TLS broker with client certificates: the same certificate options and checks as the
// daemon (src/cli/daemon/broker-options.ts over src/mqtt/tls.ts), and the same field-terms message on failure.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { runBcastctl } from '../../../src/cli/bcastctl-program.js';
import { makeTlsFixture, type TlsFixture } from '../../helpers/tls-certs.js';
import { startConfBroker, type ConfBroker } from './broker.js';

const DEVICE = 'stb-0007';
const ACL = ['user ops', 'topic read bcastd/v1/#', 'topic write bcastd/v1/+/cmd/#', '', 'pattern readwrite bcastd/v1/%u/#', ''].join('\n');

let fx: TlsFixture;
let broker: ConfBroker;

before(async () => {
  fx = await makeTlsFixture();
  broker = await startConfBroker({
    conf: ({ port, dir }) =>
      [`listener ${port} 127.0.0.1`, `cafile ${fx.ca.cert}`, `certfile ${fx.server.cert}`, `keyfile ${fx.server.key}`, 'require_certificate true', 'use_identity_as_username true', `acl_file ${dir}/acl`, 'persistence false'].join('\n'),
    files: () => ({ acl: ACL }),
  });
  // The device publishes its retained status with its own certificate.
  const device = await fx.client(DEVICE);
  const c = await mqtt.connectAsync(`mqtts://127.0.0.1:${broker.port}`, { ca: [await readPem(fx.ca.cert)], cert: await readPem(device.cert), key: await readPem(device.key), protocolVersion: 5, reconnectPeriod: 0 });
  await c.publishAsync(`bcastd/v1/${DEVICE}/status`, JSON.stringify({ state: 'ready', ts: new Date().toISOString() }), { qos: 1, retain: true });
  await c.endAsync();
});
after(async () => {
  await broker?.close();
  await fx?.close();
});

async function readPem(path: string): Promise<Buffer> {
  const { readFile } = await import('node:fs/promises');
  return readFile(path);
}

async function bcastctl(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runBcastctl(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const where = () => ['--broker', `mqtts://127.0.0.1:${broker.port}`, '--device', DEVICE, '--ca', fx.ca.cert];

test('bcastctl status over mutual TLS with an operator certificate reads the device', async () => {
  const ops = await fx.client('ops');
  const r = await bcastctl(['status', ...where(), '--cert', ops.cert, '--key', ops.key]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /status\s+ready/);
});

test('a client certificate from another CA: exit code 1 and the broker\'s refusal in field terms', async () => {
  const wrong = await fx.clientOtherCa('ops');
  const r = await bcastctl(['status', ...where(), '--cert', wrong.cert, '--key', wrong.key]);
  assert.equal(r.code, 1);
  assert.match(r.err, /cannot connect to the MQTT broker at mqtts:\/\/127\.0\.0\.1:\d+: .*client certificate/i);
});

test('no client certificate where the broker requires one: a clear message, not "unreachable"', async () => {
  const r = await bcastctl(['status', ...where()]);
  assert.equal(r.code, 1);
  assert.doesNotMatch(r.err, /cannot reach/);
  assert.match(r.err, /certificate/i);
});

test('a key file that is not PEM is a usage error naming the file', async () => {
  const ops = await fx.client('ops');
  const r = await bcastctl(['status', ...where(), '--cert', ops.cert, '--key', fx.ca.cert]);
  assert.equal(r.code, 2);
  assert.match(r.err, /mqtt\.tls\.key .*key/i);
});
