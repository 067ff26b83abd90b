// The simulated SMSC under AT+CSMS=1: one routed +CMT at a time, the next only after AT+CNMA; a missing
// acknowledgement turns routing off (27.005 +CNMA) and the message is retried, then given up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AtLine } from '../../../src/codec/at/index.js';
import { encodeSmsDeliver } from '../../../src/codec/index.js';
import type { SmscLogEntry } from '../../../src/sim/modem/index.js';
import { delay, failOnUnhandled } from '../modem/harness.js';
import { SimClient } from './client.js';
import { withSim } from './with-sim.js';

failOnUnhandled();

const pdu = (text: string): Uint8Array => encodeSmsDeliver({ originator: '+4917012345678', smsc: '+491710760000', text, timestamp: '2024-05-01T12:00:00+02:00' });
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();
const cmts = (client: SimClient): Extract<AtLine, { kind: 'cmt' }>[] => client.lines.filter((l): l is Extract<AtLine, { kind: 'cmt' }> => l.kind === 'cmt');
const steps = (log: readonly SmscLogEntry[], id: number): string[] => log.filter((e) => e.id === id).map((e) => `${e.event}:${e.attempt}`);

async function ackMode(client: SimClient): Promise<void> {
  for (const c of ['AT+CMGF=0', 'AT+CSMS=1', 'AT+CNMI=2,2,0,0,0']) assert.equal((await client.command(c)).final, 'OK');
}

test('20 PDUs back to back: one +CMT at a time, each after the previous AT+CNMA, all in order, none lost', { timeout: 20000 }, () =>
  withSim({ echo: false }, async (sim, client) => {
    await ackMode(client);
    const pdus = Array.from({ length: 20 }, (_, i) => pdu(`message ${i}`));
    const results = sim.smsc.deliver(pdus);
    assert.deepEqual(results, [{ route: 'cmt' }, ...pdus.slice(1).map((_, i) => ({ route: 'queued', position: i + 1 }))]);
    assert.equal(sim.smsc.waiting(), 19);
    for (let i = 0; i < pdus.length; i++) {
      await client.until(() => cmts(client).length === i + 1, `+CMT ${i}`);
      await delay(20); // room for a wrong, unacknowledged next one
      assert.equal(cmts(client).length, i + 1, `no +CMT ${i + 1} before the acknowledgement of ${i}`);
      assert.equal(sim.settings().awaitingAck, 1);
      assert.equal((await client.command('AT+CNMA')).final, 'OK');
    }
    await delay(20);
    assert.deepEqual(cmts(client).map((l) => l.pdu), pdus.map(hex), 'all, in order, once');
    assert.equal(sim.settings().awaitingAck, 0);
    assert.equal(sim.smsc.waiting(), 0);
    // On the wire: every +CMT after the first comes after the OK of the AT+CNMA before it.
    const finals = client.lines.map((l, i) => (l.kind === 'final' ? i : -1)).filter((i) => i >= 0);
    const cmtAt = client.lines.map((l, i) => (l.kind === 'cmt' ? i : -1)).filter((i) => i >= 0);
    for (let k = 1; k < cmtAt.length; k++) assert.ok(finals.some((f) => f > cmtAt[k - 1]! && f < cmtAt[k]!), `an OK between +CMT ${k - 1} and ${k}`);
    // In the SMSC's log: routed, acknowledged, next routed - and each +CMT after the AT+CNMA that freed it.
    const log = sim.smsc.log().filter((e) => e.event === 'cmt' || e.event === 'acked');
    assert.deepEqual(log.map((e) => `${e.event}#${e.id}`), pdus.flatMap((_, i) => [`cmt#${i + 1}`, `acked#${i + 1}`]));
    const cnmaSeqs = sim.atLog.filter((e) => e.command === 'AT+CNMA').map((e) => e.seq);
    const cmtSeqs = log.filter((e) => e.event === 'cmt').map((e) => e.afterSeq);
    for (let k = 1; k < cmtSeqs.length; k++) assert.equal(cmtSeqs[k], cnmaSeqs[k - 1], `+CMT ${k} right after AT+CNMA ${k - 1}`);
  }));

test('no acknowledgement: routing off (<mt>, <ds> 0), retried as routing then allows, given up after maxAttempts', { timeout: 15000 }, () =>
  withSim({ echo: false, smsc: { ackTimeoutMs: 150, retryDelayMs: 300, maxAttempts: 2 } }, async (sim, client) => {
    await ackMode(client);
    const [a, b] = [pdu('never acknowledged'), pdu('behind it')];
    assert.deepEqual(sim.smsc.deliver([a, b]), [{ route: 'cmt' }, { route: 'queued', position: 1 }]);
    await client.until(() => cmts(client).length === 1, 'the first +CMT');
    await client.until(() => sim.settings().cnmi.mt === 0, 'the acknowledgement timeout', 2000);
    assert.deepEqual(sim.settings().cnmi, { mode: 2, mt: 0, bm: 0, ds: 0, bfr: 0 });
    assert.equal(sim.settings().awaitingAck, 0);
    assert.equal((await client.command('AT+CNMA')).final, 'CMS ERROR 340', 'too late');
    // The one behind it went on at once, routed as the modem is now set: stored, no indication.
    assert.deepEqual(sim.stored().map((m) => m.pdu), [hex(b)]);
    // The terminal re-arms routing; the retry is routed again and again not acknowledged: given up.
    assert.equal((await client.command('AT+CNMI=2,2,0,0,0')).final, 'OK');
    await client.until(() => cmts(client).length === 2, 'the retried +CMT', 2000);
    await client.until(() => sim.smsc.log().some((e) => e.event === 'gave-up'), 'giving up', 2000);
    assert.deepEqual(cmts(client).map((l) => l.pdu), [hex(a), hex(a)]);
    assert.deepEqual(steps(sim.smsc.log(), 1), ['cmt:1', 'ack-timeout:1', 'retry:1', 'cmt:2', 'ack-timeout:2', 'gave-up:2']);
    assert.deepEqual(steps(sim.smsc.log(), 2), ['queued:0', 'stored:1']);
    await delay(400);
    assert.equal(cmts(client).length, 2, 'nothing after giving up');
  }));

test('AT+CNMA=2 (RP-ERROR) is a failed attempt: the message comes again and is acknowledged then', { timeout: 15000 }, () =>
  withSim({ echo: false, smsc: { retryDelayMs: 100 } }, async (sim, client) => {
    await ackMode(client);
    const p = pdu('refused once');
    sim.smsc.deliver(p);
    await client.until(() => cmts(client).length === 1, '+CMT');
    assert.equal((await client.command('AT+CNMA=2')).final, 'OK');
    await client.until(() => cmts(client).length === 2, 'the retry');
    assert.equal((await client.command('AT+CNMA=0')).final, 'OK');
    assert.deepEqual(steps(sim.smsc.log(), 1), ['cmt:1', 'nacked:1', 'retry:1', 'cmt:2', 'acked:2']);
    assert.equal(sim.settings().cnmi.mt, 2, 'a refusal by the terminal leaves routing on');
  }));

test('the SMSC queue is bounded; without AT+CSMS=1 every +CMT goes out at once', { timeout: 15000 }, () =>
  withSim({ echo: false, smsc: { maxQueued: 2 } }, async (sim, client) => {
    await ackMode(client);
    assert.deepEqual(sim.smsc.deliver([pdu('1'), pdu('2'), pdu('3'), pdu('4')]), [
      { route: 'cmt' },
      { route: 'queued', position: 1 },
      { route: 'queued', position: 2 },
      { route: 'rejected', reason: 'SMSC queue full (2 waiting)' },
    ]);
    for (let i = 1; i <= 3; i++) {
      await client.until(() => cmts(client).length === i, `+CMT ${i}`);
      assert.equal((await client.command('AT+CNMA')).final, 'OK');
    }
    assert.equal((await client.command('AT+CSMS=0')).final, 'OK');
    assert.deepEqual(sim.smsc.deliver([pdu('5'), pdu('6'), pdu('7')]), [{ route: 'cmt' }, { route: 'cmt' }, { route: 'cmt' }]);
    await client.until(() => cmts(client).length === 6, 'three more at once');
    assert.equal(sim.settings().awaitingAck, 0);
  }));
