import { DecodeError, EncodeError } from '../errors.js';

/**
 * XML Schema `xs:dateTime` as the BSF writes the B-TID lifetime (TS 24.109):
 * `YYYY-MM-DDThh:mm:ss[.fff…][Z|±hh:mm]`. A value without a zone is taken as UTC (SPEC §5).
 * Every field is range-checked, so `2024-02-30T…` is an error rather than a silent roll-over.
 */
const XS_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-](\d{2}):(\d{2}))?$/;

function bad(text: string, why: string): never {
  throw new DecodeError('xml', 'bad-value', `'${text.slice(0, 40)}' is not an xs:dateTime (${why})`);
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS[month - 1]!;
}

export function parseXsDateTime(text: string): Date {
  const m = XS_DATETIME.exec(text);
  if (m === null) bad(text, 'layout');
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number, number, number, number, number, number,
  ];
  if (year < 1) bad(text, 'year');
  if (month < 1 || month > 12) bad(text, 'month');
  if (day < 1 || day > daysInMonth(year, month)) bad(text, 'day');
  const frac = m[7] ?? '';
  // 24:00:00 is the end of the day (XSD 1.1); any other hour must be 0-23.
  const endOfDay = hour === 24 && minute === 0 && second === 0 && /^0*$/.test(frac);
  if (hour > 23 && !endOfDay) bad(text, 'hour');
  if (minute > 59) bad(text, 'minute');
  if (second > 59) bad(text, 'second');
  let offsetMinutes = 0;
  if (m[8] !== undefined && m[8] !== 'Z') {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 14 || om > 59 || (oh === 14 && om !== 0)) bad(text, 'time zone');
    offsetMinutes = (m[8].startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const ms = Number((frac + '000').slice(0, 3));
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute - offsetMinutes, second, ms);
  return d;
}

/** Writes UTC with a `Z`, whole seconds unless the date carries milliseconds. */
export function formatXsDateTime(d: Date): string {
  const year = d.getUTCFullYear();
  if (Number.isNaN(d.getTime()) || year < 1 || year > 9999) {
    throw new EncodeError('xml', 'lifetime is not a date xs:dateTime can write (years 0001-9999)');
  }
  const iso = d.toISOString();
  return iso.endsWith('.000Z') ? iso.slice(0, -5) + 'Z' : iso;
}
