// Acceptance, routed path under AT+CSMS=1: 20 SMS handed to the SMSC back to back reach the terminal one
// +CMT at a time, each after the AT+CNMA of the one before - all acknowledged, in order, none lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSmsDeliver } from '../../../src/codec/index.js';
import { commands, failOnUnhandled, startRig, waitFor } from '../../unit/modem/harness.js';

failOnUnhandled();

test('20 PDUs back to back through the Modem: acknowledged in order, none lost, paced by AT+CNMA', { timeout: 30000 }, async () => {
  const rig = await startRig({ settings: { smsMode: 'cmt' } });
  try {
    const { sim, modem } = rig;
    assert.equal(sim.settings().csms, 1);
    const texts = Array.from({ length: 20 }, (_, i) => `back to back ${i}`);
    const results = sim.smsc.deliver(texts.map((text) => encodeSmsDeliver({ originator: '+4917012345678', text, timestamp: '2024-05-01T12:00:00Z' })));
    assert.deepEqual(results.map((r) => r.route), ['cmt', ...Array<string>(19).fill('queued')]);
    await waitFor(() => modem.stats().sms.acks === texts.length, 'every +CMT acknowledged', 10000);
    assert.deepEqual(rig.eventsNamed('sms').map((s) => s.datagram.text), texts, 'all, in order, once');
    const s = modem.stats();
    assert.equal(s.sms.ackErrors, 0);
    assert.equal(s.sms.duplicates, 0);
    assert.equal(commands(sim).filter((c) => c === 'AT+CNMA').length, texts.length);
    assert.equal(sim.settings().awaitingAck, 0);
    assert.equal(sim.smsc.waiting(), 0);
    // The SMSC's log against the modem's AT log: between two +CMT there is exactly one AT+CNMA, and it
    // is the command the next +CMT followed.
    const log = sim.smsc.log();
    const routed = log.filter((e) => e.event === 'cmt');
    assert.deepEqual(routed.map((e) => e.id), texts.map((_, i) => i + 1));
    assert.deepEqual(log.filter((e) => e.event === 'acked').map((e) => e.id), texts.map((_, i) => i + 1));
    for (let k = 1; k < routed.length; k++) {
      const between = sim.atLog.filter((e) => e.seq > routed[k - 1]!.afterSeq && e.seq <= routed[k]!.afterSeq);
      assert.deepEqual(between.filter((e) => e.command.startsWith('AT+CNMA')).map((e) => e.command), ['AT+CNMA'], `one acknowledgement before +CMT ${k}`);
      assert.equal(sim.atLog.find((e) => e.seq === routed[k]!.afterSeq)?.command, 'AT+CNMA');
      const ackedAt = log.findIndex((e) => e.event === 'acked' && e.id === k);
      assert.ok(ackedAt >= 0 && ackedAt < log.indexOf(routed[k]!), `+CMT ${k + 1} after the acknowledgement of ${k}`);
    }
  } finally {
    await rig.stop();
  }
});
