// Acceptance: a WAP push in 3 concatenated SMS routed as +CMT - out of order, one duplicate, URCs in
// between, every byte split at random boundaries - yields exactly one push with the exact bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tpduLength } from '../../../src/codec/index.js';
import { commands, delay, failOnUnhandled, startRig, waitFor } from '../../unit/modem/harness.js';
import { wapPushPdus } from './fixtures.js';

failOnUnhandled();

const SEEDS = [0x1234, 0xbeef, 0x5eed];

test('+CMT path: out of order, duplicated, interleaved with +CEREG/+CGEV, split anywhere → one exact push', { timeout: 30000 }, async () => {
  const rig = await startRig({ settings: { smsMode: 'cmt' } });
  try {
    const { sim, modem } = rig;
    assert.equal(sim.settings().cnmi.mt, 2);
    assert.equal(sim.settings().csms, 1);
    for (const [round, seed] of SEEDS.entries()) {
      const { mikey, wsp, pdus } = wapPushPdus({ reference: 10 + round, seed: round + 1 });
      const [p1, p2, p3] = pdus as [Uint8Array, Uint8Array, Uint8Array];
      sim.faults.splitWrites({ seed, maxPiece: 5 });
      const before = rig.eventsNamed('wap-push').length;
      sim.smsc.deliver(p3);
      sim.network.setCoverage(false);
      sim.smsc.deliver(p1);
      sim.urc('+CGEV: NW MODIFY 1,2,0');
      sim.smsc.deliver(p3); // the duplicate
      sim.network.setCoverage(true);
      sim.urc('+CGEV: ME PDN ACT 8,1');
      sim.smsc.deliver(p2);
      await waitFor(() => rig.eventsNamed('wap-push').length > before, `the push of round ${round}`);
      await delay(150); // room for a second (wrong) push to show up
      const pushes = rig.eventsNamed('wap-push').slice(before);
      assert.equal(pushes.length, 1, 'exactly one push');
      const push = pushes[0]!;
      assert.deepEqual(Buffer.from(push.push.body), Buffer.from(mikey), 'the MIKEY bytes, exactly');
      assert.deepEqual(Buffer.from(push.datagram.userData), Buffer.from(wsp), 'the WSP bytes, exactly');
      assert.equal(push.push.contentType, 'application/mikey');
      assert.equal(push.push.applicationId, 'x-oma-application:bcast.ua');
      assert.equal(push.datagram.parts, 3);
      assert.equal(push.via, 'cmt');
      sim.faults.splitWrites(false);
    }
    const s = modem.stats();
    assert.equal(s.sms.duplicates, SEEDS.length);
    assert.equal(s.sms.undecodable, 0);
    assert.equal(s.sms.pushes, SEEDS.length);
    await waitFor(() => modem.stats().sms.acks === 4 * SEEDS.length, 'every +CMT acknowledged');
    assert.equal(s.sms.ackErrors, 0);
    assert.equal(commands(sim).filter((c) => c === 'AT+CNMA').length, 4 * SEEDS.length);
    assert.equal(sim.settings().awaitingAck, 0);
    assert.deepEqual(s.sms.reassembly, { groups: 0, parts: 0, bytes: 0 });
    assert.equal(s.engine.garbage, 0);
    // The URCs reached their subscribers on the way.
    const coverage = rig.eventsNamed('coverage').map((c) => c.covered);
    assert.deepEqual(coverage.slice(-2), [false, true]);
    assert.equal(s.pdp.badEvents, 0);
    assert.equal(s.pdp.events, 2 * SEEDS.length);
    assert.equal(modem.pdpState, 'active', 'a MODIFY / another cid does not disturb the context');
  } finally {
    await rig.stop();
  }
});

test('URCs and +CMT in the middle of a command answer reach subscribers; the answer stays clean', { timeout: 20000 }, async () => {
  const rig = await startRig({ settings: { smsMode: 'cmt' } });
  try {
    const { sim, modem } = rig;
    const { mikey, pdus } = wapPushPdus({ reference: 77 });
    sim.faults.splitWrites({ seed: 99, maxPiece: 3 });
    // Coverage is lost only when every registration says so (CS and EPS both searching).
    sim.faults.urcInNextResponse([
      '+CEREG: 2',
      '+CREG: 2',
      `+CMT: ,${tpduLength(pdus[0]!)}`,
      Buffer.from(pdus[0]!).toString('hex').toUpperCase(),
      '+CGEV: NW MODIFY 1,2,0',
      '+CEREG: 1,"1A2B","01A2B3C4",7',
    ]);
    const r = await modem.command('AT+CGMM');
    assert.deepEqual(r.lines, ['SIM-MODEM']);
    sim.smsc.deliver([pdus[2]!, pdus[1]!]);
    await waitFor(() => rig.eventsNamed('wap-push').length === 1, 'the push');
    assert.deepEqual(Buffer.from(rig.eventsNamed('wap-push')[0]!.push.body), Buffer.from(mikey));
    assert.deepEqual(rig.eventsNamed('coverage').map((c) => c.covered).slice(-2), [false, true]);
  } finally {
    await rig.stop();
  }
});
