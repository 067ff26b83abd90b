// The sequence diagram for a terminal: a time column (UTC HH:MM:SS.mmm and +delta), participant boxes on top
// and at the bottom, lifelines, one arrow (label above it) or note per step. Every line fits `width` columns;
// colour only when asked for; `ascii` draws with plain ASCII and replaces any other character in labels.
import { clock, delta, duration, truncate } from './format.js';
import type { SequenceModel, Step } from './model.js';

export interface TextOptions {
  /** Columns available; default 100, at least 20. */
  width?: number;
  ascii?: boolean;
  /** ANSI colour (errors red, notes cyan, times dim); default off. */
  color?: boolean;
}

type Style = '' | 'bold' | 'dim' | 'red' | 'cyan';
const SGR: Record<Exclude<Style, ''>, string> = { bold: '\x1b[1m', dim: '\x1b[2m', red: '\x1b[31m', cyan: '\x1b[36m' };
const RESET = '\x1b[0m';

const UNICODE = { v: '│', h: '─', right: '▶', left: '◀', tl: '┌', tr: '┐', bl: '└', br: '┘', down: '┬', up: '┴', error: '✗ ', ellipsis: '…' };
const ASCII: typeof UNICODE = { v: '|', h: '-', right: '>', left: '<', tl: '+', tr: '+', bl: '+', br: '+', down: '+', up: '+', error: '! ', ellipsis: '...' };

const TIME_W = 22; // "HH:MM:SS.mmm" + " " + delta right-aligned in 8 + " "
const GAP_MAX = 50; // columns: a longer label runs on past the next lifeline

// Characters that do not take exactly one terminal cell would break the columns: marks and zero-width
// characters are dropped, wide ones (CJK, emoji) replaced.
const ZERO_WIDTH = /[\p{M}\u200b-\u200f\ufeff]/gu;
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f000}-\u{1faff}\u{20000}-\u{3fffd}]/gu;

function cellSafe(s: string, ascii: boolean): string {
  const t = s.replace(ZERO_WIDTH, '').replace(WIDE, '?');
  return ascii ? t.replace(/\u2192/g, '->').replace(/\u2026/g, '...').replace(/[^\x20-\x7e]/g, '?') : t;
}

interface Row {
  ch: string[];
  st: Style[];
}

class Canvas {
  readonly rows: Row[] = [];
  constructor(readonly width: number) {}

  row(): number {
    this.rows.push({ ch: new Array<string>(this.width).fill(' '), st: new Array<Style>(this.width).fill('') });
    return this.rows.length - 1;
  }

  /** Writes code points from `col`; whatever falls outside the canvas is dropped, so no line can overflow. */
  put(r: number, col: number, text: string, style: Style = ''): void {
    let c = col;
    for (const ch of text) {
      if (c >= 0 && c < this.width) {
        this.rows[r]!.ch[c] = ch;
        this.rows[r]!.st[c] = style;
      }
      c++;
    }
  }

  lines(color: boolean): string[] {
    return this.rows.map(({ ch, st }) => {
      let end = ch.length;
      while (end > 0 && ch[end - 1] === ' ' && (!color || st[end - 1] === '')) end--;
      if (!color) return ch.slice(0, end).join('');
      let out = '';
      let cur: Style = '';
      for (let i = 0; i < end; i++) {
        if (st[i] !== cur) {
          out += cur === '' ? '' : RESET;
          cur = st[i]!;
          out += cur === '' ? '' : SGR[cur];
        }
        out += ch[i];
      }
      return cur === '' ? out : out + RESET;
    });
  }
}

function arrowText(s: Extract<Step, { kind: 'arrow' }>, g: typeof UNICODE, ascii: boolean): string {
  const text = `${s.status === 'error' ? g.error : ''}${s.label}${s.durationMs === undefined ? '' : ` (${duration(s.durationMs)})`}`;
  return cellSafe(text, ascii);
}

/** Lifeline columns: each gap between neighbours sized to the labels of the arrows spanning it, within the width. */
function layout(m: SequenceModel, widths: number[], left: number, width: number, g: typeof UNICODE, ascii: boolean): { xs: number[]; boxes: boolean } {
  const n = widths.length;
  const half = (i: number) => Math.floor(widths[i]! / 2);
  const x0 = left + half(0);
  const rightExtent = widths[n - 1]! - half(n - 1) - 1;
  if (n === 1) return { xs: [x0], boxes: true };
  const avail = width - 1 - rightExtent - x0;
  // Neighbouring boxes keep one space between them.
  const minGap = Array.from({ length: n - 1 }, (_, i) => widths[i]! - half(i) + half(i + 1) + 1);
  const need = [...minGap];
  for (const s of m.steps) {
    if (s.kind !== 'arrow') continue;
    const [a, b] = [m.participants.indexOf(s.from), m.participants.indexOf(s.to)].sort((p, q) => p - q) as [number, number];
    const each = Math.ceil((Array.from(arrowText(s, g, ascii)).length + 4) / (b - a));
    for (let i = a; i < b; i++) need[i] = Math.max(need[i]!, Math.min(GAP_MAX, each));
  }
  const sum = (v: number[]) => v.reduce((x, y) => x + y, 0);
  let gaps: number[];
  if (sum(need) <= avail) gaps = need;
  else if (sum(minGap) <= avail) {
    // Every gap gets its minimum; what is left goes to the gaps in proportion to what they wanted beyond it.
    const extra = avail - sum(minGap);
    const wanted = sum(need) - sum(minGap);
    gaps = need.map((v, i) => minGap[i]! + Math.floor((extra * (v - minGap[i]!)) / wanted));
  } else {
    // Too narrow for boxes: names shortened, lifelines as far apart as the width allows.
    const gap = Math.max(2, Math.floor((width - 2 - left - 1) / (n - 1)));
    return { xs: Array.from({ length: n }, (_, i) => left + 1 + i * gap), boxes: false };
  }
  const xs = [x0];
  for (const gap of gaps) xs.push(xs[xs.length - 1]! + gap);
  return { xs, boxes: true };
}

export function renderText(m: SequenceModel, opts: TextOptions = {}): string[] {
  const ascii = opts.ascii === true;
  const g = ascii ? ASCII : UNICODE;
  const width = Math.max(20, Math.floor(opts.width ?? 100));
  const n = m.participants.length;
  if (n === 0) return [];
  const showTime = width - TIME_W >= n * 6;
  const left = showTime ? TIME_W : 0;
  const names = m.participants.map((p) => cellSafe(p, ascii));
  const widths = names.map((p) => p.length + 4);
  const { xs, boxes } = layout(m, widths, left, width, g, ascii);
  const c = new Canvas(width);
  const lifelines = () => {
    const r = c.row();
    for (const x of xs) c.put(r, x, g.v);
    return r;
  };
  const time = (r: number, s: Step) => {
    if (!showTime) return;
    c.put(r, 0, clock(s.atMs), 'dim');
    c.put(r, 13, delta(s.deltaMs).padStart(8), 'dim');
  };
  const shortName = (i: number) => {
    const gap = n > 1 ? xs[1]! - xs[0]! : width - left;
    return truncate(names[i]!, Math.max(1, gap - 1), '');
  };

  const boxRows = (top: boolean) => {
    const [r1, r2, r3] = [c.row(), c.row(), c.row()];
    xs.forEach((x, i) => {
      const l = x - Math.floor(widths[i]! / 2);
      const inner = g.h.repeat(widths[i]! - 2);
      c.put(r1, l, g.tl + inner + g.tr);
      c.put(r2, l, `${g.v} `);
      c.put(r2, l + 2, names[i]!, 'bold');
      c.put(r2, l + 2 + names[i]!.length, ` ${g.v}`);
      c.put(r3, l, g.bl + inner + g.br);
      c.put(top ? r3 : r1, x, top ? g.down : g.up);
    });
    return r2;
  };
  const nameRow = () => {
    const r = c.row();
    let free = left;
    xs.forEach((x, i) => {
      const label = shortName(i);
      const start = Math.max(free, x - Math.floor(label.length / 2));
      c.put(r, start, label, 'bold');
      free = start + label.length + 1;
    });
    return r;
  };

  const head = boxes ? boxRows(true) : nameRow();
  if (showTime) c.put(head, 0, 'time (UTC)', 'dim');
  if (!boxes) lifelines();

  for (const s of m.steps) {
    const style: Style = s.status === 'error' ? 'red' : '';
    if (s.kind === 'arrow') {
      const [a, b] = [xs[m.participants.indexOf(s.from)]!, xs[m.participants.indexOf(s.to)]!];
      const [lo, hi] = a < b ? [a, b] : [b, a];
      const text = truncate(arrowText(s, g, ascii), width - left, g.ellipsis);
      const len = Array.from(text).length;
      const inside = hi - lo - 3;
      const start = len <= inside ? lo + 2 + Math.floor((inside - len) / 2) : Math.max(left, Math.min(lo + 2, width - len));
      c.put(lifelines(), start, text, style);
      const r = lifelines();
      c.put(r, lo + 1, g.h.repeat(Math.max(0, hi - lo - 1)), style);
      c.put(r, a < b ? hi - 1 : lo + 1, a < b ? g.right : g.left, style);
      time(r, s);
    } else {
      const x = xs[m.participants.indexOf(s.on)]!;
      const inner = truncate(cellSafe(`${s.status === 'error' ? g.error : ''}${s.text}`, ascii), width - left - 4, g.ellipsis);
      const text = `[ ${inner} ]`;
      const len = Array.from(text).length;
      const r = lifelines();
      c.put(r, Math.max(left, Math.min(x - Math.floor(len / 2), width - len)), text, s.status === 'error' ? 'red' : 'cyan');
      time(r, s);
    }
  }
  if (boxes) boxRows(false);
  else nameRow();
  return c.lines(opts.color === true);
}
