import fc from 'fast-check';
import { expect, it } from 'vitest';
import { daysInMonth, readDateInput } from './date-input.js';

it('daysInMonth agrees with the Gregorian calendar of Date', () => {
  fc.assert(
    fc.property(fc.integer({ min: 100, max: 9999 }), fc.integer({ min: 1, max: 12 }), (year, month) => {
      expect(daysInMonth(year, month)).toBe(new Date(Date.UTC(year, month, 0)).getUTCDate());
    }),
  );
  expect([daysInMonth(1900, 2), daysInMonth(2000, 2), daysInMonth(2024, 2), daysInMonth(2025, 2)]).toEqual([
    28, 29, 29, 28,
  ]);
});

it.each([
  [1_746_607_770, 1_746_607_770_000], // seconds
  ['1746607770', 1_746_607_770_000],
  [1_746_607_770_123, 1_746_607_770_123], // milliseconds
  ['1746607770123', 1_746_607_770_123],
  [100_000_000, 100_000_000_000], // the smallest epoch value: 1e8 s, 1973-03-03
  [99_999_999_999, 99_999_999_999_000], // the largest read as seconds: year 5138
  [100_000_000_000, 100_000_000_000], // the smallest read as milliseconds: 1973-03-03 again
  [1_746_607_770.123, 1_746_607_770_123], // fractional seconds, float error rounded away
  [-100_000_000, -100_000_000_000], // 1966-10-31
  [-315_619_200_000, -315_619_200_000], // 1960-01-01 in milliseconds
])('epoch %j is the instant %d ms', (raw, epochMs) => {
  expect(readDateInput(raw)).toEqual({ kind: 'instant', epochMs });
});

it.each([
  ['2025-05-07T16:49:30Z', 0],
  ['2025-05-07T16:49:30z', 0],
  ['2025-05-07T16:49:30+08:00', 8 * 3_600_000],
  ['2025-05-07T16:49:30+0800', 8 * 3_600_000],
  ['2025-05-07T16:49:30+08', 8 * 3_600_000],
  ['2025-05-07T16:49:30-05:30', -5.5 * 3_600_000],
  ['2025-05-07 16:49:30 +08:00', 8 * 3_600_000],
  ['2025-05-07 16:49:30', undefined],
])('%s has offset %s', (text, offsetMs) => {
  expect(readDateInput(text)).toMatchObject({ kind: 'wall', offsetMs });
});

it('reads fractional seconds to the millisecond', () => {
  const millisecond = (text: string): unknown => {
    const input = readDateInput(text);
    return input.kind === 'wall' ? input.wall.millisecond : input.kind;
  };
  expect(
    ['…30.1', '…30.12', '…30,123', '…30.123456789'].map((t) =>
      millisecond(t.replace('…', '2025-05-07T16:49:')),
    ),
  ).toEqual([100, 120, 123, 123]);
});

it.each([
  ['2025-05-07T16:49:30+24:00', 'impossible'],
  ['2025-05-07T16:49:30+08:60', 'impossible'],
  ['2025-05-07T24:00:00', 'impossible'],
  ['2025-05-07T23:59:60', 'impossible'],
  ['2025-13-01', 'impossible'],
  ['2025-00-10', 'impossible'],
  ['2025-04-31', 'impossible'],
  ['2025-05-07T16:49:30+8', 'unrecognised'],
  ['2025-05/07', 'unrecognised'],
  ['2025-5-7-', 'unrecognised'],
  ['25-05-07', 'unrecognised'],
  ['07/05/2025', 'unrecognised'],
  ['May 7, 2025', 'unrecognised'],
  ['1746607770.5', 'unrecognised'],
  [0, 'unrecognised'], // too close to 1970 to be an epoch value
  ['2025', 'unrecognised'],
  [9_999_999, 'unrecognised'],
  [-99_999_999, 'unrecognised'],
  [99_999_999, 'impossible'], // eight digits are a compact date, and month 99 is impossible
  ['9'.repeat(400), 'unrecognised'], // Infinity
  [1e16, 'impossible'], // the year 318857
  [new Date('0000-12-31T00:00:00Z'), 'impossible'],
  ['', 'unrecognised'],
  [Number.POSITIVE_INFINITY, 'unrecognised'],
  [true, 'unrecognised'],
  [new Date(Number.NaN), 'impossible'],
])('%j is %s', (raw, kind) => {
  expect(readDateInput(raw).kind).toBe(kind);
});
