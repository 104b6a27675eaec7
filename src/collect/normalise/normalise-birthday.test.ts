import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock.js';
import { normaliseBirthday } from './normalise-birthday.js';

// 2025-05-07 10:00 in Shanghai, still 2025-05-06 22:00 in New York.
const clock = new ManualClock(Date.parse('2025-05-07T02:00:00Z'));
const SHANGHAI = { timeZone: 'Asia/Shanghai', clock };
const NEW_YORK = { timeZone: 'America/New_York', clock };

describe('accepted', () => {
  it.each([
    ['1990-05-07', '1990-05-07'],
    ['1990/5/7', '1990-05-07'],
    ['1990.05.07', '1990-05-07'],
    ['19900507', '1990-05-07'],
    [19900507, '1990-05-07'],
    ['1990年5月7日', '1990-05-07'],
    ['1990年05月07日', '1990-05-07'],
    ['１９９０－０５－０７', '1990-05-07'],
    ['1990-05-07 16:49:30', '1990-05-07'],
    ['1990-05-07T23:30:00-05:00', '1990-05-07'], // a written date is taken as written
    ['2000-02-29', '2000-02-29'],
    ['05-07', '--05-07'],
    ['5-7', '--05-07'],
    ['--05-07', '--05-07'],
    ['5月7日', '--05-07'],
    ['05月07日', '--05-07'],
    ['２月２９日', '--02-29'],
    ['12-31', '--12-31'],
  ])('%j → %s', (input, birthday) => {
    expect(normaliseBirthday(input, SHANGHAI)).toEqual({ ok: true, value: birthday });
  });

  it('reads instants as the calendar date in the given zone', () => {
    const instant = Date.parse('1990-05-07T16:00:00Z'); // midnight in Shanghai, noon in New York
    expect(normaliseBirthday(instant / 1000, SHANGHAI)).toEqual({ ok: true, value: '1990-05-08' });
    expect(normaliseBirthday(instant, SHANGHAI)).toEqual({ ok: true, value: '1990-05-08' });
    expect(normaliseBirthday(new Date(instant), NEW_YORK)).toEqual({ ok: true, value: '1990-05-07' });
  });

  it('accepts a birthday of today in the given zone, not tomorrow', () => {
    expect(normaliseBirthday('2025-05-07', SHANGHAI)).toEqual({ ok: true, value: '2025-05-07' });
    expect(normaliseBirthday('2025-05-07', NEW_YORK)).toMatchObject({ ok: false, code: 'invalid_birthday' });
    expect(normaliseBirthday('2025-05-06', NEW_YORK)).toEqual({ ok: true, value: '2025-05-06' });
  });

  it('accepts ages up to 130 and rejects older', () => {
    expect(normaliseBirthday('1894-05-08', SHANGHAI)).toEqual({ ok: true, value: '1894-05-08' }); // 130, turns 131 tomorrow
    expect(normaliseBirthday('1895-05-07', SHANGHAI)).toEqual({ ok: true, value: '1895-05-07' }); // 130 today
    expect(normaliseBirthday('1894-05-07', SHANGHAI)).toEqual({
      ok: false,
      code: 'invalid_birthday',
      message: 'Birthday "1894-05-07" would make the person older than 130.',
    });
  });
});

describe('rejected', () => {
  it.each([
    ['2025-05-08', 'is in the future'],
    ['2099-01-01', 'is in the future'],
    ['1800-01-01', 'older than 130'],
    ['0001-01-01', 'older than 130'],
    ['1990-02-30', 'is not a real calendar date'],
    ['1900-02-29', 'is not a real calendar date'],
    ['02-30', 'is not a real calendar date'],
    ['13-01', 'is not a real calendar date'],
    ['00-10', 'is not a real calendar date'],
    ['2月30日', 'is not a real calendar date'],
    ['', 'is not in a recognised date format'],
    ['unknown', 'is not in a recognised date format'],
    ['1990', 'is not in a recognised date format'],
    ['05/07', 'is not in a recognised date format'],
    [null, 'is not in a recognised date format'],
  ])('%j: %s', (input, problem) => {
    const result = normaliseBirthday(input, SHANGHAI);
    expect(result).toMatchObject({ ok: false, code: 'invalid_birthday' });
    expect(!result.ok && result.message).toContain(problem);
  });
});

it('gives back any date of the last 130 years, however it is written', () => {
  const DAY = 86_400_000;
  const today = Date.UTC(2025, 4, 7);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const formats: ((y: number, m: number, d: number) => string)[] = [
    (y, m, d) => `${y}-${pad(m)}-${pad(d)}`,
    (y, m, d) => `${y}/${m}/${d}`,
    (y, m, d) => `${y}.${pad(m)}.${pad(d)}`,
    (y, m, d) => `${y}${pad(m)}${pad(d)}`,
    (y, m, d) => `${y}年${m}月${d}日`,
  ];
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 130 * 365 }), fc.constantFrom(...formats), (daysAgo, format) => {
      const date = new Date(today - daysAgo * DAY);
      const text = format(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
      expect(normaliseBirthday(text, SHANGHAI)).toEqual({ ok: true, value: date.toISOString().slice(0, 10) });
    }),
  );
});
