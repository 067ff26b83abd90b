// The sequence diagram as a standalone SVG 1.1 document for reports: no scripts, no external fonts or links.
// Every label is XML-escaped (labels come from the network). Hooks for tools and tests: one
// <g class="participant" data-name> per lifeline (boxes on top and at the bottom), one
// <g class="arrow" data-from data-to data-index data-step data-status> per arrow, <g class="note"> per note.
import { clock, delta, duration, truncate } from './format.js';
import type { SequenceModel, Step } from './model.js';

export interface SvgOptions {
  /** The document's <title>; default "bcastd trace". */
  title?: string;
}

const FONT = 'DejaVu Sans Mono, Menlo, Consolas, monospace';
const FONT_PX = 12;
const CHAR_W = 7.3; // advance of a 12 px monospace glyph, generously rounded
const TIME_W = 180;
const MARGIN = 16;
const BOX_H = 30;
const ARROW_ROW = 36;
const NOTE_ROW = 30;
const GAP_MIN = 130;
const GAP_MAX = 420;
const NOTE_MAX_W = 560;
const INK = '#222222';
const ERROR = '#c62828';

// Characters XML 1.0 does not allow at all (escaping cannot save them).
const XML_INVALID = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

export function escapeXml(s: string): string {
  return s
    .replace(XML_INVALID, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const px = (v: number) => String(Math.round(v * 10) / 10);
const textWidth = (s: string) => Array.from(s).length * CHAR_W;

// Errors are marked in the text too, not only in red (print, colour blindness).
const ERROR_MARK = '✗ ';

function arrowLabel(s: Extract<Step, { kind: 'arrow' }>): string {
  return `${s.status === 'error' ? ERROR_MARK : ''}${s.label}${s.durationMs === undefined ? '' : ` (${duration(s.durationMs)})`}`;
}

function text(x: number, y: number, body: string, attrs = ''): string {
  return `<text x="${px(x)}" y="${px(y)}"${attrs ? ` ${attrs}` : ''}>${escapeXml(body)}</text>`;
}

export function renderSvg(m: SequenceModel, opts: SvgOptions = {}): string {
  const n = m.participants.length;
  const boxW = m.participants.map((p) => Math.max(80, textWidth(p) + 24));
  // One gap for all neighbours: wide enough for the longest label over the columns it spans.
  let gap = GAP_MIN;
  for (const s of m.steps) {
    if (s.kind !== 'arrow') continue;
    const span = Math.abs(m.participants.indexOf(s.from) - m.participants.indexOf(s.to)) || 1;
    gap = Math.max(gap, (textWidth(arrowLabel(s)) + 24) / span);
  }
  gap = Math.min(GAP_MAX, Math.ceil(gap));
  const x0 = TIME_W + Math.max(...boxW, 80) / 2;
  const xs = m.participants.map((_, i) => x0 + i * gap);
  const xOf = (p: string) => xs[m.participants.indexOf(p as never)]!;
  // Wide enough for the lifelines and, up to a point, for the longest note.
  const longestNote = Math.max(0, ...m.steps.map((s) => (s.kind === 'note' ? Math.min(NOTE_MAX_W, textWidth(ERROR_MARK + s.text) + 16) : 0)));
  const width = Math.ceil(Math.max((n ? xs[n - 1]! : x0) + Math.max(gap / 2, ...boxW.map((w) => w / 2 + MARGIN)), TIME_W + longestNote + 2 * MARGIN));
  const noteMaxChars = Math.max(10, Math.floor((width - TIME_W - 2 * MARGIN - 16) / CHAR_W));

  const body: string[] = [];
  let y = MARGIN + BOX_H + 28;
  let arrows = 0;
  let notes = 0;
  for (const s of m.steps) {
    const err = s.status === 'error';
    const colour = err ? ERROR : INK;
    const rowH = s.kind === 'arrow' ? ARROW_ROW : NOTE_ROW;
    const lineY = y + rowH - 12;
    const times = [
      text(MARGIN, lineY + 4, clock(s.atMs), `class="time" fill="#555555"`),
      text(MARGIN + 100, lineY + 4, delta(s.deltaMs), `class="delta" fill="#888888"`),
    ].join('');
    if (s.kind === 'arrow') {
      const [a, b] = [xOf(s.from), xOf(s.to)];
      const dir = a < b ? 1 : -1;
      const full = arrowLabel(s);
      const label = truncate(full, Math.max(8, Math.floor((Math.abs(b - a) - 12) / CHAR_W)), '…');
      body.push(
        `<g class="arrow${err ? ' error' : ''}" data-from="${escapeXml(s.from)}" data-to="${escapeXml(s.to)}" data-index="${arrows++}" data-step="${s.index}" data-status="${s.status}">`,
        `<title>${escapeXml(`${clock(s.atMs)} ${s.from} → ${s.to}: ${full}`)}</title>`,
        `<line x1="${px(a)}" y1="${px(lineY)}" x2="${px(b - dir * 2)}" y2="${px(lineY)}" stroke="${colour}" stroke-width="1.5" marker-end="url(#${err ? 'head-error' : 'head'})"/>`,
        text((a + b) / 2, lineY - 6, label, `text-anchor="middle" fill="${colour}"`),
        times,
        '</g>',
      );
    } else {
      const x = xOf(s.on);
      const label = truncate(`${err ? ERROR_MARK : ''}${s.text}`, noteMaxChars, '…');
      const w = textWidth(label) + 16;
      const left = Math.min(Math.max(TIME_W, x - w / 2), width - MARGIN - w);
      body.push(
        `<g class="note${err ? ' error' : ''}" data-on="${escapeXml(s.on)}" data-index="${notes++}" data-step="${s.index}" data-status="${s.status}">`,
        `<title>${escapeXml(`${clock(s.atMs)} ${s.on}: ${s.text}`)}</title>`,
        `<rect x="${px(left)}" y="${px(lineY - 15)}" width="${px(w)}" height="20" rx="3" fill="${err ? '#fdecea' : '#fff8d6'}" stroke="${err ? ERROR : '#b59f3b'}"/>`,
        text(left + 8, lineY - 1, label, `fill="${err ? ERROR : INK}"`),
        times,
        '</g>',
      );
    }
    y += rowH;
  }
  const footY = y + 16;
  const height = footY + BOX_H + MARGIN;

  const participants = m.participants.map((p, i) => {
    const x = xs[i]!;
    const w = boxW[i]!;
    const box = (top: number) =>
      `<rect x="${px(x - w / 2)}" y="${px(top)}" width="${px(w)}" height="${BOX_H}" rx="4" fill="#eef3fb" stroke="#3a5a8c"/>` +
      text(x, top + BOX_H / 2 + 4, p, 'text-anchor="middle" font-weight="bold"');
    return [
      `<g class="participant" data-name="${escapeXml(p)}">`,
      `<line x1="${px(x)}" y1="${MARGIN + BOX_H}" x2="${px(x)}" y2="${px(footY)}" stroke="#9aa8bd" stroke-dasharray="4 3"/>`,
      box(MARGIN),
      box(footY),
      '</g>',
    ].join('');
  });

  const marker = (id: string, fill: string) =>
    `<marker id="${id}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto" markerUnits="userSpaceOnUse"><path d="M0,0 L10,5 L0,10 z" fill="${fill}"/></marker>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<title>${escapeXml(opts.title ?? 'bcastd trace')}</title>`,
    `<defs>${marker('head', INK)}${marker('head-error', ERROR)}</defs>`,
    `<rect class="background" x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<g font-family="${FONT}" font-size="${FONT_PX}">`,
    text(MARGIN, MARGIN + BOX_H / 2 + 4, 'time (UTC)', 'class="time-header" fill="#555555"'),
    ...participants,
    ...body,
    '</g>',
    '</svg>',
    '',
  ].join('\n');
}
