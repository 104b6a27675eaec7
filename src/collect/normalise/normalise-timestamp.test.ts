import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseTimestamp } from './normalise-timestamp.js';

const SHANGHAI = { timeZone: 'Asia/Shanghai' };
const iso = (ms: number): string => new Date(ms).toISOString();

describe('accepted formats', () => {
  it.each([
    ['2025-05-07T16:49:30Z', '2025-05-07T16:49:30.000Z'],
    ['2025-05-07T16:49:30.123Z', '2025-05-07T16:49:30.123Z'],
    ['2025-05-07T16:49:30+08:00', '2025-05-07T08:49:30.000Z'],
    ['2025-05-07T16:49:30-04:00', '2025-05-07T20:49:30.000Z'],
    ['2025-05-07T16:49:30', '2025-05-07T08:49:30.000Z'],
    ['2025-05-07T16:49', '2025-05-07T08:49:00.000Z'],
    ['2025-05-07', '2025-05-06T16:00:00.000Z'],
    ['2025/05/07 16:49', '2025-05-07T08:49:00.000Z'],
    ['2025/5/7 16:49:30', '2025-05-07T08:49:30.000Z'],
    ['2025/5/7 9:05', '2025-05-07T01:05:00.000Z'],
    ['2025-05-07 16:49:30', '2025-05-07T08:49:30.000Z'],
    ['2025.05.07', '2025-05-06T16:00:00.000Z'],
    ['20250507', '2025-05-06T16:00:00.000Z'],
    ['20250507164930', '2025-05-07T08:49:30.000Z'],
    ['2025年5月7日', '2025-05-06T16:00:00.000Z'],
    ['2025年5月7日 16:49', '2025-05-07T08:49:00.000Z'],
    ['2025年05月07日 16时49分', '2025-05-07T08:49:00.000Z'],
    ['2025年5月7日16时49分30秒', '2025-05-07T08:49:30.000Z'],
    ['２０２５－０５－０７　１６：４９：３０', '2025-05-07T08:49:30.000Z'],
    ['２０２５年５月７日', '2025-05-06T16:00:00.000Z'],
    ['  2025-05-07 16:49:30  ', '2025-05-07T08:49:30.000Z'],
    ['1746607770', '2025-05-07T08:49:30.000Z'],
    ['1746607770123', '2025-05-07T08:49:30.123Z'],
    ['１７４６６０７７７０', '2025-05-07T08:49:30.000Z'],
    [1746607770, '2025-05-07T08:49:30.000Z'],
    [1746607770123, '2025-05-07T08:49:30.123Z'],
    [1746607770.5, '2025-05-07T08:49:30.500Z'],
    [20250507, '2025-05-06T16:00:00.000Z'], // a number is read like its digits: a compact date
    [new Date('2025-05-07T08:49:30.123Z'), '2025-05-07T08:49:30.123Z'],
    ['1900-01-01', '1899-12-31T15:54:17.000Z'], // Shanghai kept local mean time until 1901
    ['2200-12-31 23:59:59', '2200-12-31T15:59:59.000Z'],
  ])('%j → %s', (input, instant) => {
    const result = normaliseTimestamp(input, SHANGHAI);
    expect(result.ok && iso(result.value)).toBe(instant);
  });

  it('reads times without an offset in the given zone', () => {
    const at = (timeZone: string): unknown => {
      const result = normaliseTimestamp('2025-05-07 16:49:30', { timeZone });
      return result.ok && iso(result.value);
    };
    expect(at('UTC')).toBe('2025-05-07T16:49:30.000Z');
    expect(at('America/New_York')).toBe('2025-05-07T20:49:30.000Z');
    expect(at('Asia/Kolkata')).toBe('2025-05-07T11:19:30.000Z');
  });
});

describe('rejections', () => {
  it.each([
    ['2025-02-30', 'is not a real date and time'],
    ['2025-02-29', 'is not a real date and time'],
    ['2024-13-01', 'is not a real date and time'],
    ['2025-05-07 24:00', 'is not a real date and time'],
    ['2025年2月30日', 'is not a real date and time'],
    ['20250230', 'is not a real date and time'],
    [new Date(Number.NaN), 'is not a real date and time'],
    [1e16, 'is not a real date and time'], // the year 318857
    [0, 'is not in a recognised date format'], // not read as 1970: see date-input.ts
    ['1899-12-31', 'is outside the years 1900–2200'],
    ['2201-01-01', 'is outside the years 1900–2200'],
    ['0001-01-01T00:00:00Z', 'is outside the years 1900–2200'],
    ['9999-12-31', 'is outside the years 1900–2200'],
    [-2_300_000_000, 'is outside the years 1900–2200'],
    ['garbage', 'is not in a recognised date format'],
    ['', 'is not in a recognised date format'],
    ['2025-05-07 16:49:30 PM', 'is not in a recognised date format'],
    ['07/05/2025', 'is not in a recognised date format'],
    ['Wed May 07 2025', 'is not in a recognised date format'],
    [Number.NaN, 'is not in a recognised date format'],
    [null, 'is not in a recognised date format'],
    [{}, 'is not in a recognised date format'],
  ])('%j: %s', (input, problem) => {
    const result = normaliseTimestamp(input, SHANGHAI);
    expect(result).toMatchObject({ ok: false, code: 'invalid_timestamp' });
    expect(!result.ok && result.message).toContain(problem);
  });

  it('names the value in the message', () => {
    expect(normaliseTimestamp('2025-02-30', SHANGHAI)).toEqual({
      ok: false,
      code: 'invalid_timestamp',
      message: 'Timestamp "2025-02-30" is not a real date and time.',
    });
  });
});

describe('wall-clock round trip in any zone', () => {
  const ZONES = [
    'Asia/Shanghai',
    'America/New_York',
    'Europe/London',
    'Europe/Berlin',
    'Australia/Lord_Howe',
    'Pacific/Chatham',
    'Pacific/Apia',
    'America/Santiago',
    'America/Sao_Paulo',
    'Asia/Kathmandu',
    'Africa/Casablanca',
    'Europe/Dublin',
    'America/St_Johns',
    'UTC',
  ];
  const HOUR = 3_600_000;

  const formatters = new Map<string, Intl.DateTimeFormat>();
  /** Wall clock by Intl (sv-SE writes "2025-05-07 16:49:30"), as local ms: the test's reference. */
  function wallAt(epochMs: number, timeZone: string): number {
    let format = formatters.get(timeZone);
    if (!format) {
      const twoDigits = '2-digit' as const;
      format = new Intl.DateTimeFormat('sv-SE', {
        timeZone,
        year: 'numeric',
        month: twoDigits,
        day: twoDigits,
        hour: twoDigits,
        minute: twoDigits,
        second: twoDigits,
      });
      formatters.set(timeZone, format);
    }
    const second = Math.floor(epochMs / 1000) * 1000;
    return Date.parse(`${format.format(second).replace(' ', 'T')}Z`) + (epochMs - second);
  }

  interface Transition {
    zone: string;
    at: number;
    before: number;
    after: number;
  }
  /** Offset changes found by sampling daily, then bisecting to the millisecond. */
  function transitions(zone: string, fromYear: number, toYear: number): Transition[] {
    const offset = (t: number): number => wallAt(t, zone) - t;
    const found: Transition[] = [];
    for (let t = Date.UTC(fromYear, 0, 2); t < Date.UTC(toYear, 0, 1); t += 24 * HOUR) {
      if (offset(t) === offset(t + 24 * HOUR)) continue;
      let [lo, hi] = [t, t + 24 * HOUR]; // offset(lo) is the old offset, offset(hi) the new
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offset(mid) === offset(lo)) lo = mid;
        else hi = mid;
      }
      found.push({ zone, at: hi, before: offset(lo), after: offset(hi) });
    }
    return found;
  }
  const TRANSITIONS = ZONES.flatMap((zone) =>
    [
      [1900, 1903],
      [1940, 1946],
      [2010, 2013],
      [2024, 2027],
      [2195, 2198],
    ].flatMap(([from, to]) => transitions(zone, from!, to!)),
  );

  /** How the wall clock is written: each format with the precision it keeps. */
  const pad = (n: number): string => String(n).padStart(2, '0');
  const FORMATS: [string, number, (d: Date) => string][] = [
    ['ISO', 1, (d) => d.toISOString().slice(0, 23)],
    ['space', 1000, (d) => d.toISOString().slice(0, 19).replace('T', ' ')],
    [
      'slash',
      1000,
      (d) =>
        `${d.getUTCFullYear()}/${d.getUTCMonth() + 1}/${d.getUTCDate()} ${d.getUTCHours()}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
    ],
    [
      'chinese',
      1000,
      (d) =>
        `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${pad(d.getUTCHours())}时${pad(d.getUTCMinutes())}分${pad(d.getUTCSeconds())}秒`,
    ],
    ['compact', 1000, (d) => d.toISOString().slice(0, 19).replace(/\D/g, '')],
    [
      'full-width',
      1000,
      (d) =>
        d
          .toISOString()
          .slice(0, 19)
          .replace('T', ' ')
          .replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)),
    ],
  ];
  const write = ([, precision, format]: (typeof FORMATS)[number], localMs: number): string =>
    format(new Date(Math.floor(localMs / precision) * precision));

  const anyInstant = fc.integer({ min: Date.UTC(1900, 0, 2), max: Date.UTC(2200, 11, 30) });
  const nearTransition = fc
    .tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -3 * HOUR, max: 3 * HOUR }))
    .map(([transition, delta]) => ({ zone: transition.zone, t: transition.at + delta }));
  const instantInZone = fc.oneof(
    fc.record({ zone: fc.constantFrom(...ZONES), t: anyInstant }),
    nearTransition,
  );

  it('finds transitions to test, including DST gaps and overlaps', () => {
    expect(TRANSITIONS.filter((x) => x.after > x.before).length).toBeGreaterThan(20);
    expect(TRANSITIONS.filter((x) => x.after < x.before).length).toBeGreaterThan(20);
  });

  it('parses the wall-clock time of an instant back to that instant (the earlier one if the time repeats)', () => {
    fc.assert(
      fc.property(instantInZone, fc.constantFrom(...FORMATS), ({ zone, t }, format) => {
        const instant = Math.floor(t / format[1]) * format[1];
        const wall = wallAt(instant, zone);
        const result = normaliseTimestamp(write(format, wall), { timeZone: zone });
        if (!result.ok) throw new Error(result.message);
        if (result.value !== instant) {
          // Only a repeated wall time may resolve elsewhere: to its earlier occurrence.
          expect(result.value).toBeLessThan(instant);
          expect(wallAt(result.value, zone)).toBe(wall);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('resolves wall times around a transition like Temporal’s "compatible" disambiguation', () => {
    const wallNearTransition = fc.tuple(
      fc.constantFrom(...TRANSITIONS),
      fc.integer({ min: -3 * 3600, max: 3 * 3600 }).map((s) => s * 1000),
    );
    fc.assert(
      fc.property(wallNearTransition, ([{ zone, at, before, after }, delta]) => {
        const wall = at + before + delta;
        // The instants showing this wall time: with the old offset before the transition, with
        // the new one from it on. Two means a repeated time (earlier wins); none, a skipped time,
        // read with the old offset, i.e. moved forward by the gap.
        const candidates = [wall - before, wall - after].filter((t, i) => (i === 0 ? t < at : t >= at));
        const expected = candidates.length > 0 ? Math.min(...candidates) : wall - before;
        const result = normaliseTimestamp(write(FORMATS[1]!, wall), { timeZone: zone });
        expect(result.ok && result.value).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
