// Times, durations and label text shared by the renderers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clean, clock, delta, duration, truncate } from '../../../src/cli/trace/format.js';
import { buildSequence } from '../../../src/cli/trace/model.js';
import { renderSvg } from '../../../src/cli/trace/svg.js';
import { renderText } from '../../../src/cli/trace/text.js';
import { summaryLine } from '../../../src/cli/trace/summary.js';
import { at } from './fixture.js';

test('durations read at a glance, from sub-millisecond to hours', () => {
  const table: Array<[number, string]> = [
    [0, '0 ms'],
    [-5, '0 ms'],
    [0.44, '0.4 ms'],
    [9.96, '10 ms'],
    [12.5, '13 ms'],
    [999.4, '999 ms'],
    [1234, '1.23 s'],
    [42_549, '42.5 s'],
    [185_000, '3m05s'],
    [3_599_400, '59m59s'],
    [7_620_000, '2h07m'],
  ];
  for (const [ms, text] of table) assert.equal(duration(ms), text, String(ms));
  assert.equal(delta(12), '+12 ms');
  assert.equal(clock(Date.parse('2026-03-01T23:59:58.007Z')), '23:59:58.007');
});

test('clean: only plain values become text; truncate counts code points', () => {
  assert.equal(clean('abc'), 'abc');
  assert.equal(clean(42), '42');
  assert.equal(clean(true), 'true');
  for (const v of [undefined, null, NaN, Infinity, { a: 1 }, ['x'], () => 1]) assert.equal(clean(v), '');
  assert.equal(clean('line\nbreak\u2028tab\t'), 'line?break?tab?');
  assert.equal(clean('abcdef', 4), 'abc…');
  assert.equal(truncate('😀😀😀😀', 3, '…'), '😀😀…');
  assert.equal(truncate('abcdef', 2, '...'), 'ab');
  assert.equal(truncate('abc', 3, '...'), 'abc');
});

test('a trace with one participant: one box, notes centred on its lifeline, in text and SVG', () => {
  const m = buildSequence([
    { type: 'trigger', ts: at(0), kind: 'startup', source: null, action: 'register' },
    { type: 'request-failed', ts: at(65_000), action: 'register', reason: 'no PDP context' },
  ]);
  assert.deepEqual(m.participants, ['terminal']);
  const lines = renderText(m, { width: 60 });
  assert.equal(lines.filter((l) => l.includes('│ terminal │')).length, 2);
  assert.match(lines.find((l) => l.includes('trigger'))!, /^10:14:00\.000 +\+0 ms +\[ trigger startup → register \]$/);
  assert.match(lines.find((l) => l.includes('failed'))!, /^10:15:05\.000 +\+1m05s .*\[ ✗ register failed: no PDP context \]$/);
  assert.equal(summaryLine(m), 'trace: 2 events, 2 steps; 10:14:00.000–10:15:05.000 UTC (1m05s); terminal');
  const one = buildSequence([{ type: 'sms', ts: at(0), parts: 3 }], { skipped: 1, dropped: 1 });
  assert.equal(summaryLine(one), "trace: 1 event, 1 step; 10:14:00.000–10:14:00.000 UTC (0 ms); modem, terminal; 1 garbled event skipped; the daemon's buffer lost 1 older event: the start may be missing");
  const svg = renderSvg(m);
  assert.equal(svg.match(/class="participant"/g)?.length, 1);
  assert.equal(svg.match(/class="note( error)?"/g)?.length, 2);
});
