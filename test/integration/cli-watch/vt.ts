// A small terminal emulator for the watch tests: it keeps a grid of cells and applies exactly what a VT100/xterm
// would for the output bcastctl watch may produce (cursor addressing, erase, SGR, alternate screen, cursor
// visibility, CR/LF, autowrap). It records what a test must be able to refute: a line that wrapped or a scroll.
import { StringDecoder } from 'node:string_decoder';

export class VtScreen {
  private grid: string[][] = [];
  private saved: string[][] | null = null;
  private row = 0;
  private col = 0;
  private pendingWrap = false;
  private pending = '';
  private readonly decoder = new StringDecoder('utf8');
  /** In the alternate screen buffer now. */
  alt = false;
  /** Entered the alternate screen at some point. */
  everAlt = false;
  cursorVisible = true;
  /** A printable character went past the last column (the terminal wrapped a line). */
  wrapped = false;
  /** A line feed on the last row scrolled the screen. */
  scrolled = false;
  /** SGR sequences other than a plain reset seen so far. */
  sgr: string[] = [];

  constructor(
    public cols: number,
    public rows: number,
  ) {
    this.grid = this.blank();
  }

  private blank(): string[][] {
    return Array.from({ length: this.rows }, () => Array<string>(this.cols).fill(' '));
  }

  resize(cols: number, rows: number): void {
    const old = this.grid;
    this.cols = cols;
    this.rows = rows;
    this.grid = this.blank();
    for (let r = 0; r < Math.min(rows, old.length); r++) for (let c = 0; c < Math.min(cols, old[r]!.length); c++) this.grid[r]![c] = old[r]![c]!;
    this.row = Math.min(this.row, rows - 1);
    this.col = Math.min(this.col, cols - 1);
  }

  /** Rows as text, trailing blanks removed. */
  lines(): string[] {
    return this.grid.map((r) => r.join('').replace(/ +$/, ''));
  }

  text(): string {
    return this.lines().join('\n');
  }

  feed(chunk: Buffer | string): void {
    let s = this.pending + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    this.pending = '';
    let i = 0;
    while (i < s.length) {
      const ch = s[i]!;
      if (ch === '\x1b') {
        if (i + 1 >= s.length) break;
        if (s[i + 1] === '[') {
          let j = i + 2;
          while (j < s.length && !/[@-~]/.test(s[j]!)) j++;
          if (j >= s.length) break; // split sequence: wait for the rest
          this.csi(s.slice(i + 2, j), s[j]!);
          i = j + 1;
        } else i += 2; // two-byte escapes (ESC 7, ESC =, …): nothing to draw
        continue;
      }
      i++;
      if (ch === '\r') {
        this.col = 0;
        this.pendingWrap = false;
      } else if (ch === '\n') this.lineFeed();
      else if (ch === '\b') this.col = Math.max(0, this.col - 1);
      else if (ch >= ' ') this.put(ch);
    }
    if (i < s.length) this.pending = s.slice(i);
    s = '';
  }

  private lineFeed(): void {
    this.pendingWrap = false;
    if (this.row === this.rows - 1) {
      this.scrolled = true;
      this.grid.shift();
      this.grid.push(Array<string>(this.cols).fill(' '));
    } else this.row++;
  }

  private put(ch: string): void {
    if (this.pendingWrap) {
      this.wrapped = true;
      this.col = 0;
      this.lineFeed();
    }
    this.grid[this.row]![this.col] = ch;
    if (this.col === this.cols - 1) this.pendingWrap = true;
    else this.col++;
  }

  private csi(params: string, final: string): void {
    const priv = params.startsWith('?');
    const nums = (priv ? params.slice(1) : params).split(';').map((p) => (p === '' ? NaN : Number(p)));
    const n = (k: number, d: number) => (Number.isFinite(nums[k]) ? nums[k]! : d);
    this.pendingWrap = false;
    switch (final) {
      case 'H':
      case 'f':
        this.row = Math.min(this.rows - 1, Math.max(0, n(0, 1) - 1));
        this.col = Math.min(this.cols - 1, Math.max(0, n(1, 1) - 1));
        break;
      case 'K': {
        const line = this.grid[this.row]!;
        const mode = n(0, 0);
        for (let c = 0; c < this.cols; c++) if (mode === 2 || (mode === 0 && c >= this.col) || (mode === 1 && c <= this.col)) line[c] = ' ';
        break;
      }
      case 'J': {
        const mode = n(0, 0);
        if (mode === 2 || mode === 3) this.grid = this.blank();
        else if (mode === 0) {
          for (let c = this.col; c < this.cols; c++) this.grid[this.row]![c] = ' ';
          for (let r = this.row + 1; r < this.rows; r++) this.grid[r]!.fill(' ');
        }
        break;
      }
      case 'm':
        if (params !== '' && params !== '0') this.sgr.push(params);
        break;
      case 'h':
      case 'l':
        if (priv && n(0, 0) === 1049) {
          if (final === 'h' && !this.alt) {
            this.saved = this.grid;
            this.grid = this.blank();
            this.alt = this.everAlt = true;
          } else if (final === 'l' && this.alt) {
            this.grid = this.saved ?? this.blank();
            this.alt = false;
          }
        } else if (priv && n(0, 0) === 25) this.cursorVisible = final === 'h';
        break;
      default:
        break; // cursor moves and modes bcastctl watch does not use
    }
  }
}
