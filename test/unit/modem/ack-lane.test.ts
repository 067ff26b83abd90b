// SMS acknowledgements take the engine's priority lane: with the ordinary queue full, a flood of +CMT
// still gets every AT+CNMA out - next, ahead of the queued commands, none refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSmsDeliver, tpduLength } from '../../../src/codec/index.js';
import { AtEngine, AtLinkError, SmsReceiver, modemProfile, resolveTimeouts } from '../../../src/modem/index.js';
import { FakeTransport } from './fake-transport.js';
import { failOnUnhandled, silentLogger } from './harness.js';

failOnUnhandled();

const MAX_QUEUE = 4;

/** An engine with a small ordinary queue and an SmsReceiver on it, initialised against a modem that says OK to everything. */
async function setup() {
  const engine = new AtEngine({ logger: silentLogger(), timeouts: resolveTimeouts(undefined, { default: 2000, perCommand: {} }), maxQueue: MAX_QUEUE });
  const t = new FakeTransport();
  engine.attach(t);
  const receiver = new SmsReceiver({ engine, logger: silentLogger(), profile: modemProfile('sim'), mode: 'cmt' });
  const texts: string[] = [];
  receiver.on('sms', (s) => texts.push(s.datagram.text ?? ''));
  t.onWrite = (d) => {
    if (d.endsWith('\r')) t.feed('\r\nOK\r\n');
  };
  await receiver.initialise();
  t.onWrite = null;
  assert.equal(receiver.stats().acknowledged, true, 'AT+CSMS=1 accepted');
  assert.equal(receiver.stats().route, 'cmt');
  return { engine, t, receiver, texts, initCommands: t.commands.length };
}

function cmt(text: string): string {
  const pdu = encodeSmsDeliver({ originator: '+4917012345678', smsc: '+491710760000', text, timestamp: '2024-05-01T12:00:00+02:00' });
  return `\r\n+CMT: ,${tpduLength(pdu)}\r\n${Buffer.from(pdu).toString('hex').toUpperCase()}\r\n`;
}

test('queue full of ordinary commands: a +CMT flood gets every AT+CNMA out next, none refused', async () => {
  const { engine, t, receiver, texts, initCommands } = await setup();
  const inflight = engine.send('AT+CGMI');
  const ordinary = Array.from({ length: MAX_QUEUE }, (_, i) => engine.send(`AT+CMGR=${i + 1}`));
  await assert.rejects(engine.send('AT+CSQ'), (e: unknown) => e instanceof AtLinkError && e.reason === 'queue-full', 'the bound holds for ordinary commands');

  const FLOOD = 100;
  t.feed(Array.from({ length: FLOOD }, (_, i) => cmt(`sms ${i}`)).join(''));
  assert.equal(texts.length, FLOOD);
  assert.deepEqual(t.commands.slice(initCommands), ['AT+CGMI'], 'still one command in flight');

  // Every write answered from now on: the lane drains first, then the ordinary queue.
  t.onWrite = (d) => {
    if (d.endsWith('\r')) queueMicrotask(() => t.feed('\r\nOK\r\n'));
  };
  t.feed('\r\nOK\r\n');
  await inflight;
  await Promise.all(ordinary);
  const sent = t.commands.slice(initCommands);
  assert.deepEqual(sent, ['AT+CGMI', ...Array<string>(FLOOD).fill('AT+CNMA'), ...ordinary.map((_, i) => `AT+CMGR=${i + 1}`)]);
  const s = receiver.stats();
  assert.equal(s.acks, FLOOD);
  assert.equal(s.ackErrors, 0);
  assert.equal(engine.stats().linkErrors, 1, 'only the ordinary AT+CSQ was refused');
});

test('held engine: acknowledgements wait in the lane (not refused) and go first on release', async () => {
  const { engine, t, receiver, initCommands } = await setup();
  engine.hold();
  const ordinary = Array.from({ length: MAX_QUEUE }, () => engine.send('AT+CSQ'));
  t.feed(cmt('one') + cmt('two'));
  assert.deepEqual(t.commands.slice(initCommands), []);
  t.onWrite = (d) => {
    if (d.endsWith('\r')) queueMicrotask(() => t.feed('\r\nOK\r\n'));
  };
  engine.release();
  await Promise.all(ordinary);
  assert.deepEqual(t.commands.slice(initCommands), ['AT+CNMA', 'AT+CNMA', ...Array<string>(MAX_QUEUE).fill('AT+CSQ')]);
  assert.equal(receiver.stats().acks, 2);
});
