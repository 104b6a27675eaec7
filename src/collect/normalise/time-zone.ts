/**
 * Conversions between instants and wall-clock time in an IANA time zone, using the zone data built
 * into the runtime (Intl / ICU), so DST rules and historical offsets are whatever the tz database
 * says. Wall-clock time is carried as "local milliseconds": the wall-clock fields encoded with
 * Date.UTC (see wallToLocalMs), so local − epoch is the zone's UTC offset at that moment.
 *
 * Intl.DateTimeFormat#formatToParts costs a few microseconds, too slow for an importer, so offsets
 * are cached per zone and UTC hour. No zone changes its offset twice within an hour, so an hour
 * whose first and last second agree has one offset throughout. An hour where they disagree holds
 * a transition and is asked of Intl on every call, which keeps transitions off the hour exact
 * (Shanghai leaving local mean time, +8:05:43, at 1900-12-31 15:54:17 UTC; St John's and Lord
 * Howe changing at half past a UTC hour).
 */

import type { WallClock } from './date-input.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** An importer touches a few thousand hours; the bound only stops a long-lived process growing. */
const MAX_CACHED_HOURS_PER_ZONE = 100_000;
/** Marks a cached hour that contains a transition. */
const TRANSITION = Number.NaN;

class ZoneOffsets {
  private readonly format: Intl.DateTimeFormat;
  private readonly byHour = new Map<number, number>();

  constructor(timeZone: string) {
    // Throws RangeError for an unknown zone: the zone comes from configuration, not from data.
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** UTC offset in milliseconds in force at `epochMs`. */
  offsetAt(epochMs: number): number {
    const hour = Math.floor(epochMs / HOUR);
    let offset = this.byHour.get(hour);
    if (offset === undefined) {
      const first = this.exactOffsetAt(hour * HOUR);
      const last = this.exactOffsetAt(hour * HOUR + HOUR - 1000);
      offset = first === last ? first : TRANSITION;
      if (this.byHour.size >= MAX_CACHED_HOURS_PER_ZONE) this.byHour.clear();
      this.byHour.set(hour, offset);
    }
    return Number.isNaN(offset) ? this.exactOffsetAt(epochMs) : offset;
  }

  private exactOffsetAt(epochMs: number): number {
    const second = Math.floor(epochMs / 1000) * 1000; // Intl shows whole seconds
    const wall: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, millisecond: 0 };
    for (const { type, value } of this.format.formatToParts(second)) {
      if (type in wall) wall[type as keyof WallClock] = Number(value);
    }
    return wallToLocalMs(wall) - second;
  }
}

const zones = new Map<string, ZoneOffsets>();

function zoneOffsets(timeZone: string): ZoneOffsets {
  let zone = zones.get(timeZone);
  if (zone === undefined) {
    zone = new ZoneOffsets(timeZone);
    zones.set(timeZone, zone);
  }
  return zone;
}

/** Wall-clock time in `timeZone` at the instant `epochMs`, as local milliseconds. */
export function epochToLocal(epochMs: number, timeZone: string): number {
  return epochMs + zoneOffsets(timeZone).offsetAt(epochMs);
}

/**
 * The instant at which the wall clock in `timeZone` shows `localMs`. Around a transition a wall
 * time can occur twice or never; like Temporal's default `disambiguation: 'compatible'` (and
 * java.time's ZonedDateTime.of), a repeated time resolves to its earlier occurrence and a skipped
 * time is moved forward by the length of the gap (02:30 on a spring-forward night becomes 03:30).
 */
export function localToEpoch(localMs: number, timeZone: string): number {
  const zone = zoneOffsets(timeZone);
  // Offsets lie within ±14 h, so the instant is within a day of localMs and the offsets a day
  // either side are the candidates; when they agree there was no transition in between. The
  // Temporal reference polyfill (GetNamedTimeZoneEpochNanoseconds) reasons the same way.
  const before = zone.offsetAt(localMs - DAY);
  const after = zone.offsetAt(localMs + DAY);
  if (before === after) return localMs - before;
  // A transition lies between: the wall time occurs twice (clocks went back), once, or never.
  const earlier = localMs - Math.max(before, after);
  if (zone.offsetAt(earlier) === localMs - earlier) return earlier;
  const later = localMs - Math.min(before, after);
  if (zone.offsetAt(later) === localMs - later) return later;
  return localMs - before; // in the gap: read with the offset before the transition
}

/**
 * A wall-clock time as local milliseconds: what Date.UTC computes, but without its reading of
 * years 0–99 as 1900–1999, and in a tenth of the time (Date.UTC costs ~90 ns, a fifth of a whole
 * timestamp). Howard Hinnant's days_from_civil
 * (https://howardhinnant.github.io/date_algorithms.html#days_from_civil): shift the year to
 * start in March so the leap day comes last, then count 400-year eras of 146097 days.
 */
export function wallToLocalMs(w: WallClock): number {
  const year = w.month <= 2 ? w.year - 1 : w.year;
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = Math.floor((153 * (w.month > 2 ? w.month - 3 : w.month + 9) + 2) / 5) + w.day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  const days = era * 146_097 + dayOfEra - 719_468; // 719468 days from 0000-03-01 to 1970-01-01
  return days * DAY + ((w.hour * 60 + w.minute) * 60 + w.second) * 1000 + w.millisecond;
}
