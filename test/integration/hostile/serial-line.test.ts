// Hostile serial line against the real Modem on a pty (the simulated modem, started by each test):
// megabytes of garbage at full speed, then an SMS flood of 1,000 concatenated parts that never complete.
// The AT engine keeps answering, WAP pushes still arrive afterwards, the reassembler's bounds hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REASSEMBLER_DEFAULTS } from '../../../src/codec/index.js';
import { failOnUnhandled, startRig, waitFor } from '../../unit/modem/harness.js';
import { wapPushPdus } from '../modem/fixtures.js';
import { prng, randomBytes } from '../../unit/fuzz/targets.js';

failOnUnhandled();

const GARBAGE_BYTES = 4 * 1024 * 1024;

test('4 MB of garbage at full speed: the AT engine keeps answering, a push still arrives, memory bounded', { timeout: 60000 }, async () => {
  const rig = await startRig({ settings: { smsMode: 'cmt' } });
  try {
    globalThis.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    const rnd = prng(4);
    let written = 0;
    let answered = 0;
    let failed = 0;
    // Commands keep going while the garbage pours in; some may fail or time out, none may wedge the engine.
    let pouring = true;
    const commands = (async () => {
      while (pouring) {
        try {
          await rig.modem.command('AT');
          answered++;
        } catch {
          failed++;
        }
      }
    })();
    while (written < GARBAGE_BYTES) {
      // Mostly long runs without line ends (overlong lines), sometimes random short lines.
      const chunk = randomBytes(rnd, 16 * 1024);
      if (rnd() < 0.7) for (let i = 0; i < chunk.length; i++) if (chunk[i] === 0x0d || chunk[i] === 0x0a) chunk[i] = 0x20;
      rig.sim.faults.garbage(chunk);
      written += chunk.length;
      if ((written & 0xfffff) < chunk.length) {
        await new Promise((r) => setImmediate(r));
        heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      }
    }
    await new Promise((r) => setTimeout(r, 500));
    pouring = false;
    await commands;
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);

    const eng = rig.modem.stats().engine;
    assert.ok(eng.garbage > 0, 'overlong lines were seen as garbage');
    // Still answering once the line is clean again.
    await rig.modem.command('AT');
    assert.ok(answered > 0, `AT answered during the garbage (${answered} answered, ${failed} failed)`);
    const { pdus, mikey } = wapPushPdus({ reference: 77 });
    rig.sim.smsc.deliver(pdus);
    await waitFor(() => rig.eventsNamed('wap-push').length === 1, 'the WAP push after the garbage', 10000);
    assert.deepEqual(Buffer.from(rig.eventsNamed('wap-push')[0]!.push.body), Buffer.from(mikey));
    assert.ok(heapPeak - heapBefore < 96 * 1024 * 1024, `heap grew by ${((heapPeak - heapBefore) / 1048576).toFixed(1)} MB`);
  } finally {
    await rig.stop();
  }
});

test('an SMS flood of 1,000 parts that never complete: the reassembler stays within its bounds, a real push still arrives', { timeout: 120000 }, async () => {
  const rig = await startRig({ settings: { smsMode: 'cmt' } });
  try {
    const FLOOD = 1000;
    // Part 1 of 3 of a different set each time (distinct references and originators).
    for (let i = 0; i < FLOOD; i += 50) {
      const batch: Uint8Array[] = [];
      for (let k = i; k < i + 50; k++) batch.push(wapPushPdus({ reference: k & 0xff, seed: k, originator: `+49170${String(k).padStart(7, '0')}` }).pdus[0]!);
      rig.sim.smsc.deliver(batch);
      const st = rig.modem.stats().sms.reassembly;
      assert.ok(st.groups <= REASSEMBLER_DEFAULTS.maxGroups, `open sets ${st.groups}`);
      assert.ok(st.bytes <= REASSEMBLER_DEFAULTS.maxBytes, `held bytes ${st.bytes}`);
      await waitFor(() => rig.modem.stats().sms.received >= i + 50, `parts up to ${i + 50} received`, 30000);
    }
    const sms = rig.modem.stats().sms;
    assert.equal(sms.received, FLOOD);
    assert.ok(sms.reassembly.groups <= REASSEMBLER_DEFAULTS.maxGroups, `open sets ${sms.reassembly.groups}`);
    assert.ok(sms.reassembly.parts <= REASSEMBLER_DEFAULTS.maxParts, `held parts ${sms.reassembly.parts}`);
    assert.ok(sms.reassembly.bytes <= REASSEMBLER_DEFAULTS.maxBytes, `held bytes ${sms.reassembly.bytes}`);
    assert.equal(sms.expired, FLOOD - sms.reassembly.groups, 'every set beyond the bound was evicted and counted');
    assert.equal(rig.eventsNamed('wap-push').length, 0);
    assert.equal(rig.modem.stats().listenerErrors, 0);

    const { pdus } = wapPushPdus({ reference: 200, seed: 5000, originator: '+4917012345678' });
    rig.sim.smsc.deliver(pdus);
    await waitFor(() => rig.eventsNamed('wap-push').length === 1, 'a complete push after the flood', 10000);
  } finally {
    await rig.stop();
  }
});
