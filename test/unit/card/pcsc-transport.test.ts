// PcscTransport against a stand-in for the pcsclite binding (same events and callbacks), so reader
// choice, presence, error mapping and the reconnect-after-context-loss logic are tested without pcscd.
// test/serial/card runs the real binding against a real pcscd.
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { describe, it } from 'node:test';
import { CardRemovedError, CardTransportError, PcscTransport, PcscUnavailableError, openCardTransport, InProcessTransport } from '../../../src/card/index.js';
import { toHex } from '../../../src/codec/hex.js';
import { VirtualUsim } from '../../../src/sim/usim/index.js';
import { testSubscriber } from '../../../src/sim/subscriber.js';

const STATE = { EMPTY: 0x10, PRESENT: 0x20, MUTE: 0x200 };

class FakeReader extends EventEmitter {
  readonly SCARD_SHARE_EXCLUSIVE = 1;
  readonly SCARD_PROTOCOL_T0 = 1;
  readonly SCARD_PROTOCOL_T1 = 2;
  readonly SCARD_STATE_EMPTY = STATE.EMPTY;
  readonly SCARD_STATE_PRESENT = STATE.PRESENT;
  readonly SCARD_STATE_MUTE = STATE.MUTE;
  readonly SCARD_LEAVE_CARD = 0;
  readonly SCARD_RESET_CARD = 1;
  connected = false;
  closed = 0;
  cardIn = false;
  answer: (apdu: Buffer) => { err?: Error; data?: Buffer } = () => ({ data: Buffer.from('9000', 'hex') });
  constructor(readonly name: string) {
    super();
  }
  insert(): void {
    this.cardIn = true;
    this.emit('status', { state: STATE.PRESENT, atr: Buffer.from('3b9f96', 'hex') });
  }
  remove(): void {
    this.cardIn = false;
    this.emit('status', { state: STATE.EMPTY });
  }
  connect(_o: unknown, cb: (e: Error | null, p: number) => void): void {
    setImmediate(() => {
      if (!this.cardIn) return cb(new Error('SCardConnect error: No smart card inserted.(0x8010000c)'), 0);
      this.connected = true;
      cb(null, 1);
    });
  }
  disconnect(_d: number, cb: (e: Error | null) => void): void {
    this.connected = false;
    setImmediate(() => cb(null));
  }
  transmit(data: Buffer, _l: number, _p: number, cb: (e: Error | null | undefined, r: Buffer) => void): void {
    setImmediate(() => {
      const r = this.answer(data);
      cb(r.err, r.data ?? Buffer.alloc(0));
    });
  }
  close(): void {
    this.closed++;
  }
}

class FakeContext extends EventEmitter {
  closed = 0;
  close(): void {
    this.closed++;
  }
}

class FakePcsc {
  up = true;
  contexts: FakeContext[] = [];
  readers: FakeReader[] = [];
  names = ['Other Reader 00 00', 'Virtual PCD 00 00'];
  factory = (): FakeContext => {
    if (!this.up) throw new Error('SCardEstablishContext error: Service not available.(0x8010001d)');
    const ctx = new FakeContext();
    this.contexts.push(ctx);
    setImmediate(() => {
      for (const n of this.names) {
        const r = new FakeReader(n);
        this.readers.push(r);
        ctx.emit('reader', r);
        r.emit('status', { state: STATE.EMPTY });
      }
    });
    return ctx;
  };
  load = async () => ({ default: this.factory });
  reader(name: string): FakeReader {
    return this.readers.filter((r) => r.name === name).at(-1)!;
  }
}

const tick = () => new Promise((r) => setTimeout(r, 10));
/**
 * The fake context announces its readers on setImmediate. A 10 ms tick is not enough to wait for that: libuv
 * measures the timer from the loop's cached time, which after a CPU-heavy test (a virtual USIM) is already
 * 10 ms old, so the timer can fire first (it did, every time, on Node 24).
 */
const readersAnnounced = (fake: FakePcsc) => until(() => fake.readers.length >= fake.contexts.length * fake.names.length);
async function until(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await tick();
  }
}

describe('PC/SC transport: why PC/SC is unavailable', () => {
  const cases: [string, () => Promise<unknown>, string, RegExp][] = [
    ['module missing', async () => Promise.reject(Object.assign(new Error("Cannot find package 'pcsclite'"), { code: 'ERR_MODULE_NOT_FOUND' })), 'module-missing', /"pcsclite" is not installed/],
    ['libpcsclite missing', async () => Promise.reject(new Error('libpcsclite.so.1: cannot open shared object file')), 'library-missing', /libpcsclite\.so\.1 is missing/],
  ];
  for (const [name, load, reason, text] of cases) {
    it(name, async () => {
      await assert.rejects(PcscTransport.open({ readerPattern: '.', load }), (e: unknown) => e instanceof PcscUnavailableError && e.reason === reason && text.test(e.message) && e.message.startsWith('PC/SC is unavailable'));
    });
  }
  it('pcscd not running', async () => {
    const fake = new FakePcsc();
    fake.up = false;
    await assert.rejects(PcscTransport.open({ readerPattern: '.', load: fake.load }), (e: unknown) => e instanceof PcscUnavailableError && e.reason === 'service-unavailable' && /pcscd is not running/.test(e.message));
  });
  it('"auto" falls back to the in-process card; "pcsc" does not', async () => {
    const fake = new FakePcsc();
    fake.up = false;
    const usim = new VirtualUsim({ subscriber: testSubscriber() });
    const t = await openCardTransport({ transport: 'auto', readerPattern: '.', loadPcsc: fake.load, inProcessCard: () => usim });
    assert.ok(t instanceof InProcessTransport);
    await assert.rejects(openCardTransport({ transport: 'pcsc', readerPattern: '.', loadPcsc: fake.load, inProcessCard: () => usim }), PcscUnavailableError);
    const direct = await openCardTransport({ transport: 'in-process', readerPattern: '.', inProcessCard: () => usim });
    assert.equal(direct.kind, 'in-process');
  });
});

describe('PC/SC transport: readers, presence, commands', () => {
  it('uses the reader matching the pattern; card in → inserted, card out → removed', async () => {
    const fake = new FakePcsc();
    const t = await PcscTransport.open({ readerPattern: /^Virtual PCD 00 00$/, load: fake.load });
    await readersAnnounced(fake);
    fake.reader('Other Reader 00 00').insert();
    await tick();
    assert.equal(t.present, false, 'the other reader is ignored');
    const inserted = once(t, 'inserted');
    fake.reader('Virtual PCD 00 00').insert();
    assert.equal(toHex((await inserted)[0] as Uint8Array), '3b9f96');
    assert.equal(t.name, 'Virtual PCD 00 00');
    assert.equal(toHex(await t.transmit(Uint8Array.of(0, 0xa4, 0, 0x0c))), '9000');
    const removed = once(t, 'removed');
    fake.reader('Virtual PCD 00 00').remove();
    await removed;
    await assert.rejects(t.transmit(Uint8Array.of(0, 0xa4, 0, 0x0c)), CardRemovedError);
    await t.close();
    assert.ok(fake.readers.every((r) => r.closed >= 1), 'every reader closed');
    assert.equal(fake.contexts[0]!.closed, 1);
  });

  it('maps transmit failures: removal codes and empty answers → CardRemovedError (and removed), others → CardTransportError', async () => {
    const fake = new FakePcsc();
    const t = await PcscTransport.open({ readerPattern: 'Virtual', load: fake.load });
    await readersAnnounced(fake);
    const r = fake.reader('Virtual PCD 00 00');
    r.insert();
    await once(t, 'inserted');
    r.answer = () => ({ err: new Error('SCardTransmit error: Invalid parameter.(0x80100004)') });
    await assert.rejects(t.transmit(Uint8Array.of(0, 0xb0, 0, 0, 1)), CardTransportError);
    r.answer = () => ({ data: Buffer.alloc(0) });
    const removed = once(t, 'removed');
    await assert.rejects(t.transmit(Uint8Array.of(0, 0xb0, 0, 0, 1)), CardRemovedError);
    await removed;
    // The card is still (again) in the reader: the transport connects afresh.
    await once(t, 'inserted');
    await t.reset();
    assert.ok(r.connected, 'reset = disconnect with SCARD_RESET_CARD, then connect again');
    r.answer = () => ({ err: new Error('SCardTransmit error: Card was removed.(0x80100069)') });
    await assert.rejects(t.transmit(Uint8Array.of(0, 0xb0, 0, 0, 1)), CardRemovedError);
    await t.close();
  });

  it('recreates the context with backoff after it dies (pcscd restart)', async () => {
    const fake = new FakePcsc();
    const t = await PcscTransport.open({ readerPattern: 'Virtual', load: fake.load, backoff: { initialMs: 10, maxMs: 40 } });
    await readersAnnounced(fake);
    fake.reader('Virtual PCD 00 00').insert();
    await once(t, 'inserted');
    const warned = once(t, 'warning');
    const removed = once(t, 'removed');
    fake.up = false;
    fake.contexts[0]!.emit('error', new Error('SCardGetStatusChange error: RPC transport error.(0x80100013)'));
    await Promise.all([warned, removed]);
    await until(() => fake.contexts[0]!.closed === 1);
    assert.ok(fake.readers.every((r) => r.closed === 1), 'the dead context and its readers are closed');
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(fake.contexts.length, 1, 'pcscd still down: no context yet');
    fake.up = true;
    await until(() => fake.contexts.length === 2 && fake.readers.length === 4);
    const inserted = once(t, 'inserted');
    fake.reader('Virtual PCD 00 00').insert();
    await inserted;
    await t.close();
    await t.close();
    assert.equal(fake.contexts[1]!.closed, 1);
  });
});
