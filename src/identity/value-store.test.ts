import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueStore } from './value-store.js';

describe('ValueStore', () => {
  it('gives back every value, compares in place, and orders as strings do (property)', () => {
    const text = fc.oneof(
      fc.string({ minLength: 1, maxLength: 40 }),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
      fc.constantFrom('张三', 'ｖｉｖｉａｎ', 'café', 'oUn1abc', '+8613800138000'),
    );
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 300 }), (values) => {
        const store = new ValueStore();
        values.forEach((v, i) => expect(store.append(v, i % 3)).toBe(i));
        values.forEach((v, i) => {
          expect(store.get(i)).toBe(v);
          expect(store.tag(i)).toBe(i % 3);
          expect(store.equals(i, v, i % 3)).toBe(true);
          expect(store.equals(i, v, (i % 3) + 1)).toBe(false);
          const j = (i * 7 + 3) % values.length;
          expect(store.equals(i, values[j]!, i % 3)).toBe(v === values[j]);
          const sign = Math.sign(store.compare(i, j));
          expect(sign).toBe(v < values[j]! ? -1 : v > values[j]! ? 1 : 0);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('grows past its first buffers', () => {
    const store = new ValueStore();
    for (let i = 0; i < 20_000; i++)
      store.append(`device-${i.toString(16).padStart(12, '0')}-${'x'.repeat(i % 9)}`);
    expect(store.get(19_999)).toBe(
      `device-${(19_999).toString(16).padStart(12, '0')}-${'x'.repeat(19_999 % 9)}`,
    );
    expect(
      store.equals(12_345, `device-${(12_345).toString(16).padStart(12, '0')}-${'x'.repeat(12_345 % 9)}`),
    ).toBe(true);
  });
});
