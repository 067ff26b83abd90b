// Reading saved event streams (--input) and the --since forms.
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeEvents, parseEventFile } from '../../../src/cli/trace/events.js';
import { parseDuration, parseSince } from '../../../src/cli/trace/since.js';
import { at, purchaseFlowEvents, purchaseFlowFile } from './fixture.js';

test('a `bcastctl watch --json` capture: only topics ending in /events count, the state topics are not errors', () => {
  const f = parseEventFile(readFileSync(purchaseFlowFile, 'utf8'));
  assert.deepEqual(f.events, purchaseFlowEvents());
  assert.equal(f.ignored, 6);
  assert.equal(f.skipped, 0);
});

test('bare events, the events command answer, a JSON array, CRLF lines; garbage lines counted', () => {
  const sms = { type: 'sms', ts: at(0), parts: 1 };
  const key = { type: 'key-ready', ts: at(5) };
  const lines = [
    JSON.stringify(sms),
    '',
    'not json {',
    '"a string"',
    '[1, 2]',
    JSON.stringify({ ok: true, result: { events: [key], dropped: 0 } }),
    JSON.stringify({ topic: 'bcastd/v1/d/events', payload: null }),
    JSON.stringify({ topic: 'events', payload: sms }),
    '   ',
  ].join('\r\n');
  const f = parseEventFile(lines);
  assert.deepEqual(f.events, [sms, key, null, sms]);
  assert.equal(f.skipped, 3);
  assert.equal(f.ignored, 0);
  assert.deepEqual(parseEventFile(`  ${JSON.stringify([sms, key])}\n`), { events: [sms, key], ignored: 0, skipped: 0 });
  // A line-per-event file that happens to start with an array line is read as lines.
  assert.deepEqual(parseEventFile(`[1]\n${JSON.stringify(sms)}`), { events: [sms], ignored: 0, skipped: 1 });
  assert.deepEqual(parseEventFile(''), { events: [], ignored: 0, skipped: 0 });
});

test('normalizeEvents keeps well-formed events, oldest first, and accepts stamps with any explicit offset', () => {
  const { events, skipped } = normalizeEvents([
    { type: 'b', ts: '2026-03-01T11:14:00.500+01:00' },
    { type: 'a', ts: '2026-03-01T10:14:00Z' },
    { type: 'c', ts: '2026-03-01T10:14:00.5Z' },
    { type: 'd', ts: '2026-03-01T10:14:00.700+0000' },
    { type: 'e', ts: 'Sun, 01 Mar 2026 10:14:00 GMT' },
  ]);
  assert.deepEqual(events.map((e) => [e.type, e.atMs - Date.parse('2026-03-01T10:14:00Z'), e.seq]), [['a', 0, 1], ['b', 500, 0], ['c', 500, 2], ['d', 700, 3]]);
  assert.equal(skipped, 1);
});

test('durations', () => {
  const table: Array<[string, number | null]> = [
    ['90s', 90_000],
    ['5m', 300_000],
    ['5min', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['45', 45_000],
    [' 10M ', 600_000],
    ['', null],
    ['m', null],
    ['5 minutes', null],
    ['-5m', null],
    ['5m ago', null],
  ];
  for (const [input, ms] of table) assert.equal(parseDuration(input), ms, input);
});

test('--since: durations count back from the reference, ISO times are absolute, clock times mean the last such time', () => {
  const ref = Date.parse('2026-03-01T10:14:00.000Z');
  assert.equal(parseSince('90s', ref), ref - 90_000);
  assert.equal(parseSince('2026-03-01T09:00:00Z', ref), Date.parse('2026-03-01T09:00:00Z'));
  assert.equal(parseSince('2026-03-01T10:00:00.250+01:00', ref), Date.parse('2026-03-01T09:00:00.250Z'));
  assert.equal(parseSince('2026-02-28', ref), Date.parse('2026-02-28T00:00:00Z'));
  // Clock times are local: compute the expectation with the same local calendar.
  const local = (daysBack: number, h: number, m: number, s = 0, ms = 0) => {
    const d = new Date(ref);
    d.setHours(h, m, s, ms);
    d.setDate(d.getDate() - daysBack);
    return d.getTime();
  };
  const refLocal = new Date(ref);
  const before = new Date(ref - 3_600_000);
  assert.equal(parseSince(`${before.getHours()}:${String(before.getMinutes()).padStart(2, '0')}`, ref), local(before.getDate() === refLocal.getDate() ? 0 : 1, before.getHours(), before.getMinutes()));
  const after = new Date(ref + 3_600_000);
  assert.equal(parseSince(`${after.getHours()}:${String(after.getMinutes()).padStart(2, '0')}:07.5`, ref), local(after.getDate() === refLocal.getDate() ? 1 : 0, after.getHours(), after.getMinutes(), 7, 500));
  for (const bad of ['soon', '25:00', '10:60', '2026-13-45T00:00:00Z', '10m5', '']) assert.equal(parseSince(bad, ref), null, bad);
});
