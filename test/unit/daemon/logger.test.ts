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
