// `--since`: how far back the trace starts. A duration counts back from a reference time (now, or the newest
// event of a file); an ISO date-time or a clock time (HH:MM[:SS], today, local time) is absolute.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|min|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|min|s|m|h|d)/g;
const CLOCK = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export const SINCE_FORMS = 'a duration (90s, 5m, 1h30m, 500ms, 2d; a bare number is seconds), an ISO time (2026-03-01T10:00:00Z) or a clock time (14:30)';

/** Milliseconds of a duration like 90s, 5m, 1h30m, 250ms or a bare number of seconds; null if not one. */
export function parseDuration(value: string): number | null {
  const v = value.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  if (!DURATION.test(v)) return null;
  let total = 0;
  for (const m of v.matchAll(PART)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return total;
}

/** The epoch ms `value` stands for, `referenceMs` being "now"; null when it is none of SINCE_FORMS. */
export function parseSince(value: string, referenceMs: number): number | null {
  const d = parseDuration(value);
  if (d !== null) return referenceMs - d;
  const v = value.trim();
  const clock = CLOCK.exec(v);
  if (clock) {
    const [h, min, s, ms] = [clock[1], clock[2], clock[3] ?? '0', (clock[4] ?? '0').padEnd(3, '0')].map(Number) as [number, number, number, number];
    if (h > 23 || min > 59 || s > 59) return null;
    const at = new Date(referenceMs);
    at.setHours(h, min, s, ms);
    // A clock time later than the reference means that time yesterday.
    if (at.getTime() > referenceMs) at.setDate(at.getDate() - 1);
    return at.getTime();
  }
  if (ISO_DATE.test(v)) {
    const at = Date.parse(v);
    return Number.isFinite(at) ? at : null;
  }
  return null;
}
