// The vpcd attachment against a stand-in for the vpcd driver (a TCP server speaking its framing), so
// the protocol and the reconnect logic are tested without pcscd; test/serial/card runs the real one.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { toHex } from '../../../src/codec/hex.js';
import { USIM_ATR, VirtualUsim, VpcdClient } from '../../../src/sim/usim/index.js';
import { testSubscriber } from '../../../src/sim/subscriber.js';

class FakeVpcd {
  server: Server;
  sockets: Socket[] = [];
  frames: Uint8Array[] = [];
  #rx = Buffer.alloc(0);
  constructor() {
    this.server = createServer((s) => {
      this.sockets.push(s);
      this.#rx = Buffer.alloc(0);
      s.on('data', (d) => {
        this.#rx = Buffer.concat([this.#rx, d]);
        while (this.#rx.length >= 2 && this.#rx.length >= 2 + this.#rx.readUInt16BE(0)) {
          const n = this.#rx.readUInt16BE(0);
          this.frames.push(Uint8Array.from(this.#rx.subarray(2, 2 + n)));
          this.#rx = this.#rx.subarray(2 + n);
        }
      });
      s.on('error', () => undefined);
    });
  }
  async listen(port = 0): Promise<number> {
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    return (this.server.address() as { port: number }).port;
  }
  send(payload: Uint8Array): void {
    const s = this.sockets.at(-1)!;
    s.write(Buffer.concat([Buffer.from([payload.length >> 8, payload.length & 0xff]), payload]));
  }
  async next(count = 1, timeoutMs = 2000): Promise<Uint8Array[]> {
    const until = Date.now() + timeoutMs;
    while (this.frames.length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    return this.frames.splice(0, count);
  }
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
}

const cleanup: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

async function setup() {
  const vpcd = new FakeVpcd();
  const port = await vpcd.listen();
  const usim = new VirtualUsim({ subscriber: testSubscriber() });
  const client = new VpcdClient(usim, { port, backoff: { initialMs: 20, maxMs: 80 } });
  cleanup.push(() => client.stop(), () => vpcd.close());
  client.start();
  await client.waitConnected();
  return { vpcd, usim, client, port };
}

describe('virtual USIM over the vpcd protocol', () => {
  it('answers the ATR request and APDUs, framed with a 2-byte length', async () => {
    const { vpcd } = await setup();
    vpcd.send(Uint8Array.of(4));
    assert.equal(toHex((await vpcd.next())[0]!), toHex(USIM_ATR));
    vpcd.send(Uint8Array.of(1));
    vpcd.send(Uint8Array.from([0x00, 0xa4, 0x00, 0x0c, 0x02, 0x3f, 0x00]));
    vpcd.send(Uint8Array.from([0x00, 0xa4, 0x00, 0x0c, 0x02, 0x12, 0x34]));
    assert.deepEqual((await vpcd.next(2)).map(toHex), ['9000', '6a82']);
  });

  it('answers in order when the card is slow (latency fault)', async () => {
    const { vpcd, usim } = await setup();
    usim.faults.settings.latencyMs = 30;
    vpcd.send(Uint8Array.from([0x00, 0xa4, 0x00, 0x0c, 0x02, 0x12, 0x34]));
    vpcd.send(Uint8Array.from([0x00, 0xa4, 0x00, 0x0c, 0x02, 0x3f, 0x00]));
    assert.deepEqual((await vpcd.next(2)).map(toHex), ['6a82', '9000']);
  });

  it('hangs up on removal, stays away while removed, comes back on insertion', async () => {
    const { vpcd, usim, client } = await setup();
    const closed = once(vpcd.sockets[0]!, 'close');
    usim.remove();
    await closed;
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(vpcd.sockets.length, 1, 'no reconnect while removed');
    assert.equal(client.connected, false);
    usim.insert();
    await client.waitConnected();
    assert.equal(vpcd.sockets.length, 2);
  });

  it('reconnects with backoff when the driver goes away and comes back (pcscd restart)', async () => {
    const { vpcd, client, port } = await setup();
    const down = once(client, 'disconnected');
    await vpcd.close();
    await down;
    await new Promise((r) => setTimeout(r, 100));
    const again = new FakeVpcd();
    cleanup.push(() => again.close());
    await again.listen(port);
    await client.waitConnected(2000);
    again.send(Uint8Array.of(4));
    assert.equal(toHex((await again.next())[0]!), toHex(USIM_ATR));
  });
});
