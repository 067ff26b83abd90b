// Terminal text for `bcastctl watch`: styled segments, their width in terminal cells, truncation that never
// wraps, and SGR output only when colour is on. Payload strings come from the network: control characters
// (ESC above all) are removed before they can reach the terminal.

/** What a segment means; the SGR codes are the only place that turns meaning into colour. */
export type Style = 'plain' | 'good' | 'warn' | 'bad' | 'alarm' | 'dim' | 'bold' | 'head';

export interface Seg {
  text: string;
  style: Style;
}

export type Line = Seg[];

const SGR: Record<Style, string> = {
  plain: '',
  good: '32',
  warn: '33',
  bad: '1;31',
  alarm: '1;97;41',
  dim: '2',
  bold: '1',
  head: '7',
};

export const seg = (text: string, style: Style = 'plain'): Seg => ({ text, style });

// C0 and C1 controls and DEL; a tab becomes a space (its width depends on the cursor, ours must not).
const CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

/** The text with every control character removed (tabs turned to spaces). */
export function clean(s: string): string {
  return s.replace(/\t/g, ' ').replace(CONTROLS, '');
}

// Zero-width: combining marks, zero-width space/joiners and marks, variation selectors.
const ZERO = /[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f\u200b-\u200f\u2060-\u2064\ufe00-\ufe0f\ufe20-\ufe2f]/u;
// Double-width: Hangul Jamo, CJK, Hangul syllables, compatibility forms, fullwidth forms, emoji planes.
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1faff}\u{20000}-\u{3fffd}]/u;

function charWidth(ch: string): number {
  if (ZERO.test(ch)) return 0;
  return WIDE.test(ch) ? 2 : 1;
}

/** Width in terminal cells (of cleaned text). */
export function cellWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += charWidth(ch);
  return w;
}

/** The line cut to at most `width` cells; a cut line ends in "…". Never longer, so the terminal never wraps. */
export function fit(line: Line, width: number): Line {
  if (width <= 0) return [];
  const total = line.reduce((n, s) => n + cellWidth(s.text), 0);
  if (total <= width) return line;
  const out: Line = [];
  let room = width - 1; // one cell for the ellipsis
  let lastStyle: Style = 'plain';
  for (const s of line) {
    if (room <= 0) break;
    let text = '';
    for (const ch of s.text) {
      const w = charWidth(ch);
      if (w > room) {
        room = 0;
        break;
      }
      text += ch;
      room -= w;
    }
    if (text) out.push(seg(text, s.style));
    lastStyle = s.style;
  }
  out.push(seg('…', lastStyle));
  return out;
}

/** Pads the line with `fill` up to `width` cells (after fitting it). */
export function padTo(line: Line, width: number, fill = ' ', style: Style = 'plain'): Line {
  const fitted = fit(line, width);
  const used = fitted.reduce((n, s) => n + cellWidth(s.text), 0);
  return used < width ? [...fitted, seg(fill.repeat(width - used), style)] : fitted;
}

/** Plain text of a line. */
export function plain(line: Line): string {
  return line.map((s) => s.text).join('');
}

/** The line as terminal output: SGR around styled segments when `color`, plain text otherwise. */
export function toAnsi(line: Line, color: boolean): string {
  if (!color) return plain(line);
  return line.map((s) => (SGR[s.style] ? `\x1b[${SGR[s.style]}m${s.text}\x1b[0m` : s.text)).join('');
}
