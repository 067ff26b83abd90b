// The SMSC side of the simulated modem: deliveries routed or stored as the terminal's +CNMI says,
// and the storage commands around them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSmsDeliver, tpduLength } from '../../../src/codec/index.js';
import { failOnUnhandled } from '../modem/harness.js';
import { SimClient } from './client.js';
import { withSim } from './with-sim.js';

failOnUnhandled();

const pdu = (text: string): Uint8Array => encodeSmsDeliver({ originator: '+4917012345678', smsc: '+491710760000', text, timestamp: '2024-05-01T12:00:00+02:00' });
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

test('<mt> 2: +CMT with the PDU, acknowledged once under AT+CSMS=1', { timeout: 15000 }, () =>
  withSim({ echo: false }, async (sim, client) => {
    for (const c of ['AT+CMGF=0', 'AT+CSMS=1', 'AT+CNMI=2,2,0,0,0']) await client.command(c);
    const p = pdu('routed');
    assert.deepEqual(sim.smsc.deliver(p), [{ route: 'cmt' }]);
    await client.until(() => client.lines.some((l) => l.kind === 'cmt'), '+CMT');
    const cmt = client.lines.find((l) => l.kind === 'cmt');
    assert.deepEqual(cmt && cmt.kind === 'cmt' && [cmt.header, cmt.pdu], [{ alpha: null, length: tpduLength(p) }, hex(p)]);
    assert.equal(sim.settings().awaitingAck, 1);
    assert.equal((await client.command('AT+CNMA')).final, 'OK');
    assert.equal((await client.command('AT+CNMA')).final, 'CMS ERROR 340');
    assert.equal(sim.stored().length, 0);
  }));

test('<mt> 1: stored in <mem3> and announced with +CMTI; read, listed, deleted', { timeout: 15000 }, () =>
  withSim({ echo: false }, async (sim, client) => {
    for (const c of ['AT+CMGF=0', 'AT+CNMI=2,1,0,0,0', 'AT+CPMS="SM","SM","ME"']) await client.command(c);
    const [a, b] = [pdu('first'), pdu('second')];
    assert.deepEqual(sim.smsc.deliver([a, b]), [
      { route: 'stored', mem: 'ME', index: 1, indicated: true },
      { route: 'stored', mem: 'ME', index: 2, indicated: true },
    ]);
    await client.until(() => client.lines.filter((l) => l.kind === 'urc' && l.name === '+CMTI').length === 2, 'two +CMTI');
    assert.deepEqual(SimClient.texts(client.lines.filter((l) => l.kind === 'urc')), ['+CMTI: "ME",1', '+CMTI: "ME",2']);
    await client.command('AT+CPMS="ME"');
    const r = await client.command('AT+CMGR=2');
    assert.deepEqual(SimClient.texts(r.lines), [`+CMGR: 0,,${tpduLength(b)}`, hex(b)]);
    assert.deepEqual(SimClient.texts((await client.command('AT+CMGR=2')).lines)[0], `+CMGR: 1,,${tpduLength(b)}`, 'read now');
    const list = await client.command('AT+CMGL=4');
    assert.deepEqual(SimClient.texts(list.lines), [`+CMGL: 1,0,,${tpduLength(a)}`, hex(a), `+CMGL: 2,1,,${tpduLength(b)}`, hex(b)]);
    assert.deepEqual(SimClient.texts((await client.command('AT+CMGL=0')).lines), [], 'nothing unread after the listing');
    await client.command('AT+CMGD=1');
    assert.deepEqual(sim.stored('ME').map((m) => m.index), [2]);
    await client.command('AT+CMGD=0,4');
    assert.deepEqual(sim.stored('ME'), []);
  }));

test('<mt> 0 stores silently; a forced mode wins; a full storage rejects', { timeout: 15000 }, () =>
  withSim({ echo: false, storageCapacity: 2 }, async (sim, client) => {
    await client.command('AT+CMGF=0');
    assert.deepEqual(sim.smsc.deliver(pdu('quiet')), [{ route: 'stored', mem: 'SM', index: 1, indicated: false }]);
    assert.deepEqual(sim.smsc.deliver(pdu('forced'), { mode: 'cmti' }), [{ route: 'stored', mem: 'SM', index: 2, indicated: true }]);
    assert.deepEqual(sim.smsc.deliver(pdu('no room')), [{ route: 'rejected', reason: 'SM storage full' }]);
    await client.until(() => client.lines.some((l) => l.kind === 'urc'), '+CMTI');
    assert.deepEqual(SimClient.texts(client.lines.filter((l) => l.kind === 'urc')), ['+CMTI: "SM",2']);
  }));

test('the > prompt: AT+CMGW stores the PDU, AT+CMGS records it, ESC cancels', { timeout: 15000 }, () =>
  withSim({ echo: false }, async (sim, client) => {
    await client.command('AT+CMGF=0');
    const body = hex(pdu('written'));
    assert.equal((await client.command(`AT+CMGW=${tpduLength(pdu('written'))}`)).final, '>');
    const mark = client.lines.length;
    await client.transport.write(`${body}\x1a`);
    await client.until(() => client.lines.slice(mark).some((l) => l.kind === 'final'), 'the +CMGW answer');
    assert.deepEqual(SimClient.texts(client.lines.slice(mark)), ['+CMGW: 1']);
    assert.equal(sim.stored()[0]!.stat, 2, 'STO UNSENT');

    assert.equal((await client.command('AT+CMGS=17')).final, '>');
    const mark2 = client.lines.length;
    await client.transport.write('0011000B919471402143F50000AA05C8329BFD06\x1a');
    await client.until(() => client.lines.slice(mark2).some((l) => l.kind === 'final'), 'the +CMGS answer');
    assert.deepEqual(SimClient.texts(client.lines.slice(mark2)), ['+CMGS: 1']);
    assert.deepEqual(sim.sent, ['0011000B919471402143F50000AA05C8329BFD06']);

    assert.equal((await client.command('AT+CMGS=17')).final, '>');
    const mark3 = client.lines.length;
    await client.transport.write('00\x1b');
    await client.until(() => client.lines.slice(mark3).some((l) => l.kind === 'final'), 'the cancel');
    assert.equal(sim.sent.length, 1);
  }));
