// Terminal text: control characters removed, widths in cells, cuts that never overflow, SGR only with colour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellWidth, clean, fit, padTo, plain, seg, toAnsi, type Line } from '../../../src/cli/watch/text.js';

test('clean removes C0/C1 controls and DEL, turns tabs into spaces, keeps printable text', () => {
  const cases: Array<[string, string]> = [
    ['plain', 'plain'],
    ['a\tb', 'a b'],
    ['\x1b[31mred\x1b[0m', '[31mred[0m'],
    ['bell\x07 nul\x00 del\x7f csi\x9b', 'bell nul del csi'],
    ['line\r\nnext', 'linenext'],
    ['B-TID AbCd…@bsf · 東京', 'B-TID AbCd…@bsf · 東京'],
  ];
  for (const [input, want] of cases) assert.equal(clean(input), want, JSON.stringify(input));
});

test('cellWidth: ASCII and box drawing one cell, CJK and emoji two, combining marks none', () => {
  const cases: Array<[string, number]> = [
    ['', 0],
    ['ready', 5],
    ['── │ · … →', 10],
    ['東京', 4],
    ['e\u0301', 1],
    ['📡', 2],
  ];
  for (const [s, w] of cases) assert.equal(cellWidth(s), w, s);
});

test('fit: a line that fits is unchanged; a longer one is cut to exactly the width, ending in …, styles kept', () => {
  const line: Line = [seg('box-1 ', 'bold'), seg('READY', 'good'), seg(' heard 12:00:00', 'dim')];
  assert.deepEqual(fit(line, 40), line);
  assert.deepEqual(fit(line, 9), [seg('box-1 ', 'bold'), seg('RE', 'good'), seg('…', 'good')]);
  assert.deepEqual(fit(line, 1), [seg('…', 'plain')]);
  assert.deepEqual(fit(line, 0), []);
  for (let w = 1; w < 30; w++) assert.ok(cellWidth(plain(fit(line, w))) <= w, `width ${w}`);
  // A double-width character that would straddle the edge is left out whole.
  const wide = fit([seg('ab東京')], 4);
  assert.equal(plain(wide), 'ab…');
  assert.ok(cellWidth(plain(wide)) <= 4);
});

test('padTo fills up to the width; toAnsi wraps styled segments in SGR only when colour is on', () => {
  assert.equal(plain(padTo([seg('── log ')], 12, '─')), '── log ─────');
  const line: Line = [seg('pdp ', 'dim'), seg('FAILED', 'bad'), seg(' 10.0.0.1')];
  assert.equal(toAnsi(line, false), 'pdp FAILED 10.0.0.1');
  assert.equal(toAnsi(line, true), '\x1b[2mpdp \x1b[0m\x1b[1;31mFAILED\x1b[0m 10.0.0.1');
});
