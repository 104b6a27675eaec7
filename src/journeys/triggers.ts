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

/** `HH:MM` on the local day of `at`, as UTC ms. */
export function localTimeOn(timeZone: string, at: number, hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const start = localDayStart(timeZone, at);
  const guess = start + (h * 60 + m) * 60_000;
  return guess - (zoneOffsetMs(timeZone, guess) - zoneOffsetMs(timeZone, start));
}

/** The first `HH:MM` local time at or after `at`. */
export function nextLocalTime(timeZone: string, at: number, hhmm: string): number {
  const today = localTimeOn(timeZone, at, hhmm);
  return today >= at ? today : localTimeOn(timeZone, at + DAY, hhmm);
}

/** The local date `YYYY-MM-DD` of `at`. */
export function localDate(timeZone: string, at: number): string {
  return new Date(at + zoneOffsetMs(timeZone, at)).toISOString().slice(0, 10);
}

/**
 * Who a date trigger takes on the local day of `at`: the profiles whose date trait, moved on by
 * `offset`, falls on that day (every year: the same month and day, 29 February on the 28th).
 * Evaluated as a condition at a shifted `now`; returns the condition and the `now` to use.
 */
export function dateTriggerCondition(
  trigger: { trait: string; offset: string; every: 'year' | 'once' },
  timeZone: string,
  at: number,
): { condition: ConditionNode; now: number } {
  const shift = durationMs(trigger.offset);
  const day = localDayStart(timeZone, at) - shift;
  if (trigger.every === 'year')
    return {
      condition: { kind: 'trait', key: trigger.trait, op: 'birthday_within', value: '0d' },
      now: day + DAY / 2,
    };
  return {
    condition: {
      kind: 'all',
      of: [
        { kind: 'trait', key: trigger.trait, op: 'after', value: new Date(day - 1).toISOString() },
        { kind: 'trait', key: trigger.trait, op: 'before', value: new Date(day + DAY).toISOString() },
      ],
    },
    now: at,
  };
}
