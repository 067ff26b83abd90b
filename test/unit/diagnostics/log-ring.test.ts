// LogRing bounds (lines, bytes, line length), masking on the way in, and createDaemonLogger feeding it beside
// the usual output in JSON and pretty mode.
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogRing } from '../../../src/daemon/diagnostics/log-ring.js';
import { createDaemonLogger } from '../../../src/daemon/diagnostics/daemon-logger.js';
import { componentLogger } from '../../../src/daemon/logger.js';

function capture() {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  return { stream, text: () => chunks.join('') };
}

const tick = () => new Promise((r) => setImmediate(r));

test('keeps the most recent maxLines lines', () => {
  const ring = new LogRing({ maxLines: 3 });
  for (let i = 1; i <= 5; i++) ring.write(`line ${i}\n`);
  assert.deepEqual(ring.lines(), ['line 3', 'line 4', 'line 5']);
  assert.deepEqual(ring.lines(2), ['line 4', 'line 5']);
  assert.deepEqual(ring.lines(0), []);
  assert.deepEqual(ring.lines(99), ['line 3', 'line 4', 'line 5']);
  const s = ring.stats();
  assert.equal(s.lines, 3);
  assert.equal(s.total, 5);
  assert.equal(s.evicted, 2);
});

test('keeps at most maxBytes, whichever bound is reached first', () => {
  const ring = new LogRing({ maxLines: 100, maxBytes: 100, maxLineBytes: 100 });
  for (let i = 0; i < 10; i++) ring.write(`${String(i).repeat(30)}\n`); // 30 bytes each
  assert.deepEqual(ring.lines(), ['7'.repeat(30), '8'.repeat(30), '9'.repeat(30)]);
  assert.equal(ring.stats().bytes, 90);
  // Multi-byte characters count as bytes, not characters.
  const utf = new LogRing({ maxBytes: 10, maxLineBytes: 10 });
  utf.write('ééé\n'); // 6 bytes
  utf.write('éé\n'); // 4 bytes: 10 in all, still fits
  utf.write('é\n'); // 2 more: the oldest goes
  assert.deepEqual(utf.lines(), ['éé', 'é']);
});

test('a line over maxLineBytes is cut and says so; the bounds hold over many writes', () => {
  const ring = new LogRing({ maxLines: 50, maxBytes: 4096, maxLineBytes: 200 });
  ring.write(`${'x'.repeat(1000)}\n`);
  const [cut] = ring.lines();
  assert.ok(Buffer.byteLength(cut!) <= 200);
  assert.match(cut!, /…\[cut, 1000 bytes\]$/);
  assert.equal(ring.stats().truncated, 1);
  for (let i = 0; i < 5000; i++) ring.write(`entry ${i} ${'y'.repeat(i % 300)}\n`);
  const s = ring.stats();
  assert.ok(s.lines <= 50 && s.bytes <= 4096, JSON.stringify(s));
  assert.equal(s.total, 5001);
  assert.match(ring.lines(1)[0]!, /^entry 4999 /);
});

test('chunks split in the middle of a line are put back together', () => {
  const ring = new LogRing();
  ring.write('{"msg":"first ha');
  assert.deepEqual(ring.lines(), []);
  ring.write('lf"}\n{"msg":"second"}\n{"msg":"th');
  ring.write(Buffer.from('ird"}\n'));
  assert.deepEqual(ring.lines(), ['{"msg":"first half"}', '{"msg":"second"}', '{"msg":"third"}']);
});

test('lines are masked before they are stored', () => {
  const ring = new LogRing();
  ring.write('{"level":"info","msg":"IMSI 001010123456789 key 000102030405060708090a0b0c0d0e0f"}\n');
  const [line] = ring.lines();
  assert.equal(line, '{"level":"info","msg":"IMSI 0010…6789 key 0001…[32 hex]"}');
});

test('bad bounds are refused', () => {
  assert.throws(() => new LogRing({ maxLines: 0 }), RangeError);
  assert.throws(() => new LogRing({ maxBytes: 1.5 }), RangeError);
});

test('createDaemonLogger: JSON lines go to the destination and, masked, to the ring; levels and redaction as createLogger', async () => {
  const out = capture();
  const opts = { level: 'info' as const, components: { modem: 'trace' as const } };
  const { logger, ring } = createDaemonLogger({ ...opts, destination: out.stream, ring: { maxLines: 100 } });
  componentLogger(logger, 'modem', opts).trace({ tx: 'AT+CPIN="1234"' }, 'AT >');
  componentLogger(logger, 'card', opts).debug('not shown');
  componentLogger(logger, 'card', opts).info({ password: 'p', note: 'SIM 001010123456789' }, 'shown');
  await tick();
  const written = out.text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(written.map((l) => [l['component'], l['msg']]), [['modem', 'AT >'], ['card', 'shown']]);
  assert.equal(written[1]!['password'], '[redacted]', 'pino redaction still applies');
  assert.equal(ring.maxLines, 100);
  const inRing = ring.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(inRing.map((l) => [l['component'], l['msg']]), [['modem', 'AT >'], ['card', 'shown']]);
  assert.equal(inRing[0]!['tx'], 'AT+CPIN="****"');
  assert.equal(inRing[1]!['note'], 'SIM 0010…6789');
  assert.equal(inRing[1]!['level'], 'info', 'level labels as createLogger writes them');
});

test('createDaemonLogger in pretty mode: human lines out, JSON lines in the ring', async () => {
  const out = capture();
  const ring = new LogRing();
  const { logger, ring: same } = createDaemonLogger({ level: 'info', pretty: true, destination: out.stream, ring });
  assert.equal(same, ring);
  logger.info({ component: 'daemon' }, 'bcastd started');
  await tick();
  assert.match(out.text(), /INFO.*bcastd started/);
  assert.doesNotMatch(out.text(), /^\{/);
  const [line] = ring.lines();
  assert.equal((JSON.parse(line!) as Record<string, unknown>)['msg'], 'bcastd started');
});

test('createDaemonLogger: stdout is masked like the ring (an AT trace of a +CMT whose PDU carries the B-TID)', async () => {
  const out = capture();
  const opts = { level: 'info' as const, components: { modem: 'trace' as const } };
  const { logger, ring } = createDaemonLogger({ ...opts, destination: out.stream });
  // A B-TID in a +CMT header line and a PDU hex long enough to carry one (MIKEY IDr inside the WAP push).
  const btid = 'dGhpcyBpcyBhIHJhbmQxMjM0NTY=@bsf.sim.bcastd.test';
  const pdu = '0791447758100650440C914477000910320004621182300000' + Buffer.from(btid).toString('hex');
  componentLogger(logger, 'modem', opts).trace({ rx: `+CMT: "${btid}",120 ${pdu}` }, 'AT <');
  await tick();
  const text = out.text();
  assert.ok(!text.includes(btid), `whole B-TID on stdout: ${text}`);
  assert.ok(!text.includes(Buffer.from(btid).toString('hex')), 'B-TID bytes in the PDU hex on stdout');
  assert.equal(JSON.parse(text.trim())['rx'], JSON.parse(ring.lines()[0]!)['rx'], 'stdout and ring mask alike');
});

test('writeMasked: whole lines from its own mask are stored as they are; another mask or a partial line is masked again', () => {
  const calls: string[] = [];
  const mask = (l: string) => (calls.push(l), l.toUpperCase());
  const ring = new LogRing({ mask });
  ring.writeMasked('a\nb\n', mask);
  assert.deepEqual(ring.lines(), ['a', 'b']);
  assert.deepEqual(calls, [], 'not masked a second time');
  ring.writeMasked('c\n', (l) => l);
  assert.deepEqual(ring.lines(), ['a', 'b', 'C'], "another masker's output goes through this ring's mask");
  ring.writeMasked('par', mask);
  ring.writeMasked('tial\n', mask);
  assert.deepEqual(ring.lines(), ['a', 'b', 'C', 'PARTIAL'], 'a line put together from two chunks is masked whole');
});
