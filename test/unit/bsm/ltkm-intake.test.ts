import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { buildSolicitedPull, buildVerificationMessage, encodeMikey } from '../../../src/codec/index.js';
import type { KeyProcessorPort, KeyProcessorResult } from '../../../src/terminal/ltkm/types.js';
import { silentLogger } from '../gba/harness.js';
import { checked, udpIntake } from './ltkm-udp.js';

const pullWith = (counter: number) => encodeMikey(buildSolicitedPull({ csbId: 1, counter, rand: new Uint8Array(16), idi: 'bsm', idr: 'btid', keyDomainId: Uint8Array.of(0, 0xf1, 0x10), keyGroup: 0 }));
const pull = pullWith(5);

async function setup(processor: KeyProcessorPort, allowed: string[] = []) {
  const l = udpIntake({ processor, allowedSources: allowed, logger: silentLogger });
  const { port } = await l.udp.start();
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const replies: Buffer[] = [];
  s.on('message', (m) => replies.push(m));
  const send = (b: Uint8Array) => new Promise<void>((r) => s.send(b, port, '127.0.0.1', () => r()));
  const settle = async (n: number) => {
    for (let i = 0; i < 200 && l.stats().received < n; i++) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
  };
  return { l, pulls: l.pulls, send, settle, replies, close: async () => { s.close(); await l.stop(); } };
}

test('malformed MIKEY, non-MSK messages and foreign sources are dropped, counted, never processed', async (t) => {
  let calls = 0;
  const env = await setup({ processMskMessage: async () => (calls++, checked) });
  t.after(env.close);
  await env.send(Uint8Array.of(1, 2, 3));
  await env.send(encodeMikey(buildVerificationMessage({ csbId: 1, counter: 1 })));
  await env.settle(2);
  const st = env.l.stats();
  assert.equal(st.dropped.malformed, 1);
  assert.equal(st.dropped.unsupported, 1);
  assert.equal(calls, 0);
  assert.deepEqual(env.pulls(), []);
});

test('allow-list: a pull from an address that is not a BSM is dropped', async (t) => {
  let calls = 0;
  const env = await setup({ processMskMessage: async () => (calls++, checked) }, ['10.9.9.9']);
  t.after(env.close);
  await env.send(pull);
  await env.settle(1);
  assert.equal(env.l.stats().dropped.source, 1);
  assert.equal(calls, 0);
});

test('processor verdicts: MAC and replay rejections are counted; accepted pull reaches the callback; verification sent back', async (t) => {
  const verdicts: KeyProcessorResult[] = [
    { kind: 'rejected', reason: 'mac', detail: 'bad' },
    { kind: 'rejected', reason: 'replay', detail: 'old' },
    { kind: 'processed', stored: null, verification: Uint8Array.of(9, 9) },
  ];
  const env = await setup({ processMskMessage: async () => verdicts.shift()! });
  t.after(env.close);
  // Fresh counters: a pair the card already judged would be refused before it (the replay cache, tested below).
  for (let i = 0; i < 3; i++) await env.send(pullWith(5 + i));
  await env.settle(3);
  const st = env.l.stats();
  assert.equal(st.dropped.mac, 1);
  assert.equal(st.dropped.replay, 1);
  assert.deepEqual(env.pulls(), [0]);
  assert.equal(st.verificationsSent, 1);
  assert.deepEqual(env.replies.map((b) => b.toString('hex')), ['0909']);
});

test('replay cache: a pair the card accepted is refused before the card; a pair it refused for its MAC is not remembered', async (t) => {
  let calls = 0;
  const verdicts: KeyProcessorResult[] = [{ kind: 'rejected', reason: 'mac', detail: 'forged' }, checked];
  const env = await setup({ processMskMessage: async () => (calls++, verdicts.shift() ?? checked) });
  t.after(env.close);
  await env.send(pullWith(40)); // forged: the card refuses its MAC
  await env.settle(1);
  await env.send(pullWith(40)); // the genuine one with the same counter still reaches the card
  await env.settle(2);
  for (let i = 0; i < 50; i++) await env.send(pullWith(40)); // replays of the accepted pair
  await env.settle(52);
  const st = env.l.stats();
  assert.equal(calls, 2, 'the card saw the forged and the genuine message only');
  assert.deepEqual(env.pulls(), [0]);
  assert.equal(st.dropped.mac, 1);
  assert.equal(st.dropped.replay, 50);
});

test('per-source share: one flooding source cannot starve another (its excess dropped as overload)', async (t) => {
  let calls = 0;
  // The card is busy until the flood is over: what each source has in the intake piles up.
  let release!: () => void;
  const busy = new Promise<void>((r) => (release = r));
  const l = udpIntake({ processor: { processMskMessage: async () => (await busy, calls++, checked) }, perSourceShare: 5, logger: silentLogger });
  const { port } = await l.udp.start();
  const flood = createSocket('udp4');
  const bsm = createSocket('udp4');
  await Promise.all([flood, bsm].map((s) => new Promise<void>((r) => s.bind(0, '127.0.0.1', r))));
  t.after(async () => {
    release();
    flood.close();
    bsm.close();
    await l.stop();
  });
  const sendFrom = (s: typeof flood, b: Uint8Array) => new Promise<void>((r) => s.send(b, port, '127.0.0.1', () => r()));
  for (let i = 0; i < 100; i++) await sendFrom(flood, pullWith(100 + i));
  await sendFrom(bsm, pullWith(1000));
  for (let i = 0; i < 200 && l.stats().received < 101; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(l.stats().received, 101);
  assert.equal(l.stats().dropped.overload, 95, 'the flooding source had five in the intake; the rest of its datagrams were dropped');
  release();
  for (let i = 0; i < 200 && calls < 6; i++) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(calls, 6, 'five from the flooding source, one from the other');
  assert.equal(l.stats().solicitedPulls, 6);
});

test('per-source share: a burst within the share loses nothing, and the share frees as the card works through it', async (t) => {
  let calls = 0;
  let release!: () => void;
  const busy = new Promise<void>((r) => (release = r));
  const l = udpIntake({ processor: { processMskMessage: async () => (await busy, calls++, checked) }, perSourceShare: 40, logger: silentLogger });
  const { port } = await l.udp.start();
  const bsm = createSocket('udp4');
  await new Promise<void>((r) => bsm.bind(0, '127.0.0.1', r));
  t.after(async () => {
    release();
    bsm.close();
    await l.stop();
  });
  const send = (b: Uint8Array) => new Promise<void>((r) => bsm.send(b, port, '127.0.0.1', () => r()));
  // 40 at once (an LTKM per MSK after a re-registration for all services): all kept while the card is busy.
  for (let i = 0; i < 40; i++) await send(pullWith(2000 + i));
  for (let i = 0; i < 200 && l.stats().received < 40; i++) await new Promise((r) => setTimeout(r, 5));
  release();
  for (let i = 0; i < 400 && calls < 40; i++) await new Promise((r) => setTimeout(r, 5));
  // The share is free again: 40 more are all taken too.
  for (let i = 0; i < 40; i++) await send(pullWith(3000 + i));
  for (let i = 0; i < 400 && calls < 80; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(l.stats().dropped.overload, 0);
  assert.equal(calls, 80);
});

test('an LTKM the card could not judge (card out) is kept, in order, and processed by retryHeld()', async (t) => {
  let cardIn = false;
  const seen: string[] = [];
  const env = await setup({
    processMskMessage: async ({ raw }) => {
      if (!cardIn) return { kind: 'unavailable', detail: 'card removed: no card in the reader' };
      seen.push(Buffer.from(raw).toString('hex'));
      return checked;
    },
  });
  t.after(env.close);
  await env.send(pullWith(70));
  await env.send(pullWith(71));
  await env.settle(2);
  assert.equal(env.l.stats().held, 2);
  assert.equal(env.l.stats().dropped.card, 0, 'not dropped');
  assert.deepEqual(env.pulls(), []);
  cardIn = true;
  await env.l.intake.retryHeld();
  assert.deepEqual(seen, [pullWith(70), pullWith(71)].map((b) => Buffer.from(b).toString('hex')), 'in arrival order');
  assert.deepEqual(env.pulls(), [0, 0]);
  assert.equal(env.l.stats().held, 0);
});
