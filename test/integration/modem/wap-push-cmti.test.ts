// Acceptance, stored path: the same push delivered as stored messages announced by +CMTI is read with
// AT+CMGR, handed over once, and each part deleted with AT+CMGD only after the push was handed over -
// with the modem echoing every command despite ATE0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { delay, failOnUnhandled, startRig, waitFor } from '../../unit/modem/harness.js';
import { wapPushPdus } from './fixtures.js';

failOnUnhandled();

test('+CMTI path: out of order, duplicated, interleaved, split anywhere → one exact push, parts deleted after it', { timeout: 30000 }, async () => {
  const rig = await startRig({ settings: { smsMode: 'cmti' } });
  try {
    const { sim, modem } = rig;
    assert.equal(sim.settings().cnmi.mt, 1);
    const { mikey, pdus } = wapPushPdus({ reference: 200 });
    const [p1, p2, p3] = pdus as [Uint8Array, Uint8Array, Uint8Array];
    sim.faults.splitWrites({ seed: 0xc0ffee, maxPiece: 6 });
    // A modem that echoes despite ATE0: every AT+CMGR/AT+CMGD comes back before its answer.
    sim.faults.echo(true);
    const slots: number[] = [];
    const store = (pdu: Uint8Array): void => {
      const [r] = sim.smsc.deliver(pdu);
      assert.equal(r?.route, 'stored');
      if (r?.route === 'stored') {
        assert.equal(r.indicated, true);
        slots.push(r.index);
      }
    };
    store(p3);
    sim.network.setCoverage(false);
    store(p1);
    sim.urc('+CGEV: NW MODIFY 1,2,0');
    store(p3); // the duplicate, in its own slot
    sim.network.setCoverage(true);
    store(p2);
    await waitFor(() => rig.eventsNamed('wap-push').length === 1, 'the push');
    await waitFor(() => sim.stored('SM').length === 0, 'the storage emptied');
    await delay(150);
    const pushes = rig.events.filter((e) => e.name === 'wap-push');
    assert.equal(pushes.length, 1);
    const push = rig.eventsNamed('wap-push')[0]!;
    assert.deepEqual(Buffer.from(push.push.body), Buffer.from(mikey));
    assert.equal(push.via, 'stored');

    // Read from the storage each +CMTI named; the distinct parts deleted only after the hand-over.
    const log = sim.atLog;
    const handedOverAt = pushes[0]!.atLogLength;
    const [s3, s1, dup, s2] = slots as [number, number, number, number];
    for (const slot of [s3, s1, dup, s2]) assert.ok(log.some((e) => e.command === `AT+CMGR=${slot}`), `read slot ${slot}`);
    for (const slot of [s3, s1, s2]) {
      const del = log.filter((e) => e.command === `AT+CMGD=${slot}`);
      assert.equal(del.length, 1, `slot ${slot} deleted once`);
      assert.ok(del[0]!.seq > handedOverAt, `slot ${slot} deleted after the push was handed over`);
    }
    // The duplicate is a copy of a part already kept in storage: it may go at once.
    assert.equal(log.filter((e) => e.command === `AT+CMGD=${dup}`).length, 1);
    const s = modem.stats().sms;
    assert.equal(s.duplicates, 1);
    assert.equal(s.heldInStorage, 0);
    assert.equal(s.undecodable, 0);
    assert.deepEqual(s.reassembly, { groups: 0, parts: 0, bytes: 0 });
    assert.equal(modem.stats().engine.unexpectedLines, 0, 'echoes recognised as echoes');
    assert.equal(modem.stats().engine.timeouts, 0);
  } finally {
    await rig.stop();
  }
});

test('+CMTI naming another storage: AT+CPMS selects it before AT+CMGR, then back', { timeout: 20000 }, async () => {
  const rig = await startRig({ settings: { smsMode: 'cmti' } });
  try {
    const { sim } = rig;
    const { mikey, pdus } = wapPushPdus({ reference: 201 });
    // The modem stores in ME this time (e.g. the SIM was full): set <mem3> behind the terminal's back.
    await rig.modem.command('AT+CPMS="SM","SM","ME"');
    sim.smsc.deliver(pdus);
    await waitFor(() => rig.eventsNamed('wap-push').length === 1, 'the push');
    await waitFor(() => sim.stored('ME').length === 0, 'ME emptied');
    assert.deepEqual(Buffer.from(rig.eventsNamed('wap-push')[0]!.push.body), Buffer.from(mikey));
    const sent = sim.atLog.map((e) => e.command);
    const select = sent.indexOf('AT+CPMS="ME","SM","SM"');
    assert.ok(select > 0, 'ME selected for reading');
    assert.ok(sent.indexOf('AT+CMGR=1', select) > select);
  } finally {
    await rig.stop();
  }
});
