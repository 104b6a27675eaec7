import { Cron } from 'croner';
import type { ConditionNode } from '../conditions/index.js';
import { durationMs } from '../conditions/index.js';
import { zoneOffsetMs } from '../platform/time-zone.js';

/**
 * When time-driven journeys fire: a cron schedule (five fields, in the workspace's time zone),
 * and date traits (a birthday every year, a last order plus N days once) at a local time of day.
 */

const DAY = 86_400_000;

/** Why a cron expression is not one, or null. */
export function cronProblem(expression: string): string | null {
  try {
    new Cron(expression, { paused: true, mode: '5-part' });
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The first fire strictly after `after`. */
export function nextFire(expression: string, timeZone: string, after: number): number | null {
  const next = new Cron(expression, { paused: true, timezone: timeZone, mode: '5-part' }).nextRun(
    new Date(after),
  );
  return next ? next.getTime() : null;
}

/** Local midnight (as UTC ms) of the day `at` falls on in `timeZone`. */
export function localDayStart(timeZone: string, at: number): number {
  const offset = zoneOffsetMs(timeZone, at);
  const local = Math.floor((at + offset) / DAY) * DAY;
  return local - zoneOffsetMs(timeZone, local - offset);
}

/**
 * `HH:MM` on the local day of `at`, as UTC ms: the first moment of that day the local clock
 * reads `HH:MM` or later. A time that occurs twice (DST ends) is its first occurrence; a time
 * that does not exist (DST starts) is the first moment after the gap, as cron does for
 * fixed-time jobs (croner's README, "DST handling", after Vixie cron).
 */
export function localTimeOn(timeZone: string, at: number, hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const start = localDayStart(timeZone, at);
  const target = localMidnight(timeZone, start) + (h * 60 + m) * 60_000;
  const reached = (t: number): boolean => t + zoneOffsetMs(timeZone, t) >= target;
  const guess = start + (h * 60 + m) * 60_000;
  const exact = guess - (zoneOffsetMs(timeZone, guess) - zoneOffsetMs(timeZone, start));
  if (exact + zoneOffsetMs(timeZone, exact) === target) return exact;
  // In a gap: the clock jumps over `target` where it goes on, which is less than two hours
  // before the later candidate (gaps are an hour or less, and never next to a repeated hour).
  let hi = Math.max(guess, exact);
  let lo = Math.max(start, hi - 2 * 3_600_000);
  if (reached(lo)) return lo;
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    if (reached(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The first `HH:MM` local time at or after `at` (see `localTimeOn`). */
export function nextLocalTime(timeZone: string, at: number, hhmm: string): number {
  const today = localTimeOn(timeZone, at, hhmm);
  if (today >= at) return today;
  // Local days are 23 to 25 hours long, so a day and a half after today's start is tomorrow
  // (`at` + 24 h can still be today when the clocks go back, or the day after when they go on).
  return localTimeOn(timeZone, localDayStart(timeZone, at) + DAY + DAY / 2, hhmm);
}

/** The local wall-clock midnight of `at`'s day, written as if UTC. */
function localMidnight(timeZone: string, at: number): number {
  return Math.floor((at + zoneOffsetMs(timeZone, at)) / DAY) * DAY;
}

/**
 * When the wall clock next reads `HH:MM` at or after `at`. The same as `nextLocalTime` but on the
 * day the clocks go back, when a time comes round twice and `at` lies between the two: then it
 * is the second (quiet hours end when the clock says so, not a day later).
 */
export function nextWallClock(timeZone: string, at: number, hhmm: string): number {
  const first = localTimeOn(timeZone, at, hhmm);
  const back = zoneOffsetMs(timeZone, first) - zoneOffsetMs(timeZone, first + 3 * 3_600_000);
  const again = first + back;
  if (
    first < at &&
    back > 0 &&
    again >= at &&
    again + zoneOffsetMs(timeZone, again) === first + zoneOffsetMs(timeZone, first)
  )
    return again;
  return nextLocalTime(timeZone, at, hhmm);
}

/** The local date `YYYY-MM-DD` of `at`. */
export function localDate(timeZone: string, at: number): string {
  return new Date(at + zoneOffsetMs(timeZone, at)).toISOString().slice(0, 10);
}

/**
 * Who a date trigger takes on the local day of `at`: the profiles whose date trait, moved on by
 * `offset`, falls on that day (every year: the same month and day, 29 February on the 28th).
 * Evaluated as a condition at a shifted `now`; returns the condition and the `now` to use.
 *
 * A date without a time (`2025-05-07`) is the calendar date written, in any zone; a date-time
 * is the local day it falls on. (Conditions read a bare date as UTC midnight, which is the day
 * before in zones west of UTC, so bare dates are matched by their text.)
 */
export function dateTriggerCondition(
  trigger: { trait: string; offset: string; every: 'year' | 'once' },
  timeZone: string,
  at: number,
): { condition: ConditionNode; now: number } {
  // Noon of the local day `offset` before today: DST moves it by an hour at most, so it stays
  // on that day however many transitions lie between.
  const noon = localDayStart(timeZone, at) + DAY / 2 - durationMs(trigger.offset);
  if (trigger.every === 'year')
    return {
      condition: { kind: 'trait', key: trigger.trait, op: 'birthday_within', value: '0d' },
      now: noon,
    };
  const start = localDayStart(timeZone, noon);
  const end = localDayStart(timeZone, start + DAY + DAY / 2);
  return {
    condition: {
      kind: 'any',
      of: [
        { kind: 'trait', key: trigger.trait, op: 'eq', value: localDate(timeZone, noon) },
        {
          kind: 'all',
          of: [
            // Date-times have a clock time (`T10:00`); bare dates were matched above.
            { kind: 'trait', key: trigger.trait, op: 'contains', value: ':' },
            { kind: 'trait', key: trigger.trait, op: 'after', value: new Date(start - 1).toISOString() },
            { kind: 'trait', key: trigger.trait, op: 'before', value: new Date(end).toISOString() },
          ],
        },
      ],
    },
    now: at,
  };
}
