// The AT engine against a scripted in-memory transport: exact control over what arrives when.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CmtLine, UrcLine } from '../../../src/codec/at/index.js';
import { AtCommandError, AtEngine, AtLinkError, AtTimeoutError, resolveTimeouts } from '../../../src/modem/index.js';
import { FakeTransport } from './fake-transport.js';
import { capturingLogger, delay, failOnUnhandled, silentLogger } from './harness.js';

failOnUnhandled();

function setup(options: { defaultTimeoutMs?: number; maxQueue?: number } = {}) {
  const engine = new AtEngine({
    logger: silentLogger(),
    timeouts: resolveTimeouts(undefined, { default: options.defaultTimeoutMs ?? 1000, perCommand: { '+SLOW': 40 } }),
    settleAfterTimeoutMs: 30,
    ...(options.maxQueue === undefined ? {} : { maxQueue: options.maxQueue }),
  });
  const t = new FakeTransport();
  const urcs: UrcLine[] = [];
  const reports: CmtLine[] = [];
  engine.on('urc', (l) => urcs.push(l));
  engine.on('cmt', (l) => reports.push(l));
  engine.attach(t);
  return { engine, t, urcs, reports };
}

test('the waiter exists before the write: an answer arriving during write() is not lost', async () => {
  const { engine, t } = setup();
  t.onWrite = (d) => {
    if (d === 'AT+CGMM\r') t.feed('\r\nEC25\r\n\r\nOK\r\n');
  };
  const r = await engine.send('AT+CGMM');
  assert.deepEqual(r.lines, ['EC25']);
  assert.equal(r.final.result, 'OK');
});

test('one command in flight: the next is written only after the final result', async () => {
  const { engine, t } = setup();
  const a = engine.send('AT+CSQ');
  const b = engine.send('AT+CREG?');
  const c = engine.send('AT');
  assert.deepEqual(t.commands, ['AT+CSQ']);
  t.feed('\r\n+CSQ: 20,99\r\n');
  assert.deepEqual(t.commands, ['AT+CSQ']);
  t.feed('\r\nOK\r\n');
  assert.deepEqual((await a).lines, ['+CSQ: 20,99']);
  assert.deepEqual(t.commands, ['AT+CSQ', 'AT+CREG?']);
  t.feed('\r\n+CREG: 0,1\r\n\r\nOK\r\n');
  assert.deepEqual((await b).lines, ['+CREG: 0,1']);
  t.feed('\r\nOK\r\n');
  await c;
  assert.deepEqual(t.commands, ['AT+CSQ', 'AT+CREG?', 'AT']);
});

test('timeouts come from the table; a late answer after a timeout does not complete the next command', async () => {
  const { engine, t } = setup();
  const timeouts: { command: string; timeoutMs: number }[] = [];
  engine.on('timeout', (i) => timeouts.push(i));
  const started = Date.now();
  await assert.rejects(engine.send('AT+SLOW'), (e: unknown) => e instanceof AtTimeoutError && e.timeoutMs === 40 && e.command === 'AT+SLOW');
  assert.ok(Date.now() - started >= 35);
  assert.deepEqual(timeouts, [{ command: 'AT+SLOW', timeoutMs: 40 }]);
  const next = engine.send('AT+CGMI');
  // The late OK of AT+SLOW arrives while the engine settles: it is stray, AT+CGMI is not written yet.
  t.feed('\r\nOK\r\n');
  assert.deepEqual(t.commands, ['AT+SLOW']);
  assert.equal(engine.stats().strayFinals, 1);
  await delay(60);
  assert.deepEqual(t.commands, ['AT+SLOW', 'AT+CGMI']);
  t.feed('\r\nQuectel\r\n\r\nOK\r\n');
  assert.deepEqual((await next).lines, ['Quectel']);
  assert.equal(engine.stats().timeouts, 1);
});

const ERRORS: ReadonlyArray<readonly [answer: string, result: string, code: number | undefined, text: string | undefined]> = [
  ['ERROR', 'ERROR', undefined, undefined],
  ['+CME ERROR: 10', 'CME ERROR', 10, 'SIM not inserted'],
  ['+CME ERROR: no network service', 'CME ERROR', 30, 'no network service'],
  ['+CMS ERROR: 321', 'CMS ERROR', 321, 'invalid memory index'],
  ['+CMS ERROR: 340', 'CMS ERROR', 340, 'no +CNMA acknowledgement expected'],
  ['+CME ERROR: 9999', 'CME ERROR', 9999, undefined],
  ['NO CARRIER', 'NO CARRIER', undefined, undefined],
];

test('typed errors carry the result code, number and text', async () => {
  const { engine, t } = setup();
  for (const [answer, result, code, text] of ERRORS) {
    const p = engine.send('AT+CMGR=9');
    t.feed(`\r\n${answer}\r\n`);
    await assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof AtCommandError);
      assert.equal(e.result, result, answer);
      assert.equal(e.code, code, answer);
      assert.equal(e.text, text, answer);
      assert.equal(e.command, 'AT+CMGR=9');
      return true;
    });
  }
  assert.equal(engine.stats().failed, ERRORS.length);
});

test('URCs in the middle of an answer go to subscribers; the answer keeps only its lines', async () => {
  const { engine, t, urcs, reports } = setup();
  const p = engine.send('AT+CMGL=4');
  t.feed('\r\n+CMGL: 1,0,,24\r\n0791947122723033040C91947140');
  t.feed('0000000011501012000000000548656C6C6F0A\r\n\r\n+CGEV: NW PDN DEACT 1\r\n\r\n+CMTI: "SM",2\r\n\r\n+CEREG: 1,"1A2B","01A2B3C4",7\r\n');
  t.feed('\r\n+CMT: ,24\r\n07919471227230330');
  t.feed('40C919471400000000011501012000000000548656C6C6F0A\r\n\r\nOK\r\n');
  const r = await p;
  assert.deepEqual(r.lines, ['+CMGL: 1,0,,24', '0791947122723033040C919471400000000011501012000000000548656C6C6F0A']);
  assert.deepEqual(urcs.map((u) => u.name), ['+CGEV', '+CMTI', '+CEREG']);
  assert.equal(reports.length, 1);
  assert.deepEqual(reports[0]!.header, { alpha: null, length: 24 });
  assert.equal(reports[0]!.pdu, '0791947122723033040C919471400000000011501012000000000548656C6C6F0A');
});

test('ambiguous lines: the command in flight claims its own prefix, everything else is a URC', async () => {
  const { engine, t, urcs } = setup();
  const p = engine.send('AT+CEREG?');
  t.feed('\r\n+CREG: 1\r\n\r\n+CEREG: 2,1,"1A2B","01A2B3C4",7\r\n\r\nOK\r\n');
  assert.deepEqual((await p).lines, ['+CEREG: 2,1,"1A2B","01A2B3C4",7']);
  assert.deepEqual(urcs.map((u) => u.text), ['+CREG: 1']);
  t.feed('\r\n+CEREG: 5,"1A2B","01A2B3C4",7\r\n\r\n+CPIN: READY\r\n');
  assert.deepEqual(urcs.map((u) => u.name), ['+CREG', '+CEREG', '+CPIN']);
  const pin = engine.send('AT+CPIN?');
  t.feed('\r\n+CPIN: READY\r\n\r\nOK\r\n');
  assert.deepEqual((await pin).lines, ['+CPIN: READY']);
  assert.equal(urcs.length, 3);
});

test('the > prompt: the body and Ctrl-Z for a command that has one, ESC otherwise', async () => {
  const { engine, t } = setup();
  const pdu = '0011000B919471402143F50000AA05C8329BFD06';
  const send = engine.send('AT+CMGS=19', { body: pdu });
  t.feed('\r\n> ');
  assert.equal(t.written.at(-1), `${pdu}\x1a`);
  // The modem echoes the body before the answer: not part of the answer.
  t.feed(`${pdu}\r\n+CMGS: 12\r\n\r\nOK\r\n`);
  assert.deepEqual((await send).lines, ['+CMGS: 12']);

  const odd = engine.send('AT+CMGW');
  t.feed('\r\n> ');
  assert.equal(t.written.at(-1), '\x1b');
  t.feed('\r\nOK\r\n');
  await odd;
});

test('echo on: echoed command lines are dropped', async () => {
  const { engine, t } = setup();
  t.onWrite = (d) => {
    if (d.endsWith('\r')) t.feed(`${d}\r\n${d === 'AT+CGMR\r' ? 'R1.0\r\n\r\n' : ''}OK\r\n`);
  };
  await engine.send('ATE0');
  const r = await engine.send('AT+CGMR');
  assert.deepEqual(r.lines, ['R1.0']);
  assert.equal(engine.stats().unexpectedLines, 0);
});

test('losing the link fails the command in flight and the queue; nothing is sent without a link', async () => {
  const { engine, t } = setup();
  const a = engine.send('AT+CGACT=1,1');
  const b = engine.send('AT+CGPADDR=1');
  engine.detach('disconnected', 'unplugged');
  await assert.rejects(a, (e: unknown) => e instanceof AtLinkError && e.reason === 'disconnected');
  await assert.rejects(b, (e: unknown) => e instanceof AtLinkError && e.reason === 'disconnected');
  await assert.rejects(engine.send('AT'), (e: unknown) => e instanceof AtLinkError && e.reason === 'not-connected');
  assert.equal(engine.attached, false);
  // Bytes of the old transport no longer count.
  t.feed('\r\nOK\r\n');
  assert.equal(engine.stats().strayFinals, 0);
});

test('a restart fails the command in flight at once; its late answer is stray', async () => {
  const { engine, t } = setup();
  const p = engine.send('AT+CGACT?');
  const next = engine.send('AT+CSQ');
  engine.abortInFlight('modem-restarted', 'RDY');
  await assert.rejects(p, (e: unknown) => e instanceof AtLinkError && e.reason === 'modem-restarted');
  t.feed('\r\nOK\r\n');
  assert.equal(engine.stats().strayFinals, 1);
  await delay(50);
  assert.deepEqual(t.commands, ['AT+CGACT?', 'AT+CSQ']);
  t.feed('\r\n+CSQ: 9,99\r\n\r\nOK\r\n');
  assert.deepEqual((await next).lines, ['+CSQ: 9,99']);
});

test('the queue is bounded', async () => {
  const { engine, t } = setup({ maxQueue: 2 });
  const inflight = engine.send('AT');
  const q = [engine.send('AT+CSQ'), engine.send('AT+CSQ')];
  await assert.rejects(engine.send('AT+CSQ'), (e: unknown) => e instanceof AtLinkError && e.reason === 'queue-full');
  t.onWrite = () => t.feed('\r\nOK\r\n');
  t.feed('\r\nOK\r\n');
  await Promise.all([inflight, ...q]);
});

test('priority commands overtake ordinary ones; while held only urgent ones go out', async () => {
  const { engine, t } = setup();
  const first = engine.send('AT+CMGL=4');
  const ordinary = engine.send('AT+CMGD=1');
  const ack = engine.send('AT+CNMA', { priority: true });
  t.feed('\r\nOK\r\n');
  await first;
  assert.deepEqual(t.commands, ['AT+CMGL=4', 'AT+CNMA']);
  engine.hold();
  t.feed('\r\nOK\r\n');
  await ack;
  const probe = engine.send('AT', { urgent: true });
  assert.deepEqual(t.commands, ['AT+CMGL=4', 'AT+CNMA', 'AT']);
  t.feed('\r\nOK\r\n');
  await probe;
  assert.deepEqual(t.commands, ['AT+CMGL=4', 'AT+CNMA', 'AT'], 'held: the ordinary command waits');
  engine.release();
  assert.deepEqual(t.commands, ['AT+CMGL=4', 'AT+CNMA', 'AT', 'AT+CMGD=1']);
  t.feed('\r\nOK\r\n');
  await ordinary;
});

test('a throwing subscriber is counted, and the lines after it are still routed', async () => {
  const { engine, t, urcs } = setup();
  engine.on('urc', () => {
    throw new Error('subscriber bug');
  });
  const p = engine.send('AT+CGMM');
  t.feed('\r\n+CMTI: "SM",1\r\n\r\nSIM-MODEM\r\n\r\nOK\r\n');
  assert.deepEqual((await p).lines, ['SIM-MODEM']);
  assert.equal(urcs.length, 1);
  assert.equal(engine.stats().listenerErrors, 1);
});

test('garbage and unexpected text are counted, not fatal', async () => {
  const { engine, t } = setup();
  const garbage: string[] = [];
  engine.on('garbage', (g) => garbage.push(g.reason));
  t.feed(`\r\n${'X'.repeat(5000)}\r\n`);
  t.feed('\r\nsome text nobody asked for\r\n');
  t.feed('\r\n+CMT: ,24\r\nnot a pdu\r\n');
  const p = engine.send('AT');
  t.feed('\r\nOK\r\n');
  await p;
  assert.deepEqual(garbage, ['overlong', 'missing-pdu']);
  const s = engine.stats();
  assert.equal(s.garbage, 2);
  assert.ok(s.unexpectedLines >= 1);
});

test('raw traffic is logged at trace level, secrets masked', async () => {
  const { logger, records } = capturingLogger('trace');
  const engine = new AtEngine({ logger, timeouts: resolveTimeouts(undefined, undefined) });
  const t = new FakeTransport();
  engine.attach(t);
  t.onWrite = (d) => {
    if (d.endsWith('\r')) t.feed('\r\nOK\r\n');
  };
  await engine.send('AT+CPIN="1234"');
  const tx = records.filter((r) => r.msg === 'AT >').map((r) => r['tx']);
  const rx = records.filter((r) => r.msg === 'AT <').map((r) => r['rx']);
  assert.deepEqual(tx, ['AT+CPIN=***']);
  assert.deepEqual(rx, ['OK']);
  assert.ok(records.every((r) => r.level === 10));
  assert.ok(!JSON.stringify(records).includes('1234'));
});
