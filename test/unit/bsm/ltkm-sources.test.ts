// network.ltkmSources and ltkmBind: pdp. A datagram from outside the CIDR list is dropped before anything decodes
// it (counted, logged once per source per minute); the socket sits on the PDP address only and follows it.
// Loopback aliases stand in for addresses: 127.0.0.2 is "the PDP address", 127.0.0.3 a stranger.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { PassThrough } from 'node:stream';
import pino from 'pino';
import { buildSolicitedPull, encodeMikey } from '../../../src/codec/index.js';
import { checked, udpIntake } from './ltkm-udp.js';

const pull = encodeMikey(buildSolicitedPull({ csbId: 1, counter: 5, rand: new Uint8Array(16), idi: 'bsm', idr: 'btid', keyDomainId: Uint8Array.of(0, 0xf1, 0x10), keyGroup: 0 }));

function capture() {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { logger: pino({ level: 'info' }, stream), lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

async function sender(address: string): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, address, r));
  return s;
}
const send = (s: Socket, b: Uint8Array, port: number, to: string) => new Promise<void>((r) => s.send(b, port, to, () => r()));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('outside ltkmSources: dropped before decoding (no malformed count for garbage), counted, logged once per source', async (t) => {
  const log = capture();
  let processed = 0;
  const l = udpIntake({
    processor: { processMskMessage: async () => (processed++, checked) },
    allowedSources: ['127.0.0.2/32', '10.0.0.0/8'],
    logger: log.logger,
  });
  const { port } = await l.udp.start();
  const stranger = await sender('127.0.0.3');
  const bsm = await sender('127.0.0.2');
  t.after(async () => {
    stranger.close();
    bsm.close();
    await l.stop();
  });
  for (let i = 0; i < 5; i++) await send(stranger, Uint8Array.of(0xff, i), port, '127.0.0.1');
  await send(stranger, pull, port, '127.0.0.1');
  await send(bsm, Uint8Array.of(1, 2, 3), port, '127.0.0.1');
  for (let i = 0; i < 100 && l.stats().received < 7; i++) await sleep(5);
  await sleep(30);
  const st = l.stats();
  assert.equal(st.dropped.source, 6, 'every datagram of the stranger counted');
  assert.equal(st.dropped.malformed, 1, 'only the allowed source got as far as the decoder');
  assert.equal(processed, 0);
  const warned = log.lines().filter((x) => x['reason'] === 'source');
  assert.equal(warned.length, 1, 'one log line for the stranger in this minute');
  assert.match(String(warned[0]!['from']), /^udp:127\.0\.0\.3:/);
  assert.deepEqual(l.rejected().filter((r) => r === 'source'), ['source']);
});

test('ltkmBind pdp: nothing listens before the PDP address; then only that address; re-bound when it changes', async (t) => {
  const { udp: l } = udpIntake({ processor: { processMskMessage: async () => checked }, bindAddress: null, logger: capture().logger });
  t.after(() => l.stop());
  await assert.rejects(l.start(), /no address to bind yet/);
  const first = await l.rebind('127.0.0.2');
  assert.deepEqual({ address: first?.address }, { address: '127.0.0.2' });
  assert.equal(l.bindAddress, '127.0.0.2');
  const second = await l.rebind('127.0.0.4');
  assert.equal(second?.address, '127.0.0.4');
  // The old address is free again: another socket can take its port.
  const probe = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.bind(first!.port, '127.0.0.2', () => resolve());
  });
  probe.close();
  assert.equal(await l.rebind(null), null, 'PDP context gone: socket closed');
  assert.equal(l.bindAddress, null);
});
