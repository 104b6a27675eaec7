import { systemClock, type Clock } from '../../platform/clock.js';
import { assertNever } from '../../platform/errors.js';
import { daysInMonth, readDateInput } from './date-input.js';
import { describe, invalid, valid, type Normalised } from './normalised.js';
import { epochToLocal } from './time-zone.js';
import { toHalfWidth } from './to-half-width.js';

export interface BirthdayOptions {
  /** IANA zone in which epoch values and Date objects are read as calendar dates, and "today" is. */
  timeZone: string;
  /** Decides what is in the future; the system clock unless a test sets one. */
  clock?: Clock;
}

/** The oldest verified human lived to 122; anything past 130 is a typo or a placeholder year. */
const MAX_AGE = 130;

/** `05-07`, `5-7`, and `--05-07`: ISO 8601:2000's truncated form without year, kept by XML Schema's gMonthDay. */
const YEARLESS_DASHED = /^(?:--)?(?<month>\d{1,2})-(?<day>\d{1,2})$/;
const YEARLESS_CHINESE = /^(?<month>\d{1,2})月(?<day>\d{1,2})[日号]$/;

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/**
 * A birthday as `YYYY-MM-DD`, or `--MM-DD` when no year is given. Accepts what
 * `normaliseTimestamp` accepts plus `MM-DD` and `5月7日`. A written date is taken as written, even
 * with a time and offset; only epoch values and Date objects are converted to a date in `timeZone`.
 */
export function normaliseBirthday(
  raw: unknown,
  { timeZone, clock = systemClock }: BirthdayOptions,
): Normalised<string> {
  if (typeof raw === 'string') {
    const text = toHalfWidth(raw).trim();
    const yearless = (YEARLESS_DASHED.exec(text) ?? YEARLESS_CHINESE.exec(text))?.groups;
    if (yearless !== undefined) {
      const month = Number(yearless.month);
      const day = Number(yearless.day);
      // Any day that exists in some year, so 29 February is allowed.
      if (month < 1 || month > 12 || day < 1 || day > daysInMonth(2000, month)) return impossible(raw);
      return valid(`--${pad2(month)}-${pad2(day)}`);
    }
  }
  const input = readDateInput(raw);
  switch (input.kind) {
    case 'wall':
      return checkAge(raw, input.wall, today(clock, timeZone));
    case 'instant':
      return checkAge(raw, calendarDateAt(input.epochMs, timeZone), today(clock, timeZone));
    case 'impossible':
      return impossible(raw);
    case 'unrecognised':
      return invalid('invalid_birthday', `Birthday ${describe(raw)} is not in a recognised date format.`);
    default:
      return assertNever(input);
  }
}

function checkAge(raw: unknown, birth: CalendarDate, today: CalendarDate): Normalised<string> {
  const birthDay = birth.month * 100 + birth.day;
  const todayDay = today.month * 100 + today.day;
  if (birth.year * 10_000 + birthDay > today.year * 10_000 + todayDay) {
    return invalid('invalid_birthday', `Birthday ${describe(raw)} is in the future.`);
  }
  const age = today.year - birth.year - (todayDay < birthDay ? 1 : 0);
  if (age > MAX_AGE) {
    return invalid(
      'invalid_birthday',
      `Birthday ${describe(raw)} would make the person older than ${MAX_AGE}.`,
    );
  }
  return valid(`${String(birth.year).padStart(4, '0')}-${pad2(birth.month)}-${pad2(birth.day)}`);
}

function today(clock: Clock, timeZone: string): CalendarDate {
  return calendarDateAt(clock.now(), timeZone);
}

function calendarDateAt(epochMs: number, timeZone: string): CalendarDate {
  const local = new Date(epochToLocal(epochMs, timeZone));
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
}

function impossible(raw: unknown): Normalised<never> {
  return invalid('invalid_birthday', `Birthday ${describe(raw)} is not a real calendar date.`);
}

const pad2 = (n: number): string => String(n).padStart(2, '0');
