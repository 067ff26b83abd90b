// PtyPair against npm serialport on the slave: the pair the simulated modem and the modem adapter use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SerialPort } from 'serialport';
import { PtyPair } from '../../../src/native/index.js';
import { allByteValues, closeSerial, collect, delay, openSerial, pattern, writeSerial } from './serial-helpers.js';

async function withPair(options: { holdSlave?: boolean }, run: (pty: PtyPair) => Promise<void>): Promise<void> {
  const pty = PtyPair.open(options);
  const errors: Error[] = [];
  pty.on('error', (err) => errors.push(err));
  try {
    await run(pty);
  } finally {
    await pty.close();
  }
  assert.deepEqual(errors, [], 'the pty emitted no error');
}

function writePty(pty: PtyPair, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => pty.write(data, (err) => (err ? reject(err) : resolve())));
}

test('all 256 byte values cross between PtyPair and serialport unchanged, both ways', { timeout: 10000 }, () =>
  withPair({}, async (pty) => {
    const port = await openSerial(pty.slavePath);
    try {
      const atPort = collect(port, 256);
      await writePty(pty, allByteValues());
      assert.deepEqual(await atPort, allByteValues());

      const atPty = collect(pty, 256);
      await writeSerial(port, allByteValues());
      assert.deepEqual(await atPty, allByteValues());
    } finally {
      await closeSerial(port);
    }
  }));

const bulkCases = [
  { name: '64 KiB in 1 KiB chunks', total: 64 * 1024, chunk: 1024 },
  { name: '64 KiB in 4 KiB chunks', total: 64 * 1024, chunk: 4096 },
  { name: '1 MiB as one write (far beyond the pty buffer)', total: 1024 * 1024, chunk: 1024 * 1024 },
];
for (const c of bulkCases) {
  test(`bulk both ways at once: ${c.name}`, { timeout: 20000 }, () =>
    withPair({}, async (pty) => {
      const port = await openSerial(pty.slavePath);
      try {
        const down = pattern(c.total, 1);
        const up = pattern(c.total, 2);
        const atPort = collect(port, c.total, 15000);
        const atPty = collect(pty, c.total, 15000);
        const writes: Promise<void>[] = [];
        for (let off = 0; off < c.total; off += c.chunk) {
          writes.push(writePty(pty, down.subarray(off, off + c.chunk)));
          writes.push(writeSerial(port, up.subarray(off, off + c.chunk)));
        }
        await Promise.all(writes);
        assert.ok((await atPort).equals(down), 'pty -> serialport bytes differ');
        assert.ok((await atPty).equals(up), 'serialport -> pty bytes differ');
      } finally {
        await closeSerial(port);
      }
    }));
}

test("a blocked write keeps the event loop running; serialport's open flushes what waited in the tty", { timeout: 20000 }, () =>
  withPair({}, async (pty) => {
    const data = pattern(256 * 1024, 3);
    let written = false;
    const done = writePty(pty, data).then(() => (written = true));
    // nobody reads the slave: the write cannot finish, yet timers still fire
    const t0 = Date.now();
    await delay(30);
    assert.ok(Date.now() - t0 < 1000, 'event loop stalled');
    assert.equal(written, false);
    const port = await openSerial(pty.slavePath);
    try {
      const received: Buffer[] = [];
      port.on('data', (chunk: Buffer) => received.push(chunk));
      await done;
      await delay(100);
      const got = Buffer.concat(received);
      // serialport's open does tcflush(TCIOFLUSH): bytes queued in the tty before it opened are gone,
      // like bytes a modem sent to a closed port; the rest of the write arrives intact and in order
      const lost = data.length - got.length;
      assert.ok(lost > 0 && lost <= 64 * 1024, `lost ${lost} bytes`);
      assert.ok(got.equals(data.subarray(lost)), 'the delivered bytes are the tail of the write');
    } finally {
      await closeSerial(port);
    }
  }));

const sessionCases = [
  { name: 'slave held by the pair (default)', holdSlave: true },
  { name: 'slave not held: the master hangs up between sessions', holdSlave: false },
];
for (const c of sessionCases) {
  test(`serialport closes and reopens the slave, traffic resumes: ${c.name}`, { timeout: 20000 }, () =>
    withPair({ holdSlave: c.holdSlave }, async (pty) => {
      for (let session = 0; session < 4; session++) {
        const port = await openSerial(pty.slavePath);
        try {
          await delay(60);
          assert.equal(pty.hungUp, false);
          const cmd = Buffer.from(`AT+CSQ=${session}\r`);
          const atPty = collect(pty, cmd.length);
          await writeSerial(port, cmd);
          assert.deepEqual(await atPty, cmd);
          const reply = Buffer.from(`\r\n+CSQ: ${session},99\r\n\r\nOK\r\n`);
          const atPort = collect(port, reply.length);
          await writePty(pty, reply);
          assert.deepEqual(await atPort, reply);
        } finally {
          await closeSerial(port);
        }
        await delay(60); // let the master observe the close (a hangup when the slave is not held)
        assert.equal(pty.destroyed, false);
        assert.equal(pty.hungUp, !c.holdSlave, 'hungUp while no process has the slave open');
      }
    }));
}

// A pty keeps the speed, stop bits and flag bits it is given, but the kernel forces CS8 and no parity.
const lineCases = [
  { open: { baudRate: 115200, stopBits: 1, rtscts: false, hupcl: false }, info: { baudRate: 115200, stopBits: 1, rtscts: false, hupcl: false } },
  { open: { baudRate: 9600, stopBits: 2, rtscts: true, hupcl: true }, info: { baudRate: 9600, stopBits: 2, rtscts: true, hupcl: true } },
  { open: { baudRate: 921600, dataBits: 7, parity: 'even', stopBits: 1 }, info: { baudRate: 921600, stopBits: 1, rtscts: false, hupcl: false } },
] as const;
for (const c of lineCases) {
  test(`info() shows the line settings serialport gave the slave, bytes stay 8-bit: ${JSON.stringify(c.open)}`, { timeout: 10000 }, () =>
    withPair({}, async (pty) => {
      const port = await openSerial(pty.slavePath, c.open);
      try {
        const info = pty.info();
        assert.equal(info.slavePath, pty.slavePath);
        assert.equal(info.ptyNumber, pty.ptyNumber);
        assert.deepEqual({ baudRate: info.baudRate, stopBits: info.stopBits, rtscts: info.rtscts, hupcl: info.hupcl }, c.info);
        // whatever the DTE asked for, the line stays 8-bit clean
        const atPort = collect(port, 256);
        await writePty(pty, allByteValues());
        assert.deepEqual(await atPort, allByteValues());
      } finally {
        await closeSerial(port);
      }
    }));
}

test('serialport set() (DTR/RTS) fails with ENOTTY on a pty, and the port keeps working', { timeout: 10000 }, () =>
  withPair({}, async (pty) => {
    const port = await openSerial(pty.slavePath);
    try {
      const err = await new Promise<Error | null | undefined>((resolve) => port.set({ dtr: false, rts: false }, resolve));
      assert.ok(err instanceof Error);
      assert.match(err.message, /Inappropriate ioctl for device/);
      const atPty = collect(pty, 4);
      await writeSerial(port, Buffer.from('AT\r\n'));
      assert.deepEqual(await atPty, Buffer.from('AT\r\n'));
    } finally {
      await closeSerial(port);
    }
  }));

test('closing the pair: the reading serialport sees a disconnect close, nothing is unhandled', { timeout: 10000 }, async () => {
  const pty = PtyPair.open();
  const ptyErrors: Error[] = [];
  pty.on('error', (err) => ptyErrors.push(err));
  const port: SerialPort = await openSerial(pty.slavePath);
  // no 'error' listener on the port on purpose: an emitted error would fail this test as unhandled
  const portClosed = new Promise<Error | null>((resolve) => port.once('close', (err: Error | null) => resolve(err)));
  const atPort = collect(port, 2);
  await writePty(pty, Buffer.from('OK'));
  assert.deepEqual(await atPort, Buffer.from('OK'));
  port.on('data', () => {}); // keep reading, as the modem adapter does
  // Let serialport's next read find no data and park in its poller: a read already in flight when
  // the pty hangs up returns 0, which bindings-cpp 13 retries forever (serialport/bindings-cpp#162);
  // from the poller it gets the hangup as an error and closes as shown here.
  await delay(50);
  await pty.close();
  await pty.close(); // idempotent
  const closeErr = await portClosed;
  assert.ok(closeErr instanceof Error, 'serialport reports why it closed');
  assert.equal((closeErr as Error & { disconnected?: boolean }).disconnected, true);
  assert.equal(port.isOpen, false);
  assert.deepEqual(ptyErrors, []);
  assert.equal(pty.destroyed, true);
});

test('closing the pair with a write in flight fails that write, not the stream', { timeout: 10000 }, async () => {
  const pty = PtyPair.open();
  const ptyErrors: Error[] = [];
  pty.on('error', (err) => ptyErrors.push(err));
  // nobody reads the slave, so this write is still in flight when the pair closes
  const pending = new Promise<Error | null | undefined>((resolve) => pty.write(pattern(512 * 1024, 4), resolve));
  await delay(10);
  await pty.close();
  const writeErr = await pending;
  assert.ok(writeErr instanceof Error);
  assert.match(writeErr.message, /pty closed before the write completed/);
  assert.deepEqual(ptyErrors, []);
});
