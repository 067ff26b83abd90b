// Acceptance: messages stored while the daemon was disconnected are read and deleted after the
// reconnect, and none is deleted before it was handed over (checked on the modem's own command log).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failOnUnhandled, startRig, waitFor } from '../../unit/modem/harness.js';
import { plainSms, wapPushPdus } from './fixtures.js';

failOnUnhandled();

for (const smsMode of ['cmt', 'cmti'] as const) {
  test(`stored while away (${smsMode} routing): read after the reconnect, deleted only after hand-over`, { timeout: 20000 }, async () => {
    const rig = await startRig({ settings: { smsMode } });
    try {
      const { sim, modem } = rig;
      await sim.faults.removeNode();
      await waitFor(() => modem.state === 'backoff' || modem.state === 'opening', 'the link noticing');
      const { mikey, pdus } = wapPushPdus({ reference: 90 });
      const results = sim.smsc.deliver([pdus[2]!, plainSms('stored while you were away'), pdus[0]!, pdus[1]!]);
      const slots = results.map((r) => {
        assert.equal(r.route, 'stored');
        assert.equal(r.route === 'stored' && r.indicated, false, 'nobody to tell');
        return r.route === 'stored' ? r.index : -1;
      });
      assert.equal(sim.stored('SM').length, 4);
      const reconnectAt = sim.atLog.length;
      await sim.faults.restoreNode();
      await waitFor(() => rig.eventsNamed('ready').length === 2, 'the reconnect');
      await waitFor(() => sim.stored('SM').length === 0, 'the storage emptied');

      const push = rig.events.find((e) => e.name === 'wap-push');
      const sms = rig.events.find((e) => e.name === 'sms');
      assert.ok(push && sms, 'the push and the plain SMS were handed over');
      assert.deepEqual(Buffer.from(rig.eventsNamed('wap-push')[0]!.push.body), Buffer.from(mikey));
      assert.equal(rig.eventsNamed('sms')[0]!.datagram.text, 'stored while you were away');

      const log = sim.atLog.slice(reconnectAt);
      const listing = log.find((e) => e.command === 'AT+CMGL=4');
      assert.ok(listing, 'AT+CMGL=4 after the reconnect');
      const deletedAt = (slot: number): number => {
        const d = log.filter((e) => e.command === `AT+CMGD=${slot}`);
        assert.equal(d.length, 1, `slot ${slot} deleted exactly once`);
        assert.ok(d[0]!.seq > listing.seq);
        return d[0]!.seq;
      };
      const [p3, plain, p1, p2] = slots as [number, number, number, number];
      for (const slot of [p3, p1, p2]) assert.ok(deletedAt(slot) > push.atLogLength, `push part in slot ${slot} deleted after the push was handed over`);
      assert.ok(deletedAt(plain) > sms.atLogLength, 'the plain SMS deleted after it was handed over');
      // Nothing was deleted before the reconnect's listing.
      assert.equal(sim.atLog.slice(0, listing.seq - 1).filter((e) => e.command.startsWith('AT+CMGD')).length, 0);
      assert.equal(modem.stats().sms.undecodable, 0);
      assert.equal(modem.stats().link.disconnects, 1);
    } finally {
      await rig.stop();
    }
  });
}
