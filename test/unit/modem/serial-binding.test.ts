// serialport/bindings-cpp#162: a read in flight when the tty hangs up returns 0 bytes, which the stock
// binding retries forever at 100% CPU. The modem layer's binding turns it into a disconnect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SerialPort } from 'serialport';
import { PtyPair } from '../../../src/native/index.js';
import { disconnectSafeBinding, openSerialTransport, type LinkClosed } from '../../../src/modem/index.js';
import { delay, failOnUnhandled } from './harness.js';

failOnUnhandled();

const OPEN = { baudRate: 115200, hupcl: false, rtscts: false, dataBits: 8, stopBits: 1, parity: 'none', lock: false } as const;

interface RawPort {
  read(buffer: Buffer, offset: number, length: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
  readonly isOpen: boolean;
}

async function openRaw(binding: typeof SerialPort.binding, path: string): Promise<RawPort> {
  return (await (binding.open as (o: unknown) => Promise<unknown>)({ path, ...OPEN })) as RawPort;
}

/** CPU time (user + system, all threads) spent while `run` runs, in ms. */
async function cpuDuring(run: () => Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  await run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

test('stock binding: a read after the hang-up never settles and burns CPU (the bug being fixed)', { timeout: 10000 }, async () => {
  const pty = PtyPair.open();
  const port = await openRaw(SerialPort.binding, pty.slavePath);
  await pty.close();
  let settled = false;
  const read = port.read(Buffer.alloc(64), 0, 64).then(
    () => (settled = true),
    () => (settled = true),
  );
  const cpu = await cpuDuring(() => delay(300));
  assert.equal(settled, false, 'the stock read keeps retrying');
  assert.ok(cpu >= 50, `expected a busy loop, used ${cpu.toFixed(0)} ms of CPU in 300 ms`);
  // Closing the port is the only way out of the stock loop.
  await port.close();
  await read;
});

test('disconnect-safe binding: the same read fails at once as a disconnect, and nothing spins', { timeout: 10000 }, async () => {
  const pty = PtyPair.open();
  const port = await openRaw(disconnectSafeBinding(), pty.slavePath);
  await pty.close();
  const err = await port.read(Buffer.alloc(64), 0, 64).then(
    () => assert.fail('the read must not succeed'),
    (e: unknown) => e as Error & { disconnect?: boolean; code?: string },
  );
  assert.equal(err.disconnect, true);
  assert.equal(err.code, 'EOF');
  const cpu = await cpuDuring(() => delay(300));
  assert.ok(cpu < 150, `idle after the disconnect, used ${cpu.toFixed(0)} ms of CPU in 300 ms`);
  await port.close();
});

test('disconnect-safe binding: data still flows, and EAGAIN waits on the poller', { timeout: 10000 }, async () => {
  const pty = PtyPair.open();
  try {
    const port = await openRaw(disconnectSafeBinding(), pty.slavePath);
    const buf = Buffer.alloc(64);
    // Nothing to read yet: the read parks in the poller instead of returning.
    const pending = port.read(buf, 0, 64);
    await delay(50);
    pty.write('\r\nOK\r\n');
    const { bytesRead } = await pending;
    assert.equal(buf.subarray(0, bytesRead).toString(), '\r\nOK\r\n');
    // A read parked in the poller when the port is closed is cancelled, not a disconnect.
    const parked = port.read(buf, 0, 64).then(
      () => null,
      (e: unknown) => e as { canceled?: boolean },
    );
    await delay(20);
    await port.close();
    assert.equal((await parked)?.canceled, true);
  } finally {
    await pty.close();
  }
});

test('the modem transport reports the device vanishing mid-read as a disconnect close', { timeout: 10000 }, async () => {
  const pty = PtyPair.open();
  const transport = await openSerialTransport(pty.slavePath, { baudRate: 115200 });
  const chunks: string[] = [];
  transport.onData((c) => chunks.push(Buffer.from(c).toString()));
  const closed = new Promise<LinkClosed>((resolve) => transport.onClose(resolve));
  pty.write('RDY\r\n');
  await delay(50);
  // Hang up right after traffic, while the port's next read is in flight.
  pty.write('X');
  await pty.close();
  const info = await Promise.race([closed, delay(3000).then(() => null)]);
  assert.ok(info, 'the transport reported the close');
  assert.equal(info.disconnected, true);
  assert.ok(chunks.join('').startsWith('RDY\r\n'));
  const cpu = await cpuDuring(() => delay(300));
  assert.ok(cpu < 150, `no busy loop after the disconnect (${cpu.toFixed(0)} ms of CPU in 300 ms)`);
  await transport.close();
});

test('writes to a vanished device fail, they do not hang', { timeout: 10000 }, async () => {
  const pty = PtyPair.open();
  const transport = await openSerialTransport(pty.slavePath, { baudRate: 115200 });
  const closed = new Promise<LinkClosed>((resolve) => transport.onClose(resolve));
  await pty.close();
  const outcome = await Promise.race([
    transport.write('AT\r').then(
      () => 'written',
      () => 'failed',
    ),
    delay(3000).then(() => 'hung'),
  ]);
  assert.equal(outcome, 'failed');
  assert.equal((await Promise.race([closed, delay(3000).then(() => null)]))?.disconnected, true);
  await transport.close();
});
