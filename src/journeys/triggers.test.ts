import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, type Subject } from '../conditions/index.js';
import {
  cronProblem,
  dateTriggerCondition,
  localDate,
  localDayStart,
  localTimeOn,
  nextFire,
  nextLocalTime,
} from './triggers.js';

/*
 * Local days and times, cron schedules and date triggers against plain references built on the
 * one thing trusted here: Intl.DateTimeFormat's parts of an instant in a zone. The references
 * walk real time minute by minute and read the local clock; they share no code with triggers.ts
 * (nor with platform/time-zone.ts, which it uses).
 *
 * The policy for clock changes, the same as croner's for fixed-time jobs (its README, "DST
 * handling"): a local time that occurs twice is taken at its first occurrence; one that does
 * not exist (the clocks go on over it) is the first moment after the gap, on the same day. In
 * other words, `HH:MM` on a day is the first moment of that day the clock reads `HH:MM` or later.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const FROM = Date.UTC(2000, 0, 1);
const TO = Date.UTC(2041, 0, 1) - 1;
/** America/Santiago: its clocks go on at midnight, so some days have no 00:00. */
const ZONES = [
  'Asia/Shanghai',
  'UTC',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'America/Santiago',
] as const;

// ------------------------------------------------------------------------- the reference clock

const formats = new Map<string, Intl.DateTimeFormat>();

function parts(
  zone: string,
  t: number,
): { year: number; month: number; day: number; hour: number; minute: number } {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formats.set(zone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(t)).map((x) => [x.type, Number(x.value)]));
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour!, minute: p.minute! };
}

/** The local clock at `t` as a count of minutes (the local date and time written as if UTC). */
function clockAt(zone: string, t: number): number {
  const p = parts(zone, t);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) / MINUTE;
}

/**
 * The same, faster: the offset is read at every third hour of real time, and where it is the
 * same at both ends of such a block it is the same inside (clock changes are months apart);
 * inside a block with a change, each minute is read. This only keeps the minute walks fast.
 */
const BLOCK = 180;
const offsets = new Map<string, Map<number, number>>();
function offsetAtMinute(zone: string, m: number): number {
  let z = offsets.get(zone);
  if (!z) offsets.set(zone, (z = new Map()));
  let o = z.get(m);
  if (o === undefined) z.set(m, (o = clockAt(zone, m * MINUTE) - m));
  return o;
}
function wall(zone: string, t: number): number {
  const m = Math.floor(t / MINUTE);
  const b = Math.floor(m / BLOCK) * BLOCK;
  const a = offsetAtMinute(zone, b);
  return a === offsetAtMinute(zone, b + BLOCK) ? m + a : m + offsetAtMinute(zone, m);
}

const dayOf = (zone: string, t: number): number => Math.floor(wall(zone, t) / 1440);
const minuteOfDay = (zone: string, t: number): number => wall(zone, t) - dayOf(zone, t) * 1440;
const hhmmOf = (zone: string, t: number): string => {
  const m = minuteOfDay(zone, t);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

/** The first minute of the local date of `at`: walk back while the minute before is that date. */
function refDayStart(zone: string, at: number): number {
  let t = Math.floor(at / MINUTE) * MINUTE;
  const d = dayOf(zone, t);
  while (dayOf(zone, t - MINUTE) === d) t -= MINUTE;
  return t;
}

/** Walks minutes from `start`: on each local date, the first minute whose clock reads `mod` (minute of day) or later. */
function* dailyFires(zone: string, start: number, mod: number): Generator<number> {
  let fired = Number.NEGATIVE_INFINITY;
  for (let t = start; ; t += MINUTE) {
    const w = wall(zone, t);
    const d = Math.floor(w / 1440);
    if (d > fired && w - d * 1440 >= mod) {
      fired = d;
      yield t;
    }
  }
}

function refTimeOn(zone: string, at: number, mod: number): number {
  const start = refDayStart(zone, at);
  const first = dailyFires(zone, start, mod).next().value as number;
  expect(dayOf(zone, first)).toBe(dayOf(zone, start));
  return first;
}

function refNextLocalTime(zone: string, at: number, mod: number): number {
  for (const t of dailyFires(zone, refDayStart(zone, at), mod)) if (t >= at) return t;
  throw new Error('unreachable');
}

/** Every clock change in 2000–2040 of the zones that have them, to the minute. */
const TRANSITIONS: Record<string, number[]> = {};
for (const zone of ZONES) {
  const offset = (t: number): number => clockAt(zone, t) - Math.floor(t / MINUTE);
  const found: number[] = [];
  for (let t = FROM; t < TO; t += 7 * DAY) {
    if (offset(t) === offset(t + 7 * DAY)) continue;
    let lo = t;
    let hi = t + 7 * DAY;
    while (hi - lo > MINUTE) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
      if (offset(mid) === offset(lo)) lo = mid;
      else hi = mid;
    }
    found.push(hi);
  }
  TRANSITIONS[zone] = found;
}

const zoneArb = fc.constantFrom(...ZONES);

/** Any instant of 2000–2040, or one within a day and a half of a clock change in the zone. */
const instantIn = (zone: string): fc.Arbitrary<number> => {
  const near = TRANSITIONS[zone]!;
  const anywhere = fc.integer({ min: FROM, max: TO });
  if (near.length === 0) return anywhere;
  return fc.oneof(
    anywhere,
    fc
      .tuple(fc.constantFrom(...near), fc.integer({ min: -1.5 * DAY, max: 1.5 * DAY }))
      .map(([t, d]) => t + d),
  );
};
const zoneAndInstant = zoneArb.chain((zone) => instantIn(zone).map((at) => ({ zone, at })));

/** Times of day, often those that clock changes skip or repeat somewhere. */
const hhmmArb = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => h * 60 + m),
  fc.constantFrom(0, 15, 30, 59, 60, 75, 90, 105, 120, 135, 150, 165, 180, 1410, 1439),
);
const text = (mod: number): string =>
  `${String(Math.floor(mod / 60)).padStart(2, '0')}:${String(mod % 60).padStart(2, '0')}`;

/** Whether the local clock passes `mod` on the date of `t` without ever reading it. */
function skipped(zone: string, t: number, mod: number): boolean {
  const start = refDayStart(zone, t);
  const d = dayOf(zone, start);
  for (let x = start; dayOf(zone, x) === d; x += MINUTE) if (minuteOfDay(zone, x) === mod) return false;
  return true;
}

// ---------------------------------------------------------------------------------- local time

describe('local days and times', () => {
  it('finds clock changes in the zones that have them (the generators lean on these)', () => {
    for (const zone of ['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'America/Santiago'])
      expect(TRANSITIONS[zone]!.length).toBeGreaterThan(60);
    for (const zone of ['Asia/Shanghai', 'UTC', 'Asia/Kathmandu']) expect(TRANSITIONS[zone]).toEqual([]);
  });

  it('localDate is the date Intl gives', () => {
    fc.assert(
      fc.property(zoneAndInstant, ({ zone, at }) => {
        const p = parts(zone, at);
        const want = `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
        expect(localDate(zone, at)).toBe(want);
      }),
      { numRuns: 400 },
    );
  });

  it('localDayStart is the first minute of the local date, 00:00 unless midnight was skipped', () => {
    fc.assert(
      fc.property(zoneAndInstant, ({ zone, at }) => {
        const start = localDayStart(zone, at);
        expect(start).toBeLessThanOrEqual(at);
        expect(dayOf(zone, start)).toBe(dayOf(zone, at));
        expect(dayOf(zone, start - MINUTE)).toBe(dayOf(zone, at) - 1);
        if (!skipped(zone, at, 0)) expect(hhmmOf(zone, start)).toBe('00:00');
        expect(start).toBe(refDayStart(zone, at));
      }),
      { numRuns: 300 },
    );
  });

  it('localTimeOn is HH:MM of that local date, or the first moment after it when the clocks skip it', () => {
    fc.assert(
      fc.property(zoneAndInstant, hhmmArb, ({ zone, at }, mod) => {
        const got = localTimeOn(zone, at, text(mod));
        expect(dayOf(zone, got)).toBe(dayOf(zone, at));
        if (skipped(zone, at, mod)) {
          // The clock jumps over HH:MM: the minute before reads earlier, this one at most an hour later.
          expect(minuteOfDay(zone, got - MINUTE) < mod || dayOf(zone, got - MINUTE) < dayOf(zone, at)).toBe(
            true,
          );
          expect(minuteOfDay(zone, got)).toBeGreaterThan(mod);
          expect(minuteOfDay(zone, got)).toBeLessThanOrEqual(mod + 60);
        } else expect(hhmmOf(zone, got)).toBe(text(mod));
        expect(got).toBe(refTimeOn(zone, at, mod));
      }),
      { numRuns: 300 },
    );
  });

  it('nextLocalTime is the first such moment at or after `at`', () => {
    fc.assert(
      fc.property(zoneAndInstant, hhmmArb, ({ zone, at }, mod) => {
        const got = nextLocalTime(zone, at, text(mod));
        expect(got).toBeGreaterThanOrEqual(at);
        expect(got - at).toBeLessThanOrEqual(DAY + 2 * HOUR);
        if (skipped(zone, got, mod)) {
          expect(minuteOfDay(zone, got)).toBeGreaterThan(mod);
          expect(minuteOfDay(zone, got)).toBeLessThanOrEqual(mod + 60);
        } else expect(hhmmOf(zone, got)).toBe(text(mod));
        // The minute before is before `at`, or does not read that time.
        const before = got - MINUTE;
        expect(before < at || hhmmOf(zone, before) !== text(mod)).toBe(true);
        expect(got).toBe(refNextLocalTime(zone, at, mod));
      }),
      { numRuns: 300 },
    );
  });

  const at = (iso: string): number => Date.parse(iso);
  const NY = 'America/New_York';

  it('a skipped time is the moment the clocks go on; a repeated one its first occurrence', () => {
    // 2025-03-09 in New York: 02:00 EST becomes 03:00 EDT (07:00Z).
    expect(localTimeOn(NY, at('2025-03-09T12:00:00Z'), '02:30')).toBe(at('2025-03-09T07:00:00Z'));
    expect(nextLocalTime(NY, at('2025-03-09T06:45:00Z'), '02:30')).toBe(at('2025-03-09T07:00:00Z'));
    // Lord Howe goes on half an hour: 02:00 +10:30 becomes 02:30 +11 (15:30Z the day before).
    expect(localTimeOn('Australia/Lord_Howe', at('2025-10-05T01:00:00Z'), '02:15')).toBe(
      at('2025-10-04T15:30:00Z'),
    );
    // 2025-11-02 in New York: 01:30 happens at 05:30Z (EDT) and 06:30Z (EST); the first counts,
    // and once it has passed the next is tomorrow's.
    expect(localTimeOn(NY, at('2025-11-02T12:00:00Z'), '01:30')).toBe(at('2025-11-02T05:30:00Z'));
    expect(nextLocalTime(NY, at('2025-11-02T05:45:00Z'), '01:30')).toBe(at('2025-11-03T06:30:00Z'));
    // Santiago goes on at midnight: 2025-09-07 starts at 01:00 -03.
    expect(localDayStart('America/Santiago', at('2025-09-07T15:00:00Z'))).toBe(at('2025-09-07T04:00:00Z'));
    expect(localTimeOn('America/Santiago', at('2025-09-07T15:00:00Z'), '00:30')).toBe(
      at('2025-09-07T04:00:00Z'),
    );
  });

  it('the day after a long or short day is found by the calendar, not by adding 24 hours', () => {
    // 00:30 EDT on 2025-11-02 (a 25-hour day): 24 h later it is still the 2nd, 23:30 EST.
    // This used to return 00:15 on the 2nd, a moment already past.
    expect(nextLocalTime(NY, at('2025-11-02T04:30:00Z'), '00:15')).toBe(at('2025-11-03T05:15:00Z'));
    // 23:30 EST on 2025-03-08, before a 23-hour day: 24 h later it is already the 10th.
    // This used to return 10:00 on the 10th, a day late.
    expect(nextLocalTime(NY, at('2025-03-09T04:30:00Z'), '10:00')).toBe(at('2025-03-09T14:00:00Z'));
  });
});

// ------------------------------------------------------------------------------------- cron

interface CronSpec {
  minute: string;
  hour: string;
  dom: string;
  month: string;
  dow: string;
}

/** A field's values: `*`, `a`, `a-b`, `*\/n` and lists of `a` and `a-b`. */
function fieldValues(field: string, lo: number, hi: number): Set<number> {
  const out = new Set<number>();
  for (const item of field.split(',')) {
    const step = /^\*\/(\d+)$/.exec(item);
    const range = /^(\d+)-(\d+)$/.exec(item);
    if (item === '*') for (let v = lo; v <= hi; v++) out.add(v);
    else if (step) for (let v = lo; v <= hi; v += Number(step[1])) out.add(v);
    else if (range) for (let v = Number(range[1]); v <= Number(range[2]); v++) out.add(v);
    else out.add(Number(item));
  }
  return out;
}

/**
 * Minute by minute from the start of the local day of `after`, up to `after + windowMs`: the
 * first minute after `after` whose local clock matches. Day of month and day of week are
 * either-or unless one of them is `*` (croner counts `*\/n` as a restriction, unlike Vixie).
 * Fixed-time jobs (one minute and one hour) run once a day at the first moment the clock
 * reads their time or later (so after a gap, and once when an hour repeats); other jobs run
 * at every real minute the clock shows a matching time (twice in a repeated hour, never in a gap).
 */
function refNextFire(spec: CronSpec, zone: string, after: number, windowMs: number): number | null {
  const minutes = fieldValues(spec.minute, 0, 59);
  const hours = fieldValues(spec.hour, 0, 23);
  const doms = fieldValues(spec.dom, 1, 31);
  const months = fieldValues(spec.month, 1, 12);
  const dows = new Set([...fieldValues(spec.dow, 0, 7)].map((d) => d % 7));
  const either = spec.dom !== '*' && spec.dow !== '*';
  const fixed = /^\d+$/.test(spec.minute) && /^\d+$/.test(spec.hour);
  const at = Number(spec.hour) * 60 + Number(spec.minute);
  const dayMatches = (day: number): boolean => {
    const d = new Date(day * DAY);
    if (!months.has(d.getUTCMonth() + 1)) return false;
    const a = doms.has(d.getUTCDate());
    const b = dows.has(d.getUTCDay());
    return either ? a || b : a && b;
  };
  let fired = Number.NEGATIVE_INFINITY;
  for (let t = refDayStart(zone, after); t <= after + windowMs; t += MINUTE) {
    const w = wall(zone, t);
    const day = Math.floor(w / 1440);
    if (!dayMatches(day)) continue;
    const mod = w - day * 1440;
    if (fixed) {
      if (day > fired && mod >= at) {
        fired = day;
        if (t > after) return t;
      }
    } else if (t > after && minutes.has(mod % 60) && hours.has(Math.floor(mod / 60))) return t;
  }
  return null;
}

const cronField = (lo: number, hi: number, star: number): fc.Arbitrary<string> => {
  const v = fc.integer({ min: lo, max: hi });
  return fc.oneof(
    { weight: star, arbitrary: fc.constant('*') },
    { weight: 3, arbitrary: v.map(String) },
    { weight: 1, arbitrary: fc.uniqueArray(v, { minLength: 2, maxLength: 4 }).map((xs) => xs.join(',')) },
    { weight: 1, arbitrary: fc.tuple(v, v).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: Math.max(1, hi - lo) }).map((n) => `*/${n}`) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.tuple(v, v), v).map(([[a, b], c]) => `${Math.min(a, b)}-${Math.max(a, b)},${c}`),
    },
  );
};

const cronArb: fc.Arbitrary<CronSpec> = fc.record({
  minute: cronField(0, 59, 2),
  // Hours 0–3 are where clocks change in these zones.
  hour: fc.oneof(cronField(0, 23, 2), fc.constantFrom('0', '1', '2', '3')),
  dom: cronField(1, 31, 12),
  month: cronField(1, 12, 12),
  dow: fc.oneof({ weight: 5, arbitrary: cronField(0, 6, 6) }, { weight: 1, arbitrary: fc.constant('7') }),
});
const cronText = (s: CronSpec): string => `${s.minute} ${s.hour} ${s.dom} ${s.month} ${s.dow}`;

describe('cron schedules', () => {
  const WINDOW = 4 * DAY;

  it('nextFire is the first matching minute after `after`, in the zone', () => {
    fc.assert(
      fc.property(cronArb, zoneAndInstant, (spec, { zone, at }) => {
        const expression = cronText(spec);
        expect(cronProblem(expression)).toBeNull();
        const got = nextFire(expression, zone, at);
        const want = refNextFire(spec, zone, at, WINDOW);
        if (want === null) expect(got === null || got > at + WINDOW).toBe(true);
        else expect({ expression, zone, got }).toEqual({ expression, zone, got: want });
      }),
      { numRuns: 250 },
    );
  });

  it('follows cron across clock changes', () => {
    const NY = 'America/New_York';
    const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());
    const from = (e: string, after: string): string | null => iso(nextFire(e, NY, Date.parse(after)));
    // A fixed time in the gap runs once, when the clocks have gone on.
    expect(from('30 2 * * *', '2025-03-09T05:00:00Z')).toBe('2025-03-09T07:00:00.000Z');
    // An interval job skips the gap.
    expect(from('*/15 2 * * *', '2025-03-09T05:00:00Z')).toBe('2025-03-10T06:00:00.000Z');
    // A fixed time in the repeated hour runs once; an interval job runs in both passes.
    expect(from('30 1 * * *', '2025-11-02T05:30:00Z')).toBe('2025-11-03T06:30:00.000Z');
    expect(from('0 * * * *', '2025-11-02T05:00:00Z')).toBe('2025-11-02T06:00:00.000Z');
    // Strictly after: a fire exactly at `after` is not the next one.
    expect(from('0 10 * * *', '2025-01-01T15:00:00Z')).toBe('2025-01-02T15:00:00.000Z');
    expect(iso(nextFire('0 10 * * *', 'Asia/Shanghai', Date.parse('2025-01-01T01:59:59.999Z')))).toBe(
      '2025-01-01T02:00:00.000Z',
    );
    // Day of month or day of week; 29 February only in leap years; 31 February never.
    expect(iso(nextFire('0 0 13 * 5', 'UTC', Date.parse('2025-01-04T00:00:00Z')))).toBe(
      '2025-01-10T00:00:00.000Z',
    );
    expect(iso(nextFire('0 0 29 2 *', 'UTC', Date.parse('2025-01-01T00:00:00Z')))).toBe(
      '2028-02-29T00:00:00.000Z',
    );
    expect(nextFire('0 0 31 2 *', 'UTC', Date.parse('2025-01-01T00:00:00Z'))).toBeNull();
  });

  it('cronProblem names what is wrong, and is null for five good fields', () => {
    const bad: Array<[string, RegExp]> = [
      ['61 * * * *', /minute/],
      ['* 24 * * *', /hour/],
      ['* * 0 * *', /day/],
      ['* * 32 * *', /day/],
      ['* * * 13 *', /month/],
      ['* * * * 8', /dayOfWeek/],
      ['* * * *', /five/],
      ['0 * * * * *', /5 parts/],
      ['', /five/],
      ['a b c d e', /illegal characters/],
      ['*/0 * * * *', /stepping/],
      ['5-1 * * * *', /larger than/],
      ['1,,2 * * * *', /empty/],
    ];
    for (const [expression, why] of bad)
      expect({ expression, p: cronProblem(expression) }).toEqual({
        expression,
        p: expect.stringMatching(why),
      });
    for (const good of [
      '0 10 * * *',
      '*/5 * * * *',
      '0 9 * * 1-5',
      '0 0 1,15 * *',
      '30 2 * * 7',
      '0 10 * 2 0',
    ])
      expect(cronProblem(good)).toBeNull();
  });
});

// ------------------------------------------------------------------------------ date triggers

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** The local date of `at` minus `days` calendar days, from Intl's parts. */
function refTargetDate(zone: string, at: number, days: number): string {
  const p = parts(zone, at);
  return new Date(Date.UTC(p.year, p.month - 1, p.day - days)).toISOString().slice(0, 10);
}

/** A bare date is the date written; a date-time (no offset: UTC) the local date it falls on. */
function refTraitDate(zone: string, value: string): string {
  if (!value.includes('T')) return value;
  const t = Date.parse(/Z|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`);
  const p = parts(zone, t);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

function refDateTrigger(
  zone: string,
  at: number,
  days: number,
  every: 'year' | 'once',
  value: string,
): boolean {
  const target = refTargetDate(zone, at, days);
  if (every === 'once') return refTraitDate(zone, value) === target;
  const md = value.slice(5, 10);
  const year = Number(target.slice(0, 4));
  return md === target.slice(5) || (md === '02-29' && target.slice(5) === '02-28' && !isLeap(year));
}

/** Offset of the zone at `t` from the reference clock. */
const refOffsetMs = (zone: string, t: number): number => (clockAt(zone, t) - Math.floor(t / MINUTE)) * MINUTE;

function fires(zone: string, at: number, offset: string, every: 'year' | 'once', value: string): boolean {
  const { condition, now } = dateTriggerCondition({ trait: 'd', offset, every }, zone, at);
  const subject: Subject = {
    trait: (k) => (k === 'd' ? value : undefined),
    tag: () => undefined,
    events: [],
  };
  return evaluate(condition, subject, { now, offsetMs: refOffsetMs(zone, now) });
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

describe('date triggers', () => {
  const OFFSETS = { '0d': 0, '3d': 3, '30d': 30 } as const;
  const offsetArb = fc.constantFrom(...(Object.keys(OFFSETS) as Array<keyof typeof OFFSETS>));

  /** Dates near the target (so that some match), and 29 February often. */
  const dateNear = (zone: string, at: number, days: number): fc.Arbitrary<string> => {
    const target = refTargetDate(zone, at, days);
    const [y, m, d] = target.split('-').map(Number) as [number, number, number];
    return fc.oneof(
      fc
        .integer({ min: -2, max: 2 })
        .map((k) => new Date(Date.UTC(y, m - 1, d + k)).toISOString().slice(0, 10)),
      fc
        .tuple(fc.integer({ min: 1940, max: 2039 }), fc.integer({ min: -1, max: 1 }))
        .map(([yy, k]) => new Date(Date.UTC(yy, m - 1, d + k)).toISOString().slice(0, 10)),
      fc.integer({ min: 1940, max: 2039 }).map((yy) => (isLeap(yy) ? `${yy}-02-29` : `${yy}-02-28`)),
      fc
        .integer({ min: Date.UTC(1940, 0, 1), max: Date.UTC(2040, 0, 1) })
        .map((t) => new Date(t).toISOString().slice(0, 10)),
    );
  };

  /** Date-times around the target day, written with Z, with an offset, or with none (UTC). */
  const dateTimeNear = (zone: string, at: number, days: number): fc.Arbitrary<string> => {
    const target = Date.parse(`${refTargetDate(zone, at, days)}T00:00:00Z`);
    return fc
      .tuple(
        fc.integer({ min: -40, max: 64 }).map((h) => target + h * HOUR),
        fc.constantFrom(0, 30, 59),
        fc.constantFrom('Z', '', '+08:00', '-05:00', '+05:45'),
      )
      .map(([t, min, zoneText]) => {
        const shift =
          zoneText === 'Z' || zoneText === ''
            ? 0
            : (zoneText[0] === '-' ? -1 : 1) *
              (Number(zoneText.slice(1, 3)) * 60 + Number(zoneText.slice(4))) *
              MINUTE;
        const d = new Date(t + min * MINUTE + shift);
        const local = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:00`;
        return local + zoneText;
      });
  };

  it('every year: the trait’s month and day, `offset` days before the local date (29 February on the 28th)', () => {
    fc.assert(
      fc.property(
        zoneAndInstant.chain(({ zone, at }) =>
          offsetArb.chain((offset) =>
            dateNear(zone, at, OFFSETS[offset]).map((value) => ({ zone, at, offset, value })),
          ),
        ),
        ({ zone, at, offset, value }) => {
          expect({ zone, at, offset, value, fires: fires(zone, at, offset, 'year', value) }).toEqual({
            zone,
            at,
            offset,
            value,
            fires: refDateTrigger(zone, at, OFFSETS[offset], 'year', value),
          });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('once: the trait’s date, `offset` days before the local date', () => {
    fc.assert(
      fc.property(
        zoneAndInstant.chain(({ zone, at }) =>
          offsetArb.chain((offset) =>
            fc
              .oneof(dateNear(zone, at, OFFSETS[offset]), dateTimeNear(zone, at, OFFSETS[offset]))
              .map((value) => ({ zone, at, offset, value })),
          ),
        ),
        ({ zone, at, offset, value }) => {
          expect({ zone, at, offset, value, fires: fires(zone, at, offset, 'once', value) }).toEqual({
            zone,
            at,
            offset,
            value,
            fires: refDateTrigger(zone, at, OFFSETS[offset], 'once', value),
          });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('29 February is celebrated on the 28th only when there is no 29th', () => {
    const SH = 'Asia/Shanghai';
    const noon = (d: string): number => Date.parse(`${d}T04:00:00Z`); // 12:00 in Shanghai
    expect(fires(SH, noon('2025-02-28'), '0d', 'year', '1992-02-29')).toBe(true);
    expect(fires(SH, noon('2025-03-01'), '0d', 'year', '1992-02-29')).toBe(false);
    expect(fires(SH, noon('2024-02-28'), '0d', 'year', '1992-02-29')).toBe(false);
    expect(fires(SH, noon('2024-02-29'), '0d', 'year', '1992-02-29')).toBe(true);
    expect(fires(SH, noon('2024-02-29'), '0d', 'year', '1993-02-28')).toBe(false);
    // Three days after a 29 February birthday in 2025: 3 March (28 February + 3).
    expect(fires(SH, noon('2025-03-03'), '3d', 'year', '1992-02-29')).toBe(true);
  });

  it('once, west of UTC and across a clock change: bare dates as written, instants by the local day', () => {
    const NY = 'America/New_York';
    const at = Date.parse('2024-05-03T16:00:00Z'); // 12:00 EDT on 3 May
    // A bare date used to be read as UTC midnight, 20:00 the day before in New York, so
    // 2024-05-04 fired on 3 May and 2024-05-03 never did.
    expect(fires(NY, at, '0d', 'once', '2024-05-03')).toBe(true);
    expect(fires(NY, at, '0d', 'once', '2024-05-04')).toBe(false);
    expect(fires(NY, at, '0d', 'once', '2024-05-03T00:00:00Z')).toBe(false); // 20:00 on the 2nd
    expect(fires(NY, at, '0d', 'once', '2024-05-03T23:59:00-04:00')).toBe(true);
    // Three days before 12 March is 9 March, a day of EST (UTC−5) although the 12th is EDT: the
    // window used to be shifted by the hour (23:00 on the 8th to 23:00 on the 9th).
    const march = Date.parse('2024-03-12T14:00:00Z');
    expect(fires(NY, march, '3d', 'once', '2024-03-09T23:30:00-05:00')).toBe(true);
    expect(fires(NY, march, '3d', 'once', '2024-03-08T23:30:00-05:00')).toBe(false);
  });
});
