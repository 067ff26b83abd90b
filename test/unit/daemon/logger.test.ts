import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { componentLogger, createLogger } from '../../../src/daemon/logger.js';
import { Secret } from '../../../src/crypto/index.js';

function capture() {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

test('secret-named fields are redacted at the top level and one level down', () => {
  const out = capture();
  const log = createLogger({ level: 'info', destination: out.stream });
  log.info({ res: 'a54211d5e3ba50bf', ck: 'b40ba9a3', req: { authorization: 'Digest response="x"', password: 'p' }, keep: 1 }, 'auth');
  const [line] = out.lines();
  assert.equal(line!['res'], '[redacted]');
  assert.equal(line!['ck'], '[redacted]');
  assert.deepEqual(line!['req'], { authorization: '[redacted]', password: '[redacted]' });
  assert.equal(line!['keep'], 1);
  assert.doesNotMatch(JSON.stringify(out.lines()), /a54211d5|b40ba9a3/);
});

test('a Secret logged by mistake prints as [secret]', () => {
  const out = capture();
  const log = createLogger({ level: 'info', destination: out.stream });
  log.info({ material: new Secret(Buffer.from('00112233', 'hex')) }, 'oops');
  assert.equal(out.lines()[0]!['material'], '[secret]');
});

test('component levels: a trace component does not make the others verbose', () => {
  const out = capture();
  const opts = { level: 'info' as const, components: { modem: 'trace' as const } };
  const root = createLogger({ ...opts, destination: out.stream });
  componentLogger(root, 'modem', opts).trace('AT+CMGF=0');
  componentLogger(root, 'card', opts).debug('not shown');
  componentLogger(root, 'card', opts).info('shown');
  const lines = out.lines();
  assert.deepEqual(lines.map((l) => [l['component'], l['msg']]), [['modem', 'AT+CMGF=0'], ['card', 'shown']]);
});

test('redaction leaves the logged object alone and copies only what it censors', () => {
  const out = capture();
  const log = createLogger({ level: 'info', destination: out.stream });
  const req = { authorization: 'Digest response="x"', url: '/bsm' };
  const obj = { req, list: [{ pin: '1234' }], n: 2 };
  log.info(obj, 'r');
  assert.equal(req.authorization, 'Digest response="x"');
  const [line] = out.lines();
  assert.deepEqual(line!['req'], { authorization: '[redacted]', url: '/bsm' });
  // One level down in plain objects, as pino's `*.key` path was: arrays are not searched.
  assert.deepEqual(line!['list'], [{ pin: '1234' }]);
  assert.equal(line!['n'], 2);
});

test('component bindings pass the same redaction', () => {
  const out = capture();
  const root = createLogger({ level: 'info', destination: out.stream });
  root.child({ component: 'x', imsi: '001010123456789' }).info('bound');
  const [line] = out.lines();
  assert.equal(line!['imsi'], '[redacted]');
  assert.equal(line!['component'], 'x');
});

test('a grandchild keeps its parents’ bindings and gets its own redacted', () => {
  const out = capture();
  const root = createLogger({ level: 'info', destination: out.stream });
  root.child({ component: 'modem' }).child({ part: 'at', pin: '0000' }).info('deep');
  const [line] = out.lines();
  assert.equal(line!['component'], 'modem');
  assert.equal(line!['part'], 'at');
  assert.equal(line!['pin'], '[redacted]');
});
