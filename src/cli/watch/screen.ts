// The full-screen side of `bcastctl watch` on a terminal: alternate screen and hidden cursor while it runs, both
// given back on stop; redraws throttled (a burst of messages costs one frame), only the rows that changed are
// rewritten, and a resize redraws everything at the new size.

/** The terminal the screen draws on (process.stdout/stdin, or a fake in tests). */
export interface WatchTerminal {
  /** Size in cells; 0 when the terminal does not say. */
  columns(): number;
  rows(): number;
  write(s: string): void;
  /** Calls back on every resize; returns the unsubscribe function. */
  onResize(cb: () => void): () => void;
  /** Keystrokes (raw mode) when there is a terminal to read from; returns the function that gives it back. */
  onKeys?(cb: (keys: string) => void): () => void;
}

/** Alternate screen buffer on, cursor hidden, screen cleared. */
export const ENTER_SCREEN = '\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J';
/** Attributes reset, cursor shown, back to the normal screen (with what was there before). */
export const LEAVE_SCREEN = '\x1b[0m\x1b[?25h\x1b[?1049l';

/** Used when the terminal reports no size (a pty nobody sized). */
export const FALLBACK_SIZE = { columns: 80, rows: 24 } as const;

export interface FullScreenOptions {
  /** Least time between two frames (default 100 ms: at most ten redraws a second). */
  minFrameMs?: number;
  /** Redraw at least this often, so ages and the clock move (default 1000 ms). */
  tickMs?: number;
  now?: () => number;
}

export class FullScreen {
  private shown: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private lastFrame = -Infinity;
  private running = false;
  private offResize: (() => void) | null = null;
  private readonly minFrameMs: number;
  private readonly tickMs: number;
  private readonly now: () => number;
  /** Frames written so far. */
  frames = 0;

  constructor(
    private readonly term: WatchTerminal,
    private readonly draw: (columns: number, rows: number) => string[],
    opts: FullScreenOptions = {},
  ) {
    this.minFrameMs = opts.minFrameMs ?? 100;
    this.tickMs = opts.tickMs ?? 1000;
    this.now = opts.now ?? Date.now;
  }

  get active(): boolean {
    return this.running;
  }

  size(): { columns: number; rows: number } {
    const columns = this.term.columns();
    const rows = this.term.rows();
    return columns > 0 && rows > 0 ? { columns, rows } : FALLBACK_SIZE;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.term.write(ENTER_SCREEN);
    this.offResize = this.term.onResize(() => {
      this.shown = [];
      this.term.write('\x1b[H\x1b[2J');
      this.invalidate();
    });
    this.ticker = setInterval(() => this.invalidate(), this.tickMs);
    this.frame();
  }

  /** Something changed: draw soon, but not more often than minFrameMs. */
  invalidate(): void {
    if (!this.running || this.timer !== null) return;
    const wait = Math.max(0, this.lastFrame + this.minFrameMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.frame();
    }, wait);
  }

  private frame(): void {
    if (!this.running) return;
    const { columns, rows } = this.size();
    const lines = this.draw(columns, rows).slice(0, rows);
    let out = '';
    // Each row is addressed (never \n: a newline on the last row would scroll) and cleared before it is written
    // (clearing after it would eat the last cell of a full-width row).
    lines.forEach((l, i) => {
      if (this.shown[i] !== l) out += `\x1b[${i + 1};1H\x1b[2K${l}`;
    });
    if (lines.length < this.shown.length) out += `\x1b[${lines.length + 1};1H\x1b[J`;
    this.shown = lines;
    this.lastFrame = this.now();
    this.frames++;
    if (out) this.term.write(out);
  }

  /** Gives the terminal back as it was; safe to call more than once. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.ticker !== null) clearInterval(this.ticker);
    this.timer = this.ticker = null;
    this.offResize?.();
    this.offResize = null;
    this.term.write(LEAVE_SCREEN);
  }
}
