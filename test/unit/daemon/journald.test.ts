// journald priorities: the "<N>" prefix each JSON line gets when stdout is the journal, from the real logger.
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { journalPrefix, stdoutIsJournal } from '../../../src/daemon/journald.js';
import { createLogger } from '../../../src/daemon/logger.js';
import { createDaemonLogger } from '../../../src/daemon/diagnostics/index.js';

function capture() {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

test('each pino level gets its syslog priority: fatal 2, error 3, warn 4, info 6, debug and trace 7', () => {
  const out = capture();
  const log = createLogger({ level: 'trace', destination: out.stream, journal: true });
  log.fatal('f');
  log.error('e');
  log.warn('w');
  log.info('i');
  log.debug('d');
  log.trace('t');
  const lines = out.lines();
  assert.deepEqual(lines.map((l) => l.slice(0, 3)), ['<2>', '<3>', '<4>', '<6>', '<7>', '<7>']);
  // After the prefix, the line is the JSON it always was.
  assert.deepEqual(lines.map((l) => (JSON.parse(l.slice(3)) as { msg: string }).msg), ['f', 'e', 'w', 'i', 'd', 't']);
});

test('what `journalctl -p warning` keeps: only the lines at priority 4 or below', () => {
  const out = capture();
  const log = createLogger({ level: 'debug', destination: out.stream, journal: true });
  log.info({ note: '"level":"error"' }, 'an info line quoting an error level');
  log.warn('modem slow');
  log.debug('detail');
  log.error({ err: 'ECONNREFUSED' }, 'BSM unreachable');
  const kept = out.lines().filter((l) => Number(/^<(\d)>/.exec(l)![1]) <= 4).map((l) => (JSON.parse(l.slice(3)) as { msg: string }).msg);
  assert.deepEqual(kept, ['modem slow', 'BSM unreachable']);
});

test('without journal the lines stay plain JSON; a line without a level is filed at info', () => {
  const out = capture();
  createLogger({ level: 'info', destination: out.stream }).warn('plain');
  assert.equal(out.lines()[0]![0], '{');
  assert.equal(journalPrefix('not json at all'), '<6>');
});

test('the daemon logger prefixes its output but keeps the ring (support bundles) plain JSON', () => {
  const out = capture();
  const { logger, ring } = createDaemonLogger({ level: 'info', destination: out.stream, journal: true });
  logger.warn('to both');
  assert.match(out.lines()[0]!, /^<4>\{/);
  const ringLines = ring.lines();
  assert.equal(ringLines.length, 1);
  assert.equal((JSON.parse(ringLines[0]!) as { msg: string }).msg, 'to both');
});

test('stdoutIsJournal: JOURNAL_STREAM must name this very fd (device and inode), not an inherited one', () => {
  const stat = () => ({ dev: 2049n, ino: 18446744073709551557n });
  assert.equal(stdoutIsJournal({ JOURNAL_STREAM: '2049:18446744073709551557' }, 1, stat), true);
  assert.equal(stdoutIsJournal({ JOURNAL_STREAM: '2049:18446744073709551556' }, 1, stat), false, 'another inode: stdout was redirected');
  assert.equal(stdoutIsJournal({}, 1, stat), false);
  assert.equal(stdoutIsJournal({ JOURNAL_STREAM: 'garbage' }, 1, stat), false);
  assert.equal(stdoutIsJournal({ JOURNAL_STREAM: '1:2' }, 1, () => { throw new Error('EBADF'); }), false);
});
