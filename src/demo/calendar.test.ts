import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Calendar, DAY, formatDateTime, formatIso, localFields } from './calendar.js';
import { Rng } from './prng.js';

const reference = (ms: number): string => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 23) + '+08:00';

describe('calendar', () => {
  it('formats instants as ISO 8601 in China Standard Time, as Date does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms) => {
        expect(formatIso(ms)).toBe(reference(ms));
        expect(Date.parse(formatIso(ms))).toBe(ms);
      }),
      { numRuns: 2000 },
    );
    expect(formatDateTime(Date.parse('2025-05-07T16:49:30.999+08:00'))).toBe('2025-05-07 16:49:30');
  });

  it('spans two years before asOf and peaks on the shopping festivals', () => {
    const asOf = Date.parse('2026-11-01T00:00:00+08:00');
    const cal = new Calendar(asOf);
    expect(formatIso(cal.start)).toBe('2024-11-01T00:00:00.000+08:00');
    const rng = Rng.for(1);
    const perMonthDay = new Map<string, number>();
    for (let i = 0; i < 100_000; i++) {
      const t = cal.sample(rng, cal.start, cal.end);
      expect(t >= cal.start && t < cal.end).toBe(true);
      const f = localFields(t);
      const k = `${f.month}-${f.day}`;
      perMonthDay.set(k, (perMonthDay.get(k) ?? 0) + 1);
    }
    const ordinary = perMonthDay.get('9-15') ?? 0;
    expect(perMonthDay.get('11-11') ?? 0).toBeGreaterThan(3 * ordinary);
    expect(perMonthDay.get('6-18') ?? 0).toBeGreaterThan(3 * ordinary);
    // Promotion-only sampling stays inside promotions.
    for (let i = 0; i < 1000; i++) {
      const t = cal.sample(rng, cal.start, cal.end - 30 * DAY, true);
      expect(cal.promotionAt(t)).toBeDefined();
    }
  });
});
