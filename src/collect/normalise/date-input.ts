import { toHalfWidth } from './to-half-width.js';

/** Calendar date and clock time without a zone; month 1–12. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/**
 * What a raw date value says, before a zone or a policy (range, age) is applied: a wall-clock
 * time, with the UTC offset if the text stated one; an instant (epoch numbers, Date objects); a
 * recognised format holding an impossible date such as 2025-02-30; or nothing recognisable.
 */
export type DateInput =
  | { kind: 'wall'; wall: WallClock; offsetMs: number | undefined }
  | { kind: 'instant'; epochMs: number }
  | { kind: 'impossible' }
  | { kind: 'unrecognised' };

const IMPOSSIBLE: DateInput = { kind: 'impossible' };
const UNRECOGNISED: DateInput = { kind: 'unrecognised' };

/*
 * The recognised formats, as regular expressions sharing one group layout (below). The character
 * after the four-digit year picks the candidate, so each string is matched against one pattern.
 */
const YEAR = 1;
const MONTH = 2;
const DAY = 3;
const HOUR = 4;
const MINUTE = 5;
const SECOND = 6;
const FRACTION = 7;
const OFFSET = 8;

/** Optional time after `T` or spaces, fractional seconds, ISO 8601 offset (`Z`, `+08:00`, `+0800`, `+08`). */
const TIME = String.raw`(?:(?:[Tt]|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?)?`;
/** ISO 8601 `2025-05-07` and the `2025/5/7` and `2025.05.07` common in China, each with one separator. */
const separated = (sep: string): RegExp =>
  new RegExp(String.raw`^(\d{4})[${sep}](\d{1,2})[${sep}](\d{1,2})${TIME}$`);
/** `2025年5月7日`, then optionally `16:49`, `16:49:30`, `16时49分`, `16点49分30秒`. */
const CHINESE =
  /^(\d{4})年(\d{1,2})月(\d{1,2})[日号]\s*(?:(\d{1,2})[:时時点點](\d{1,2})(?:[:分](?:(\d{1,2})秒?)?)?)?$/;
/** ISO 8601 basic format: `20250507`, `20250507164930`. */
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2}))?$/;
const FORMAT_AFTER_YEAR = new Map<string | undefined, RegExp>([
  ['-', separated('-')],
  ['/', separated('/')],
  ['.', separated('.')],
  ['年', CHINESE],
  ...Array.from('0123456789', (digit): [string, RegExp] => [digit, COMPACT]),
]);
const INTEGER = /^-?\d+$/;

/**
 * Epoch values arrive in seconds (Unix, most SDKs and databases) or milliseconds (JavaScript,
 * Java), and are told apart by magnitude: 1e8 seconds and 1e11 milliseconds are the same instant,
 * 1973-03-03, so a value from 1e8 up to 1e11 is seconds (until the year 5138) and anything larger
 * milliseconds. Closer to 1970 than that the two readings overlap, and small integers are years,
 * counters or the sentinel 0 rather than timestamps, so those are not read as epoch values.
 */
const SMALLEST_EPOCH = 1e8;
const SECONDS_BELOW = 1e11;

/**
 * Instants are kept to the years written dates can have, 0001–9999 (0000 is 1 BC, which Intl
 * writes as year 1 of another era).
 */
const MIN_INSTANT = -62_135_596_800_000; // 0001-01-01T00:00:00Z
const END_INSTANT = 253_402_300_800_000; // 10000-01-01T00:00:00Z

/**
 * Reads a raw date value. Whole numbers are read exactly as their digit strings, so that the
 * number 20250507 from a spreadsheet is a date like the text "20250507" is: 8- and 14-digit
 * integers are compact dates, other integers epoch values.
 */
export function readDateInput(raw: unknown): DateInput {
  if (typeof raw === 'string') return readDateText(toHalfWidth(raw).trim());
  if (typeof raw === 'number') return Number.isSafeInteger(raw) ? readDateText(String(raw)) : readEpoch(raw);
  if (raw instanceof Date) return instant(raw.getTime());
  return UNRECOGNISED;
}

function readDateText(s: string): DateInput {
  const match = FORMAT_AFTER_YEAR.get(s[4])?.exec(s);
  if (match) return wallFromMatch(match);
  return INTEGER.test(s) ? readEpoch(Number(s)) : UNRECOGNISED;
}

function readEpoch(n: number): DateInput {
  const magnitude = Math.abs(n);
  if (!Number.isFinite(n) || magnitude < SMALLEST_EPOCH) return UNRECOGNISED;
  return instant(Math.round(magnitude < SECONDS_BELOW ? n * 1000 : n));
}

function instant(epochMs: number): DateInput {
  return epochMs >= MIN_INSTANT && epochMs < END_INSTANT ? { kind: 'instant', epochMs } : IMPOSSIBLE;
}

function wallFromMatch(m: RegExpExecArray): DateInput {
  const fraction = m[FRACTION];
  const wall: WallClock = {
    year: Number(m[YEAR]),
    month: Number(m[MONTH]),
    day: Number(m[DAY]),
    hour: Number(m[HOUR] ?? 0),
    minute: Number(m[MINUTE] ?? 0),
    second: Number(m[SECOND] ?? 0),
    millisecond: fraction === undefined ? 0 : Number(fraction.padEnd(3, '0').slice(0, 3)),
  };
  const offset = m[OFFSET];
  const offsetMs = offset === undefined ? undefined : readOffset(offset);
  if (!isRealWallClock(wall) || Number.isNaN(offsetMs)) return IMPOSSIBLE;
  return { kind: 'wall', wall, offsetMs };
}

/** `Z`, `±hh`, `±hhmm` or `±hh:mm` in milliseconds; NaN when out of range. */
function readOffset(s: string): number {
  if (s === 'Z' || s === 'z') return 0;
  const hours = Number(s.slice(1, 3));
  const minutes = Number(s.slice(-2));
  if (hours > 23 || (s.length > 3 && minutes > 59)) return Number.NaN;
  const ms = (hours * 60 + (s.length > 3 ? minutes : 0)) * 60_000;
  return s.startsWith('-') ? -ms : ms;
}

function isRealWallClock(w: WallClock): boolean {
  // Second 60 is rejected: a leap second has no epoch millisecond of its own (POSIX time).
  return (
    w.month >= 1 &&
    w.month <= 12 &&
    w.day >= 1 &&
    w.day <= daysInMonth(w.year, w.month) &&
    w.hour <= 23 &&
    w.minute <= 59 &&
    w.second <= 59
  );
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in a month of the proleptic Gregorian calendar (ISO 8601); month 1–12. */
export function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}
