import fc from 'fast-check';
import { expect, it } from 'vitest';
import { epochToLocal, localToEpoch, wallToLocalMs } from './time-zone.js';

const ZONES = [
  'Asia/Shanghai',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Pacific/Apia',
  'America/Santiago',
  'Asia/Kathmandu',
  'Africa/Casablanca',
  'Europe/Dublin',
  'America/St_Johns',
  'UTC',
];

/** Wall clock by Intl's own formatting (sv-SE writes ISO-like "2025-05-07 16:49:30"), as local ms. */
function intlLocal(epochMs: number, timeZone: string): number {
  const second = Math.floor(epochMs / 1000) * 1000;
  const text = new Date(second).toLocaleString('sv-SE', { timeZone });
  return Date.parse(`${text.replace(' ', 'T')}Z`) + (epochMs - second);
}

it('epochToLocal agrees with Intl at any instant 1900–2200, in any zone', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 11, 31) }),
      fc.constantFrom(...ZONES),
      (t, zone) => {
        expect(epochToLocal(t, zone)).toBe(intlLocal(t, zone));
      },
    ),
    { numRuns: 1000 },
  );
});

it('is exact on both sides of transitions that are not on the hour', () => {
  const cases: [string, number][] = [
    ['Asia/Shanghai', Date.UTC(1900, 11, 31, 15, 54, 17)], // local mean time +8:05:43 → +8
    ['Australia/Lord_Howe', Date.UTC(2025, 9, 4, 15, 30)], // +10:30 → +11
    ['Asia/Kathmandu', Date.UTC(1985, 11, 31, 18, 30)], // +5:30 → +5:45
  ];
  for (const [zone, transition] of cases) {
    for (const delta of [-3_600_000, -1000, -1, 0, 1, 999, 1000, 3_599_999]) {
      const t = transition + delta;
      expect(epochToLocal(t, zone), `${zone} ${new Date(t).toISOString()}`).toBe(intlLocal(t, zone));
    }
  }
});

const local = (iso: string): number => Date.parse(`${iso}Z`);

it.each([
  // No transition near: the plain offset.
  ['Asia/Shanghai', '2025-05-07T16:49:30', '2025-05-07T08:49:30.000Z'],
  ['America/New_York', '2025-07-04T12:00:00', '2025-07-04T16:00:00.000Z'],
  // Skipped by spring-forward: moved forward by the gap.
  ['America/New_York', '2025-03-09T02:30:00', '2025-03-09T07:30:00.000Z'],
  ['Australia/Lord_Howe', '2025-10-05T02:15:00', '2025-10-04T15:45:00.000Z'],
  ['Pacific/Apia', '2011-12-30T12:00:00', '2011-12-30T22:00:00.000Z'], // Samoa skipped the whole day
  // Repeated after fall-back: the earlier occurrence.
  ['America/New_York', '2025-11-02T01:30:00', '2025-11-02T05:30:00.000Z'],
  ['Australia/Lord_Howe', '2025-04-06T01:45:00', '2025-04-05T14:45:00.000Z'],
  ['Asia/Shanghai', '1900-12-31T23:57:00', '1900-12-31T15:51:17.000Z'],
  // Just outside the transitions.
  ['America/New_York', '2025-03-09T01:59:59', '2025-03-09T06:59:59.000Z'],
  ['America/New_York', '2025-03-09T03:00:00', '2025-03-09T07:00:00.000Z'],
  ['America/New_York', '2025-11-02T02:00:00', '2025-11-02T07:00:00.000Z'],
])('%s %s → %s', (zone, wall, instant) => {
  expect(new Date(localToEpoch(local(wall), zone)).toISOString()).toBe(instant);
});

it('wallToLocalMs computes what Date.UTC computes', () => {
  const wall = fc.record({
    year: fc.integer({ min: 100, max: 9999 }), // Date.UTC reads 0–99 as 1900–1999
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    millisecond: fc.integer({ min: 0, max: 999 }),
  });
  fc.assert(
    fc.property(wall, (w) => {
      expect(wallToLocalMs(w)).toBe(
        Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond),
      );
    }),
    { numRuns: 2000 },
  );
});

it('reads years 1–99 as themselves', () => {
  expect(
    new Date(
      wallToLocalMs({ year: 50, month: 5, day: 7, hour: 0, minute: 0, second: 0, millisecond: 0 }),
    ).toISOString(),
  ).toBe('0050-05-07T00:00:00.000Z');
});

it('throws RangeError for an unknown zone', () => {
  expect(() => localToEpoch(0, 'Mars/Olympus_Mons')).toThrow(RangeError);
});
