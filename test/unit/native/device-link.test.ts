// DeviceLink: a stable device path over a pty slave, removed and recreated like a re-enumerated USB modem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceLink, PtyPair } from '../../../src/native/index.js';
import { closeSerial, collect, delay, openSerial, writeSerial } from './serial-helpers.js';

async function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bcastd-devlink-'));
  try {
    await run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function roundTrip(pty: PtyPair, port: Awaited<ReturnType<typeof openSerial>>, tag: string): Promise<void> {
  const atPty = collect(pty, tag.length);
  await writeSerial(port, Buffer.from(tag));
  assert.equal((await atPty).toString(), tag);
  const atPort = collect(port, tag.length);
  pty.write(tag);
  assert.equal((await atPort).toString(), tag);
}

test('attach creates the link (and its directory), detach removes it, both idempotent', () =>
  withDir(async (dir) => {
    const link = new DeviceLink(join(dir, 'serial', 'by-id', 'ttySIM0'));
    assert.equal(await link.target(), null);
    await link.detach(); // absent: no error
    await link.attach('/dev/pts/999');
    assert.equal(lstatSync(link.path).isSymbolicLink(), true);
    assert.equal(await link.target(), '/dev/pts/999');
    await link.attach('/dev/pts/998'); // re-point over an existing link
    assert.equal(await link.target(), '/dev/pts/998');
    await link.detach();
    await link.detach();
    assert.equal(await link.target(), null);
  }));

test('serialport opens the stable path; removing and recreating the node does not disturb an open port', { timeout: 10000 }, () =>
  withDir(async (dir) => {
    const pty = PtyPair.open();
    const link = new DeviceLink(join(dir, 'ttySIM0'));
    try {
      await link.attach(pty.slavePath);
      const port = await openSerial(link.path);
      try {
        await roundTrip(pty, port, 'AT\r');
        await link.detach();
        await roundTrip(pty, port, 'ATI\r');
        await link.attach(pty.slavePath);
      } finally {
        await closeSerial(port);
      }
      const again = await openSerial(link.path);
      try {
        await roundTrip(pty, again, 'AT+CGMI\r');
      } finally {
        await closeSerial(again);
      }
    } finally {
      await pty.close();
    }
  }));

test('USB re-enumeration: the device vanishes, the port closes, a new pty appears at the same path', { timeout: 10000 }, () =>
  withDir(async (dir) => {
    const link = new DeviceLink(join(dir, 'ttySIM0'));
    const first = PtyPair.open();
    // the device that comes back: allocated while the first still exists, so it surely gets another
    // name (ttyUSB0 -> ttyUSB1), which is what the stable path is for
    const second = PtyPair.open();
    try {
      assert.notEqual(second.slavePath, first.slavePath);
      await link.attach(first.slavePath);
      const port = await openSerial(link.path);
      const closed = new Promise<Error | null>((resolve) => port.once('close', (err: Error | null) => resolve(err)));
      port.on('data', () => {}); // a reading port, as the modem adapter keeps it
      await delay(50); // see pty.test.ts: hang up while serialport waits in its poller
      // unplug: the node disappears and the device hangs up
      await link.detach();
      await first.close();
      const why = await closed;
      assert.equal((why as (Error & { disconnected?: boolean }) | null)?.disconnected, true);
      await assert.rejects(openSerial(link.path), /No such file or directory/);
      // replug at the same stable path
      await link.attach(second.slavePath);
      port.removeAllListeners('data');
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
      try {
        await roundTrip(second, port, 'AT+CFUN?\r');
      } finally {
        await closeSerial(port);
      }
    } finally {
      await first.close();
      await second.close();
    }
  }));
