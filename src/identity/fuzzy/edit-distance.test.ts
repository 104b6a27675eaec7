import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isOneEditApart } from './edit-distance.js';

/** Optimal-string-alignment distance by dynamic programming, as the reference. */
function osa(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

describe('isOneEditApart', () => {
  it.each([
    ['13812345678', '13812345679', true],
    ['13812345678', '13812354678', true],
    ['13812345678', '1381234678', true],
    ['13812345678', '138123456789', true],
    ['13812345678', '13812345678', false],
    ['13812345678', '13821345687', false],
    ['ab', 'ba', true],
    ['', 'a', true],
  ])('%s / %s → %s', (a, b, expected) => {
    expect(isOneEditApart(a, b)).toBe(expected);
  });

  it('agrees with the OSA distance being exactly 1', () => {
    const digits = fc.string({ unit: fc.constantFrom('1', '2', '3'), maxLength: 7 });
    fc.assert(
      fc.property(digits, digits, (a, b) => {
        expect(isOneEditApart(a, b)).toBe(osa(a, b) === 1);
      }),
      { numRuns: 3000 },
    );
  });
});
