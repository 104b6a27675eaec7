import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { twoProportionTest } from './stats.js';

describe('two-proportion z-test', () => {
  it('gives the textbook figures', () => {
    // Worked by hand: pooled p = 450/2000 = 0.225, SE0 = sqrt(0.225 · 0.775 · 2/1000) = 0.018675,
    // z = 0.05 / 0.018675 = 2.6774 (z² = 7.1685), two-sided p = 0.00742; unpooled
    // SE = sqrt(0.2 · 0.8/1000 + 0.25 · 0.75/1000) = 0.018641, 95 % CI 0.05 ± 1.95996 · 0.018641.
    const r = twoProportionTest({ conversions: 200, size: 1000 }, { conversions: 250, size: 1000 });
    expect(r.z! ** 2).toBeCloseTo(7.1685, 3);
    expect(r.pValue!).toBeCloseTo(0.00742, 5);
    expect(r.interval![0]).toBeCloseTo(0.01347, 4);
    expect(r.interval![1]).toBeCloseTo(0.08653, 4);
    expect(r.relativeLift).toBeCloseTo(0.25, 10);
    // pooled 72/980 = 0.073469, SE0 = sqrt(0.073469 · 0.926531 · (1/500 + 1/480)) = 0.016672,
    // z = (0.0875 − 0.06) / 0.016672 = 1.6495, two-sided p = 2 · (1 − Φ(1.6495)) = 0.0990
    const s = twoProportionTest({ conversions: 30, size: 500 }, { conversions: 42, size: 480 });
    expect(s.z!).toBeCloseTo(1.6495, 3);
    expect(s.pValue!).toBeCloseTo(0.099, 3);
  });

  it('is symmetric and its interval widens with confidence', () => {
    const group = fc
      .tuple(fc.integer({ min: 1, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true }))
      .map(([size, r]) => ({ size, conversions: Math.floor(size * r) }));
    fc.assert(
      fc.property(group, group, (a, b) => {
        const ab = twoProportionTest(a, b);
        const ba = twoProportionTest(b, a);
        expect(ba.difference).toBeCloseTo(-ab.difference, 12);
        if (ab.pValue !== null) {
          expect(ba.pValue!).toBeCloseTo(ab.pValue, 12);
          expect(ab.pValue).toBeGreaterThanOrEqual(0);
          expect(ab.pValue).toBeLessThanOrEqual(1);
        }
        const wide = twoProportionTest(a, b, 0.99).interval!;
        const narrow = twoProportionTest(a, b, 0.9).interval!;
        expect(wide[0]).toBeLessThanOrEqual(narrow[0] + 1e-12);
        expect(wide[1]).toBeGreaterThanOrEqual(narrow[1] - 1e-12);
      }),
    );
  });

  it('names a group that is not one', () => {
    expect(() => twoProportionTest({ conversions: 5, size: 3 }, { conversions: 1, size: 2 })).toThrow(
      /5 of 3/,
    );
    expect(twoProportionTest({ conversions: 0, size: 0 }, { conversions: 1, size: 2 }).pValue).toBeNull();
  });
});
