// Shared by the trace renderers: times, durations, and label text made safe (labels come from the network).

/** HH:MM:SS.mmm in UTC, the zone of the daemon's event stamps (`bcastctl watch` shows them the same way). */
export function clock(atMs: number): string {
  return new Date(atMs).toISOString().slice(11, 23);
}

/** A short human duration: 0.4 ms, 12 ms, 1.23 s, 42.5 s, 3m05s, 2h07m. */
export function duration(ms: number): string {
  const v = Math.max(0, ms);
  if (v < 10) return `${Math.round(v * 10) / 10} ms`;
  if (v < 1000) return `${Math.round(v)} ms`;
  if (v < 10_000) return `${(v / 1000).toFixed(2)} s`;
  if (v < 60_000) return `${(v / 1000).toFixed(1)} s`;
  const s = Math.round(v / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function delta(ms: number): string {
  return `+${duration(ms)}`;
}

// C0/C1 controls (ESC included), DEL, line/paragraph separators and bidi overrides: none may reach a terminal.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Printable text of at most `max` characters (code points); anything not text becomes ''. */
export function clean(v: unknown, max = 60): string {
  const s = typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'boolean' ? String(v) : '';
  return truncate(s.replace(LONE_SURROGATE, '\ufffd').replace(UNSAFE, '?'), max, '…');
}

/** Cuts `s` to `max` code points, ending with `ellipsis` when cut. */
export function truncate(s: string, max: number, ellipsis: string): string {
  const cps = Array.from(s);
  if (cps.length <= max) return s;
  if (max <= ellipsis.length) return cps.slice(0, Math.max(0, max)).join('');
  return cps.slice(0, max - Array.from(ellipsis).length).join('') + ellipsis;
}
