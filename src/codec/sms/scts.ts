import { EncodeError } from '../errors.js';
import type { ByteReader } from '../reader.js';

/**
 * TP-Service-Centre-Time-Stamp (TS 23.040 §9.2.3.11): seven swapped-BCD octets, year month day
 * hour minute second zone. The zone counts quarter hours; bit 3 of its first (low) nibble is the
 * sign. The two-digit year is taken as 20YY.
 */
export interface Scts {
  /** ISO 8601 local time with the SC's offset, e.g. `2011-12-13T13:12:11+01:00`. */
  readonly iso: string;
  readonly offsetMinutes: number;
}

// Decoding runs once per received SMS: table lookups instead of Date objects and padStart (see bench/codec).
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => (n < 10 ? `0${n}` : String(n)));
const pad = (n: number): string => TWO_DIGITS[n] ?? String(n);
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}

export function formatOffset(minutes: number): string {
  const a = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

export function decodeScts(r: ByteReader): Scts {
  const start = r.offset;
  const b = r.take(7, 'timestamp');
  const field = (i: number, what: string): number => {
    const lo = b[i]! & 0x0f;
    const hi = b[i]! >> 4;
    if (lo > 9 || hi > 9) r.fail('bad-bcd', `timestamp ${what} is not BCD (0x${b[i]!.toString(16).padStart(2, '0')})`, start + i);
    return lo * 10 + hi;
  };
  const year = 2000 + field(0, 'year');
  const month = field(1, 'month');
  const day = field(2, 'day');
  const hour = field(3, 'hour');
  const minute = field(4, 'minute');
  const second = field(5, 'second');
  const tzTens = b[6]! & 0x07;
  const tzUnits = b[6]! >> 4;
  if (tzUnits > 9) r.fail('bad-bcd', `timestamp zone is not BCD (0x${b[6]!.toString(16).padStart(2, '0')})`, start + 6);
  const quarters = tzTens * 10 + tzUnits;
  const offsetMinutes = (b[6]! & 0x08 ? -1 : 1) * quarters * 15 || 0;

  const bad = (what: string, at: number): never => r.fail('bad-value', `timestamp ${what} out of range`, start + at);
  if (month < 1 || month > 12) bad(`month ${month}`, 1);
  if (day < 1 || day > daysInMonth(year, month)) bad(`day ${day}`, 2);
  if (hour > 23) bad(`hour ${hour}`, 3);
  if (minute > 59) bad(`minute ${minute}`, 4);
  if (second > 59) bad(`second ${second}`, 5);

  const iso = `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${formatOffset(offsetMinutes)}`;
  return { iso, offsetMinutes };
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  offsetMinutes: number;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function parseIso(text: string): LocalTime {
  const m = ISO.exec(text);
  if (!m) throw new EncodeError('sms', `timestamp '${text}' is not ISO 8601 with seconds and an offset`);
  const zone = m[7]!;
  const offsetMinutes = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  return {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6]),
    offsetMinutes,
  };
}

function fromDate(date: Date, offsetMinutes: number): LocalTime {
  if (Number.isNaN(date.getTime())) throw new EncodeError('sms', 'timestamp is an invalid Date');
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    offsetMinutes,
  };
}

/** Encodes a Date (shown at `offsetMinutes` east of UTC) or an ISO 8601 string (its own offset). */
export function encodeScts(ts: Date | string, offsetMinutes = 0): Uint8Array {
  const t = typeof ts === 'string' ? parseIso(ts) : fromDate(ts, offsetMinutes);
  if (t.year < 2000 || t.year > 2099) throw new EncodeError('sms', `timestamp year ${t.year} is outside 2000-2099`);
  if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > daysInMonth(t.year, t.month) || t.hour > 23 || t.minute > 59 || t.second > 59) {
    throw new EncodeError('sms', 'timestamp has a field out of range');
  }
  const quarters = t.offsetMinutes / 15;
  if (!Number.isInteger(quarters) || Math.abs(quarters) > 79) {
    throw new EncodeError('sms', `time zone offset ${t.offsetMinutes} min is not a multiple of 15 within ±19:45`);
  }
  const bcd = (v: number): number => ((v % 10) << 4) | Math.floor(v / 10);
  const q = Math.abs(quarters);
  const zone = ((q % 10) << 4) | Math.floor(q / 10) | (quarters < 0 ? 0x08 : 0);
  return Uint8Array.of(bcd(t.year - 2000), bcd(t.month), bcd(t.day), bcd(t.hour), bcd(t.minute), bcd(t.second), zone);
}
