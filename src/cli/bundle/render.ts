// What `bcastctl log-level` prints: one line per component, and one per change.
const time = (iso: unknown) => (typeof iso === 'string' ? `${iso.slice(11, 19)}Z` : '?');

interface Level {
  level?: string;
  configured?: string;
  revert?: { to?: string; at?: string };
}

/** `modem     trace   (board config: info; back to info at 12:05:00Z)` */
export function levelLines(levels: Record<string, unknown>, only?: string): string[] {
  const names = Object.keys(levels).filter((c) => only === undefined || c === only).sort();
  return names.map((c) => {
    const l = (levels[c] ?? {}) as Level;
    const notes = [l.configured !== undefined && l.configured !== l.level ? `board config: ${l.configured}` : '', l.revert ? `back to ${l.revert.to} at ${time(l.revert.at)}` : ''].filter(Boolean);
    return `${c.padEnd(9)} ${String(l.level).padEnd(7)}${notes.length ? ` (${notes.join('; ')})` : ''}`.trimEnd();
  });
}

/** `modem: info -> trace until 12:05:00Z`, then a reminder that nothing is persisted. */
export function changeLines(changed: unknown[]): string[] {
  const lines = changed.map((ch) => {
    const c = ch as { component?: string; from?: string; to?: string; revertsAt?: string };
    return `${c.component}: ${c.from} -> ${c.to}${c.revertsAt ? ` until ${time(c.revertsAt)}` : ''}`;
  });
  return [...lines, 'not persisted: a restart returns to the board config'];
}
