// Acceptance: an incomplete concatenated set expires and frees its memory (and its storage slots);
// the reassembler's bounds evict the oldest set when too many are open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExpiredGroup } from '../../../src/codec/index.js';
import { delay, failOnUnhandled, startRig, waitFor } from '../../unit/modem/harness.js';
import { wapPushPdus } from './fixtures.js';

failOnUnhandled();

const SHORT = { sms: { reassembly: { timeoutMs: 300 }, expireIntervalMs: 50 } };

test('+CMT: two parts of three, then silence → expired, memory freed, nothing pushed', { timeout: 20000 }, async () => {
  const rig = await startRig({ settings: { smsMode: 'cmt' }, tuning: SHORT });
  try {
    const { pdus } = wapPushPdus({ reference: 31 });
    rig.sim.smsc.deliver([pdus[0]!, pdus[2]!]);
    await waitFor(() => rig.modem.stats().sms.reassembly.parts === 2, 'two parts held');
    assert.ok(rig.modem.stats().sms.reassembly.bytes > 128, "a full part and the last one held");
    await waitFor(() => rig.eventsNamed('expired').length === 1, 'the set expiring');
    const g = rig.eventsNamed('expired')[0]! as ExpiredGroup;
    assert.equal(g.reason, 'timeout');
    assert.equal(g.reference, 31);
    assert.equal(g.total, 3);
    assert.deepEqual(g.received, [1, 3]);
    assert.deepEqual(rig.modem.stats().sms.reassembly, { groups: 0, parts: 0, bytes: 0 });
    assert.equal(rig.modem.stats().sms.expired, 1);
    assert.equal(rig.eventsNamed('wap-push').length, 0);
    // The missing part arriving late starts a new set of its own (and expires in turn).
    rig.sim.smsc.deliver(pdus[1]!);
    await waitFor(() => rig.eventsNamed('expired').length === 2, 'the late part expiring');
    assert.equal(rig.eventsNamed('wap-push').length, 0);
  } finally {
    await rig.stop();
  }
});

test('+CMTI: stored parts stay stored while their set is open and are deleted when it expires', { timeout: 20000 }, async () => {
  const rig = await startRig({ settings: { smsMode: 'cmti' }, tuning: SHORT });
  try {
    const { pdus } = wapPushPdus({ reference: 32 });
    rig.sim.smsc.deliver([pdus[1]!, pdus[0]!]);
    await waitFor(() => rig.modem.stats().sms.heldInStorage === 2, 'two parts held in storage');
    assert.equal(rig.sim.stored('SM').length, 2, 'not deleted while the set may still complete');
    await waitFor(() => rig.eventsNamed('expired').length === 1, 'the set expiring');
    await waitFor(() => rig.sim.stored('SM').length === 0, 'their slots freed');
    assert.equal(rig.modem.stats().sms.heldInStorage, 0);
    assert.deepEqual(rig.modem.stats().sms.reassembly, { groups: 0, parts: 0, bytes: 0 });
  } finally {
    await rig.stop();
  }
});

test('bounded: a fourth open set evicts the least recently active one', { timeout: 20000 }, async () => {
  const rig = await startRig({ settings: { smsMode: 'cmt' }, tuning: { sms: { reassembly: { timeoutMs: 60_000, maxGroups: 3 } } } });
  try {
    for (const ref of [41, 42, 43, 44]) rig.sim.smsc.deliver(wapPushPdus({ reference: ref, seed: ref }).pdus[0]!);
    await waitFor(() => rig.eventsNamed('expired').length === 1, 'an eviction');
    await delay(50);
    const g = rig.eventsNamed('expired')[0]! as ExpiredGroup;
    assert.equal(g.reason, 'evicted');
    assert.equal(g.reference, 41);
    assert.equal(rig.modem.stats().sms.reassembly.groups, 3);
  } finally {
    await rig.stop();
  }
});
