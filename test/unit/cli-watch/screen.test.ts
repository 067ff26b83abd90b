// The full screen on a fake terminal (fed into a VT emulator): alternate screen and hidden cursor while running,
// throttled redraws that rewrite only changed rows, a full redraw on resize, and the terminal given back on stop.
import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENTER_SCREEN, FALLBACK_SIZE, FullScreen, LEAVE_SCREEN, type WatchTerminal } from '../../../src/cli/watch/screen.js';
import { VtScreen } from '../../integration/cli-watch/vt.js';

class FakeTerm implements WatchTerminal {
  readonly writes: string[] = [];
  private resizeCb: (() => void) | null = null;
  constructor(
    public cols: number,
    public rowsN: number,
    readonly vt = new VtScreen(Math.max(cols, 1), Math.max(rowsN, 1)),
  ) {}
  columns = () => this.cols;
  rows = () => this.rowsN;
  write = (s: string) => {
    this.writes.push(s);
    this.vt.feed(s);
  };
  onResize = (cb: () => void) => {
    this.resizeCb = cb;
    return () => (this.resizeCb = null);
  };
  resize(cols: number, rows: number): void {
    this.cols = cols;
    this.rowsN = rows;
    if (cols > 0 && rows > 0) this.vt.resize(cols, rows);
    this.resizeCb?.();
  }
  get listening(): boolean {
    return this.resizeCb !== null;
  }
}

function setup(initial: string[] = ['first', 'second']) {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  let now = 1_000_000;
  const term = new FakeTerm(40, 10);
  term.vt.feed('shell prompt $ ');
  let content = initial;
  const sizes: Array<[number, number]> = [];
  const screen = new FullScreen(
    term,
    (w, h) => {
      sizes.push([w, h]);
      return content.map((l) => l.slice(0, w));
    },
    { minFrameMs: 100, tickMs: 1000, now: () => now },
  );
  const advance = (ms: number) => {
    now += ms;
    mock.timers.tick(ms);
  };
  return { term, screen, sizes, advance, set: (c: string[]) => (content = c) };
}

test('start enters the alternate screen with the cursor hidden and draws; stop gives everything back', (t) => {
  t.after(() => mock.timers.reset());
  const { term, screen } = setup();
  screen.start();
  assert.equal(term.writes[0], ENTER_SCREEN);
  assert.ok(term.vt.alt && !term.vt.cursorVisible);
  assert.deepEqual(term.vt.lines().slice(0, 3), ['first', 'second', '']);
  screen.stop();
  assert.equal(term.writes.at(-1), LEAVE_SCREEN);
  assert.ok(!term.vt.alt && term.vt.cursorVisible);
  assert.equal(term.vt.lines()[0], 'shell prompt $', 'the screen from before is back');
  assert.ok(!term.listening, 'resize listener removed');
  const n = term.writes.length;
  screen.stop();
  screen.invalidate();
  assert.equal(term.writes.length, n, 'nothing written after stop');
});

test('a burst of changes costs one frame per 100 ms; only changed rows are rewritten', (t) => {
  t.after(() => mock.timers.reset());
  const { term, screen, advance, set } = setup(['a', 'b', 'c']);
  screen.start();
  assert.equal(screen.frames, 1);
  for (let i = 0; i < 50; i++) {
    set(['a', `b${i}`, 'c']);
    screen.invalidate();
    advance(5); // 50 changes over 250 ms
  }
  advance(100);
  assert.ok(screen.frames >= 3 && screen.frames <= 4, `frames: ${screen.frames}`);
  assert.deepEqual(term.vt.lines().slice(0, 3), ['a', 'b49', 'c']);
  const before = term.writes.length;
  set(['a', 'b49', 'C']);
  screen.invalidate();
  advance(100);
  assert.deepEqual(term.writes.slice(before), ['\x1b[3;1H\x1b[2KC'], 'one row addressed and rewritten');
  screen.stop();
});

test('fewer lines than before clears what was below; the clock ticks a frame every second', (t) => {
  t.after(() => mock.timers.reset());
  const { term, screen, advance, set } = setup(['1', '2', '3', '4']);
  screen.start();
  set(['1']);
  advance(1000);
  assert.deepEqual(term.vt.lines().slice(0, 4), ['1', '', '', '']);
  const frames = screen.frames;
  for (let i = 0; i < 3; i++) advance(1000);
  assert.equal(screen.frames, frames + 3);
  screen.stop();
});

test('a resize redraws everything at the new size; no size reported means 80x24', (t) => {
  t.after(() => mock.timers.reset());
  const { term, screen, sizes, advance, set } = setup(['x'.repeat(40), 'y'.repeat(40)]);
  screen.start();
  assert.deepEqual(sizes.at(-1), [40, 10]);
  term.resize(20, 5);
  advance(100);
  assert.deepEqual(sizes.at(-1), [20, 5]);
  assert.deepEqual(term.vt.lines().slice(0, 2), ['x'.repeat(20), 'y'.repeat(20)]);
  assert.ok(!term.vt.wrapped && !term.vt.scrolled, 'full-width rows neither wrap nor scroll');
  set(['z']);
  term.resize(0, 0);
  advance(100);
  assert.deepEqual(sizes.at(-1), [FALLBACK_SIZE.columns, FALLBACK_SIZE.rows]);
  screen.stop();
});
