// The one line under a trace (and the only line when the SVG goes to a file): what was drawn, what was not.
import { clock, duration } from './format.js';
import type { SequenceModel } from './model.js';

export function summaryLine(m: SequenceModel, ascii = false): string {
  const parts: string[] = [];
  if (m.startMs === null || m.endMs === null) parts.push('no events to draw');
  else {
    parts.push(`${m.events} event${m.events === 1 ? '' : 's'}, ${m.steps.length} step${m.steps.length === 1 ? '' : 's'}`);
    parts.push(`${clock(m.startMs)}${ascii ? '-' : '–'}${clock(m.endMs)} UTC (${duration(m.endMs - m.startMs)})`);
    parts.push(m.participants.join(', '));
  }
  if (m.before > 0) parts.push(`${m.before} older event${m.before === 1 ? '' : 's'} before --since`);
  if (m.skipped > 0) parts.push(`${m.skipped} garbled event${m.skipped === 1 ? '' : 's'} skipped`);
  if (m.dropped > 0) parts.push(`the daemon's buffer lost ${m.dropped} older event${m.dropped === 1 ? '' : 's'}: the start may be missing`);
  return `trace: ${parts.join('; ')}`;
}
