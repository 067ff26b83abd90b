// journald priorities for JSON log lines. When stdout is the journal's stream (systemd sets JOURNAL_STREAM to
// "<dev>:<inode>" of that stream), each line gets the sd-daemon(3) "<N>" prefix for its pino level; journald strips
// it (SyslogLevelPrefix=yes, the default) and files the line at that priority, so `journalctl -p warning -u bcastd`
// shows warnings and errors only. Without the prefix every line would be stored at the unit's default, info.
import { fstatSync } from 'node:fs';

/** pino level label → syslog priority (sd-daemon.h: SD_ERR 3, SD_WARNING 4, SD_INFO 6, SD_DEBUG 7). */
export const JOURNAL_PRIORITY: Readonly<Record<string, number>> = {
  fatal: 2, // SD_CRIT: the daemon cannot go on
  error: 3,
  warn: 4,
  info: 6,
  debug: 7,
  trace: 7,
};

// createLogger's level formatter writes the label first: `{"level":"warn",…`. A message that contains the same
// text is JSON-escaped (\"level\"), so the first unescaped match is the line's own level.
const LEVEL = /"level":"([a-z]+)"/;

/** The "<N>" prefix for one JSON line; info when the level cannot be read (never drops the line). */
export function journalPrefix(line: string): string {
  const label = LEVEL.exec(line)?.[1];
  return `<${(label !== undefined ? JOURNAL_PRIORITY[label] : undefined) ?? JOURNAL_PRIORITY['info']}>`;
}

/** A destination that prefixes every line it is given (pino writes one whole line per call). */
export function journalPrefixed(dest: { write(s: string): unknown }): { write(s: string): boolean } {
  return { write: (s: string) => dest.write(journalPrefix(s) + s) !== false };
}

const bigStat = (fd: number) => fstatSync(fd, { bigint: true });

/**
 * True when fd `fd` is the stream JOURNAL_STREAM names (systemd.exec(5): compare device and inode, since the
 * variable is inherited by children whose stdout may be something else).
 */
export function stdoutIsJournal(env: NodeJS.ProcessEnv = process.env, fd = 1, stat: (fd: number) => { dev: bigint | number; ino: bigint | number } = bigStat): boolean {
  const m = /^(\d+):(\d+)$/.exec(env['JOURNAL_STREAM'] ?? '');
  if (m === null) return false;
  try {
    const s = stat(fd);
    // As decimal strings: an inode may not fit a double.
    return String(s.dev) === m[1] && String(s.ino) === m[2];
  } catch {
    return false;
  }
}
