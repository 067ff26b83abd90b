// Fault injection of the simulated modem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { encodeSmsDeliver } from '../../../src/codec/index.js';
import { delay, failOnUnhandled } from '../modem/harness.js';
import { SimClient } from './client.js';
import { withSim } from './with-sim.js';

failOnUnhandled();

test('garbage bytes arrive as they are', { timeout: 15000 }, () =>
  withSim({ echo: false }, async (sim, client) => {
    sim.faults.garbage(Uint8Array.of(0xff, 0xfe, 0x00, 0x41));
    sim.faults.garbage('\r\n#junk#\r\n');
    await client.until(() => client.raw.length >= 14, 'the bytes');
    assert.equal(client.raw, '\xff\xfe\x00A\r\n#junk#\r\n');
  }));

test('split writes: the same bytes in many small reads', { timeout: 15000 }, () =>
  withSim({ echo: false }, async (sim, client) => {
    sim.faults.splitWrites({ seed: 7, maxPiece: 3 });
    const r = await client.command('ATI');
    assert.deepEqual(SimClient.texts(r.lines), ['bcastd', 'SIM-MODEM', 'Revision: SIM.1.0']);
    assert.ok(client.chunks >= 10, `${client.chunks} reads`);
    sim.faults.splitWrites(false);
    const before = client.chunks;
    await client.command('ATI');
    assert.ok(client.chunks - before <= 2);
  }));

test('slow, silent and refused commands', { timeout: 15000 }, () =>
  withSim({ echo: false }, async (sim, client) => {
    sim.faults.slowCommand('AT+CSQ', 300);
    const t0 = Date.now();
    await client.command('AT+CSQ');
    assert.ok(Date.now() - t0 >= 280);
    sim.faults.slowCommand('+CSQ', null);
    sim.faults.silence('+CGMI');
    await assert.rejects(client.command('AT+CGMI', 300), /timed out/);
    assert.equal((await client.command('AT+CGMM')).final, 'OK', 'others still answered');
    sim.faults.silence('all');
    await assert.rejects(client.command('AT', 300), /timed out/);
    sim.faults.silence('all', false);
    sim.faults.silence('CGMI', false);
    assert.equal((await client.command('AT+CGMI')).final, 'OK');
    sim.faults.refuse('+CNMI', '+CMS ERROR: 303');
    assert.equal((await client.command('AT+CNMI=2,2,0,0,0')).final, 'CMS ERROR 303');
    sim.faults.refuse('+CNMI', null);
    assert.equal((await client.command('AT+CNMI=2,2,0,0,0')).final, 'OK');
    // Every line was logged, answered or not.
    assert.equal(sim.atLog.filter((e) => e.command === 'AT+CGMI').length, 2);
  }));

test('+CMS ERROR on the acknowledgement', { timeout: 15000 }, () =>
  withSim({ echo: false }, async (sim, client) => {
    for (const c of ['AT+CMGF=0', 'AT+CSMS=1', 'AT+CNMI=2,2,0,0,0']) await client.command(c);
    sim.faults.cmsErrorOnAck(true);
    sim.smsc.deliver(encodeSmsDeliver({ originator: '+491', text: 'x', timestamp: '2024-05-01T12:00:00Z' }));
    await client.until(() => client.lines.some((l) => l.kind === 'cmt'), '+CMT');
    assert.equal((await client.command('AT+CNMA')).final, 'CMS ERROR 340');
    assert.equal(sim.settings().awaitingAck, 0);
  }));

test('the device node vanishes (hang-up, path gone) and comes back with a fresh tty', { timeout: 15000 }, async () => {
  let closedInfo: unknown = null;
  await withSim({ echo: false }, async (sim, client) => {
    client.transport.onClose((info) => (closedInfo = info));
    await client.command('AT+CMGF=0');
    await sim.faults.removeNode();
    assert.equal(sim.present, false);
    assert.equal(existsSync(sim.path), false);
    await client.until(() => closedInfo !== null, 'the hang-up');
    assert.deepEqual((closedInfo as { disconnected: boolean }).disconnected, true);
    // Deliveries while away are kept.
    assert.equal(sim.smsc.deliver(encodeSmsDeliver({ originator: '+491', text: 'kept', timestamp: '2024-05-01T12:00:00Z' }))[0]!.route, 'stored');
    await sim.faults.restoreNode();
    assert.equal(existsSync(sim.path), true);
    const again = await SimClient.open(sim.path);
    try {
      assert.deepEqual(SimClient.texts((await again.command('AT+CMGF?')).lines), ['+CMGF: 0'], 'settings survive a re-enumeration');
      assert.equal(sim.stored().length, 1);
    } finally {
      await again.close();
    }
    // removeNode(ms) comes back by itself.
    await sim.faults.removeNode(100);
    await delay(300);
    assert.equal(existsSync(sim.path), true);
  });
});

test('reboot: deaf while booting, then the boot URCs, settings back to power-on values', { timeout: 15000 }, () =>
  withSim({ echo: true, bootTimeMs: 100, bootUrcs: ['RDY', '+CPIN: READY', 'SMS DONE'] }, async (sim, client) => {
    for (const c of ['ATE0', 'AT+CMGF=0', 'AT+CNMI=2,2,0,0,0', 'AT+CGDCONT=1,"IP","a"', 'AT+CGACT=1,1']) await client.command(c);
    sim.faults.reboot();
    await assert.rejects(client.command('AT', 50), /timed out/);
    await client.until(() => client.raw.includes('SMS DONE'), 'the boot URCs');
    assert.deepEqual(
      SimClient.texts(client.lines.filter((l) => l.kind === 'urc')),
      ['RDY', '+CPIN: READY', 'SMS DONE'],
    );
    const s = sim.settings();
    assert.deepEqual([s.echo, s.cnmi.mt, s.cmgf], [true, 0, 0]);
    assert.deepEqual(sim.contexts().map((c) => [c.cid, c.apn, c.active]), [[1, 'a', false]], 'definitions kept, contexts down');
    assert.equal((await client.command('AT')).final, 'OK');
  }));

test('removeNode needs a stable link path', { timeout: 15000 }, async () => {
  const { startSimModem } = await import('../../../src/sim/modem/index.js');
  const sim = await startSimModem({});
  try {
    assert.match(sim.path, /^\/dev\/pts\/\d+$/);
    await assert.rejects(sim.faults.removeNode(), /linkPath/);
  } finally {
    await sim.close();
  }
});
