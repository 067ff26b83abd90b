// The terminal rendering: reading order, time column, width fitting, colour and ASCII modes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSequence } from '../../../src/cli/trace/model.js';
import { renderText } from '../../../src/cli/trace/text.js';
import { summaryLine } from '../../../src/cli/trace/summary.js';
import { at, purchaseFlowEvents, PURCHASE_ARROWS, PURCHASE_NOTES, PURCHASE_PARTICIPANTS } from './fixture.js';

const ESC = '\u001b';
const cells = (line: string) => Array.from(line).length;
const flow = () => buildSequence(purchaseFlowEvents());

/** Finds each needle on a line after the previous needle's line; returns the line numbers. */
function linesInOrder(lines: string[], needles: string[]): number[] {
  const found: number[] = [];
  let from = 0;
  for (const needle of needles) {
    const i = lines.findIndex((l, n) => n >= from && l.includes(needle));
    assert.ok(i >= 0, `'${needle}' not found after line ${from}:\n${lines.join('\n')}`);
    found.push(i);
    from = i + 1;
  }
  return found;
}

test('the purchase flow at 100 columns: boxes, then every label in the order it happened, arrows pointing the right way', () => {
  const m = flow();
  const lines = renderText(m, { width: 100 });
  assert.ok(lines.every((l) => cells(l) <= 100));
  // Participant boxes on top, in the fixed order, and again at the bottom.
  const names = (l: string) => PURCHASE_PARTICIPANTS.map((p) => l.indexOf(`│ ${p} │`));
  for (const row of [lines[1]!, lines.at(-2)!]) {
    const pos = names(row);
    assert.ok(pos.every((p) => p > 0), row);
    assert.deepEqual([...pos].sort((a, b) => a - b), pos);
  }
  const labels = m.steps.map((s) => (s.kind === 'arrow' ? s.label : s.text));
  linesInOrder(lines, labels);
  // Each arrow line: the head points from `from` to `to`, and the time column shows when.
  const lifelineCols = PURCHASE_PARTICIPANTS.map((p) => lines[2]!.split('').findIndex((ch, i) => ch === '┬' && lines[1]!.slice(i - 8, i + 8).includes(p)));
  const col = (p: string) => lifelineCols[PURCHASE_PARTICIPANTS.indexOf(p)]!;
  const arrowLines = lines.filter((l) => /[▶◀]/.test(l));
  assert.equal(arrowLines.length, PURCHASE_ARROWS.length);
  arrowLines.forEach((l, i) => {
    const [from, to] = PURCHASE_ARROWS[i]!;
    const head = Array.from(l).findIndex((ch) => ch === '▶' || ch === '◀');
    if (col(from) < col(to)) assert.equal(head, col(to) - 1, l);
    else assert.equal(head, col(to) + 1, l);
    assert.match(l, /^10:14:0\d\.\d{3} +\+[\d.]+ (ms|s) /);
  });
  assert.match(arrowLines[0]!, /^10:14:00\.120 +\+0 ms/);
  // The answers carry their durations.
  assert.ok(lines.some((l) => l.includes('200 (63 ms)')));
  assert.ok(lines.some((l) => l.includes('ok (22 ms)')));
  assert.ok(lines.some((l) => l.includes('ok (27 ms)')));
  assert.ok(lines.every((l) => !l.includes(ESC)));
});

test('every width fits: lines never wider than asked, names or the time column give way first', () => {
  const m = flow();
  for (const width of [20, 30, 40, 50, 60, 72, 80, 100, 132, 200]) {
    for (const ascii of [false, true]) {
      const lines = renderText(m, { width, ascii });
      const wide = lines.filter((l) => cells(l) > width);
      assert.deepEqual(wide, [], `width ${width}${ascii ? ' ascii' : ''}`);
      // Every step still gets its line(s): 2 per arrow, 1 per note, plus header and footer.
      assert.ok(lines.length >= PURCHASE_ARROWS.length * 2 + PURCHASE_NOTES.length + 2);
    }
  }
  assert.ok(renderText(m, { width: 200 }).every((l) => cells(l) < 150), 'a wide terminal does not stretch the diagram');
  assert.ok(renderText(m, { width: 80 }).some((l) => l.startsWith('10:14:00.120')), 'the time column stays at 80');
  assert.ok(!renderText(m, { width: 40 }).some((l) => l.startsWith('10:14')), 'no time column at 40');
  assert.ok(renderText(m, { width: 5 }).every((l) => cells(l) <= 20), 'width below 20 is taken as 20');
});

test('no escape sequences without colour, even when a label carries one; colour marks errors red', () => {
  const events = [...purchaseFlowEvents(), { type: 'rejected', ts: at(2000), reason: 'replay', detail: `counter${ESC}[2J${ESC}]0;pwned\u0007`, source: 'udp' }];
  const m = buildSequence(events);
  const plain = renderText(m, { width: 100 });
  assert.ok(plain.every((l) => !l.includes(ESC) && !/[\u0000-\u001f]/.test(l)));
  const rejected = plain.find((l) => l.includes('rejected'))!;
  assert.match(rejected, /✗ rejected replay: counter\?\[2J\?\]0;pwned\? \(udp\)/);

  const coloured = renderText(m, { width: 100, color: true });
  assert.ok(coloured.some((l) => l.includes(ESC)));
  assert.match(coloured.find((l) => l.includes('rejected'))!, /\u001b\[31m\[ ✗ rejected/);
  assert.ok(coloured.some((l) => l.includes('\u001b[1mmodem')), 'names bold');
  // Without the escapes, the coloured lines are the plain ones.
  assert.deepEqual(coloured.map((l) => l.replace(/\u001b\[\d+m/g, '').trimEnd()), plain);
});

test('--ascii: only printable ASCII, labels included', () => {
  const events = [...purchaseFlowEvents(), { type: 'registered', ts: at(3000), services: ['urn:sérvice:日本', 'e\u0301'] }, { type: 'rejected', ts: at(3001), reason: 'bad' }];
  const lines = renderText(buildSequence(events), { width: 100, ascii: true });
  for (const l of lines) assert.match(l, /^[\x20-\x7e]*$/, l);
  assert.ok(lines.some((l) => l.includes('trigger solicited-pull (sms) -> register')));
  assert.ok(lines.some((l) => l.includes('registered urn:s?rvice:??, e')));
  assert.ok(lines.some((l) => l.includes('! rejected bad')));
  assert.ok(lines.some((l) => /\|-+>\|/.test(l)) && lines.some((l) => /\|<-+\|/.test(l)));
  assert.match(summaryLine(buildSequence(events), true), /^[\x20-\x7e]*$/);
});

test('wide and combining characters are made single-cell so columns stay straight', () => {
  const m = buildSequence([{ type: 'sms', ts: at(0), parts: 1 }, { type: 'tek-delivered', ts: at(1), serviceId: '📺 日本 cafe\u0301\u200b' }]);
  const lines = renderText(m, { width: 80 });
  const tek = lines.find((l) => l.includes('TEK'))!;
  assert.ok(tek.includes('TEK (? ?? cafe)'), tek);
  // The lifelines below are in the same columns as in the header.
  const header = lines[2]!;
  const down = [...header].flatMap((ch, i) => (ch === '┬' ? [i] : []));
  for (const l of lines.slice(3, -3).filter((l) => !l.includes('TEK'))) {
    for (const x of down) assert.ok(['│', '─', '▶', '◀'].includes([...l][x] ?? ''), `${l}\n${header}`);
  }
});

test('a long label over a short span runs on to the right instead of being lost; too long for the width, it is cut', () => {
  const m = buildSequence([
    { type: 'mikey-checked', ts: at(10), purpose: 'solicited-pull', ok: false, reason: 'MAC check failed on the card after a long wait', durationMs: 3 },
    { type: 'key-ready', ts: at(11), keyDomainId: '00f110', keyGroup: 1 },
  ]);
  const wide = renderText(m, { width: 120 });
  assert.ok(wide.some((l) => l.includes('✗ rejected: MAC check failed on the card after a long wait (3 ms)')));
  const narrow = renderText(m, { width: 50 });
  assert.ok(narrow.some((l) => l.includes('✗ rejected: MAC') && l.endsWith('…')));
  assert.ok(narrow.every((l) => cells(l) <= 50));
});

test('the summary line says what was drawn and what was left out', () => {
  const m = buildSequence([...purchaseFlowEvents(), 'junk'], { sinceMs: Date.parse(at(200)), dropped: 12 });
  assert.equal(
    summaryLine(m),
    "trace: 7 events, 8 steps; 10:14:00.214–10:14:01.463 UTC (1.25 s); terminal, card, BSM, player; 7 older events before --since; 1 garbled event skipped; the daemon's buffer lost 12 older events: the start may be missing",
  );
  assert.equal(summaryLine(buildSequence([])), 'trace: no events to draw');
  assert.deepEqual(renderText(buildSequence([])), []);
});
