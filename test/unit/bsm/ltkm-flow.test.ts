// The intake reports each message's steps (received → checked → verification sent) for the flow view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { buildSolicitedPull, encodeMikey } from '../../../src/codec/index.js';
import type { KeyProcessorPort, LtkmFlowStep } from '../../../src/terminal/ltkm/types.js';
import { silentLogger } from '../gba/harness.js';
import { udpIntake } from './ltkm-udp.js';

const pull = encodeMikey(buildSolicitedPull({ csbId: 1, counter: 5, rand: new Uint8Array(16), idi: 'bsm', idr: 'btid', keyDomainId: Uint8Array.of(0, 0xf1, 0x10), keyGroup: 7 }));

async function run(processor: KeyProcessorPort, via: 'udp' | 'sms'): Promise<LtkmFlowStep[]> {
  const steps: LtkmFlowStep[] = [];
  const l = udpIntake({ processor, onFlow: (f) => steps.push(f), logger: silentLogger });
  const { port } = await l.udp.start();
  try {
    if (via === 'sms') {
      await l.intake.accept(pull, { address: 'sms', port: 0, via: 'sms' });
    } else {
      const s = createSocket('udp4');
      await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
      const replied = new Promise<void>((r) => s.once('message', () => r()));
      await new Promise<void>((r) => s.send(pull, port, '127.0.0.1', () => r()));
      await Promise.race([replied, new Promise((r) => setTimeout(r, 1000))]);
      for (let i = 0; i < 100 && steps.length < 3; i++) await new Promise((r) => setTimeout(r, 5));
      s.close();
    }
  } finally {
    await l.stop();
  }
  return steps;
}

test('a UDP pull: received, checked ok with a duration, verification sent back to the sender', async () => {
  const steps = await run({ processMskMessage: async () => ({ kind: 'processed', stored: null, verification: Uint8Array.of(1, 2, 3) }) }, 'udp');
  assert.deepEqual(steps.map((s) => s.step), ['received', 'checked', 'verification-sent']);
  const [received, checked, sent] = steps as [Extract<LtkmFlowStep, { step: 'received' }>, Extract<LtkmFlowStep, { step: 'checked' }>, Extract<LtkmFlowStep, { step: 'verification-sent' }>];
  assert.equal(received.purpose, 'solicited-pull');
  assert.equal(received.via, 'udp');
  assert.equal(received.bytes, pull.length);
  assert.match(received.from, /^127\.0\.0\.1:\d+$/);
  assert.equal(checked.ok, true);
  assert.ok(checked.durationMs >= 0);
  assert.equal(sent.bytes, 3);
  assert.equal(sent.to, received.from);
});

test('an SMS-borne pull the card rejects: received, checked not ok with the reason, nothing sent', async () => {
  const steps = await run({ processMskMessage: async () => ({ kind: 'rejected', reason: 'replay', detail: 'counter not fresh' }) }, 'sms');
  assert.deepEqual(steps, [
    { step: 'received', purpose: 'solicited-pull', via: 'sms', from: 'sms', bytes: pull.length },
    { ...(steps[1] as object), step: 'checked', purpose: 'solicited-pull', ok: false, reason: 'replay', via: 'sms' },
  ]);
  assert.equal(typeof (steps[1] as { durationMs: unknown }).durationMs, 'number');
});
