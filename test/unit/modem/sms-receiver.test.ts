// SMS reception details: routing fallbacks, acknowledgement, bad PDUs, dispatch by port, listeners.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSmsDeliver } from '../../../src/codec/index.js';
import { capturingLogger, commands, delay, failOnUnhandled, startRig, waitFor } from './harness.js';

failOnUnhandled();

const BASE = { originator: '+4917012345678', smsc: '+491710760000', timestamp: '2024-05-01T12:00:00+02:00' } as const;

test('a modem without <mt> 2: "auto" falls back to +CMTI, read from storage', { timeout: 15000 }, async () => {
  const rig = await startRig({ sim: { cnmiSupport: { mode: [0, 1], mt: [0, 1], bm: [0], ds: [0], bfr: [0, 1] } } });
  try {
    assert.equal(rig.modem.stats().sms.route, 'cmti');
    assert.ok(commands(rig.sim).includes('AT+CNMI=1,1,0,0,0'));
    rig.sim.smsc.deliver(encodeSmsDeliver({ ...BASE, text: 'via storage' }));
    await waitFor(() => rig.eventsNamed('sms').length === 1, 'the SMS');
    assert.equal(rig.eventsNamed('sms')[0]!.via, 'stored');
  } finally {
    await rig.stop();
  }
});

test('"cmt" on a modem that cannot route: no routing, stored messages still read on the next listing', { timeout: 15000 }, async () => {
  const { logger, records } = capturingLogger('info');
  const rig = await startRig({ logger, settings: { smsMode: 'cmt' }, sim: { cnmiSupport: { mode: [0, 1], mt: [0, 1], bm: [0], ds: [0], bfr: [0] } } });
  try {
    assert.equal(rig.modem.stats().sms.route, 'none');
    assert.ok(records.some((r) => r.level === 50 && /accepts no SMS routing/.test(r.msg)));
    rig.sim.smsc.deliver(encodeSmsDeliver({ ...BASE, text: 'kept' }), { mode: 'store' });
    rig.sim.faults.reboot();
    await waitFor(() => rig.eventsNamed('sms').length === 1, 'the stored SMS after the re-initialisation');
  } finally {
    await rig.stop();
  }
});

test('AT+CSMS=1 refused: phase 2 (no acknowledgement), +CMT still received', { timeout: 15000 }, async () => {
  const rig = await startRig({ settings: { smsMode: 'cmt' }, sim: {} });
  try {
    rig.sim.faults.refuse('+CSMS');
    rig.sim.faults.reboot();
    await waitFor(() => rig.eventsNamed('ready').length === 2, 're-initialised');
    rig.sim.faults.refuse('+CSMS', null);
    assert.equal(rig.modem.stats().sms.acknowledged, false);
    const before = commands(rig.sim).length;
    rig.sim.smsc.deliver(encodeSmsDeliver({ ...BASE, text: 'no ack needed' }));
    await waitFor(() => rig.eventsNamed('sms').length === 1, 'the SMS');
    await delay(50);
    assert.ok(!commands(rig.sim).slice(before).some((c) => c.startsWith('AT+CNMA')));
  } finally {
    await rig.stop();
  }
});

test('bad PDUs: a typed error, one log line, a counter; acknowledged or deleted; never a crash', { timeout: 15000 }, async () => {
  const { logger, records } = capturingLogger('info');
  const rig = await startRig({ logger, settings: { smsMode: 'cmt' } });
  try {
    const { sim, modem } = rig;
    // A TPDU that is not an SMS-DELIVER (truncated after the originator).
    sim.sendRaw('\r\n+CMT: ,10\r\n0004099194710721436500\r\n');
    // A text-mode header: the PDU line is lost.
    sim.sendRaw('\r\n+CMT: "+4917012345678","","24/05/01,12:00:00+08"\r\nHello\r\n');
    // Stored junk, found by the listing.
    sim.smsc.deliver('0004FFFFFFFF', { mode: 'store' });
    await waitFor(() => modem.stats().sms.undecodable === 2, 'two routed bad PDUs');
    await modem.command('AT+CGMI');
    // Bad routed PDUs are acknowledged too: the SC must not resend them.
    assert.equal(commands(sim).filter((c) => c === 'AT+CNMA').length, 2);
    sim.faults.reboot();
    await waitFor(() => modem.stats().sms.undecodable === 3 && sim.stored('SM').length === 0, 'the stored one reported and deleted');
    const bad = rig.eventsNamed('undecodable');
    assert.deepEqual(bad.map((b) => [b.via, b.error.name, b.error.stage]), [
      ['cmt', 'BadSmsError', 'tpdu'],
      ['cmt', 'BadSmsError', 'pdu-line'],
      ['stored', 'BadSmsError', 'tpdu'],
    ]);
    assert.equal(bad[0]!.error.raw, '0004099194710721436500');
    assert.equal(records.filter((r) => r.msg === 'undecodable SMS').length, 3, 'one log line each');
    // Still working afterwards.
    sim.smsc.deliver(encodeSmsDeliver({ ...BASE, text: 'fine' }));
    await waitFor(() => rig.eventsNamed('sms').length === 1, 'a good SMS');
  } finally {
    await rig.stop();
  }
});

test('dispatch: plain SMS → sms, other ports → datagram (reported, not lost)', { timeout: 15000 }, async () => {
  const rig = await startRig({ settings: { smsMode: 'cmt' } });
  try {
    rig.sim.smsc.deliver([
      encodeSmsDeliver({ ...BASE, text: 'Ünïcødé text ✓' }),
      encodeSmsDeliver({ ...BASE, ports: { destination: 4359, source: 4359 }, userData: Uint8Array.of(1, 2, 3, 4) }),
    ]);
    await waitFor(() => rig.eventsNamed('sms').length === 1 && rig.eventsNamed('datagram').length === 1, 'both');
    assert.equal(rig.eventsNamed('sms')[0]!.datagram.text, 'Ünïcødé text ✓');
    const d = rig.eventsNamed('datagram')[0]!;
    assert.equal(d.port, 4359);
    assert.deepEqual([...d.datagram.userData], [1, 2, 3, 4]);
    assert.equal(rig.eventsNamed('wap-push').length, 0);
  } finally {
    await rig.stop();
  }
});

test('+CMS ERROR on the acknowledgement: counted, routing re-armed, the next SMS still arrives', { timeout: 15000 }, async () => {
  const rig = await startRig({ settings: { smsMode: 'cmt' } });
  try {
    const { sim, modem } = rig;
    sim.faults.cmsErrorOnAck(true);
    sim.smsc.deliver(encodeSmsDeliver({ ...BASE, text: 'one' }));
    await waitFor(() => modem.stats().sms.ackErrors === 1, 'the failed acknowledgement');
    await waitFor(() => commands(sim).filter((c) => c === 'AT+CNMI=2,2,0,0,0').length === 2, 'routing re-armed');
    const sent = commands(sim);
    assert.ok(sent.lastIndexOf('AT+CNMI=2,2,0,0,0') > sent.indexOf('AT+CNMA'));
    sim.faults.cmsErrorOnAck(false);
    sim.smsc.deliver(encodeSmsDeliver({ ...BASE, text: 'two' }));
    await waitFor(() => rig.eventsNamed('sms').length === 2, 'the next SMS');
    assert.equal(modem.stats().sms.acks, 1);
  } finally {
    await rig.stop();
  }
});

test('a throwing listener is counted; the stored message is still deleted; nothing crashes', { timeout: 15000 }, async () => {
  const rig = await startRig({ settings: { smsMode: 'cmti' } });
  try {
    rig.modem.on('sms', () => {
      throw new Error('handler bug');
    });
    rig.sim.smsc.deliver(encodeSmsDeliver({ ...BASE, text: 'boom' }));
    await waitFor(() => rig.modem.stats().listenerErrors === 1, 'the listener error');
    await waitFor(() => rig.sim.stored('SM').length === 0, 'deleted anyway');
    assert.equal(rig.eventsNamed('sms').length, 1);
  } finally {
    await rig.stop();
  }
});

test('the same message routed and then found stored is handed over once', { timeout: 15000 }, async () => {
  const rig = await startRig({ settings: { smsMode: 'cmt' } });
  try {
    const pdu = encodeSmsDeliver({ ...BASE, text: 'twice' });
    rig.sim.smsc.deliver(pdu);
    await waitFor(() => rig.eventsNamed('sms').length === 1, 'the routed copy');
    rig.sim.smsc.deliver(pdu, { mode: 'cmti' });
    await waitFor(() => rig.sim.stored('SM').length === 0, 'the stored copy deleted');
    await delay(50);
    assert.equal(rig.eventsNamed('sms').length, 1);
    assert.equal(rig.modem.stats().sms.duplicates, 1);
  } finally {
    await rig.stop();
  }
});

test('a PDU body through the > prompt (AT+CMGW) over the real tty; listings leave stored outgoing messages alone', { timeout: 15000 }, async () => {
  const rig = await startRig({ settings: { smsMode: 'cmt' } });
  try {
    const submit = '0011000B919471402143F50000AA05C8329BFD06';
    const r = await rig.modem.command('AT+CMGW=19', { body: submit });
    assert.deepEqual(r.lines, ['+CMGW: 1']);
    assert.deepEqual(rig.sim.stored('SM').map((m) => [m.index, m.stat, m.pdu]), [[1, 2, submit]]);
    rig.sim.faults.reboot();
    await waitFor(() => rig.eventsNamed('ready').length === 2, 're-initialised (and listed)');
    assert.ok(commands(rig.sim).filter((c) => c === 'AT+CMGL=4').length >= 2);
    assert.equal(rig.sim.stored('SM').length, 1, 'not ours to take');
    assert.equal(rig.modem.stats().sms.undecodable, 0);
  } finally {
    await rig.stop();
  }
});
