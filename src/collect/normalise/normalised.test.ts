import { describe as group, expect, it } from 'vitest';
import { describe, invalid, valid } from './normalised.js';

group('describe', () => {
  it.each([
    ['abc', '"abc"'],
    ['a"b', '"a\\"b"'],
    [42, '42'],
    [true, 'true'],
    [10n, '10'],
    [null, 'null'],
    [undefined, 'undefined'],
    [new Date(0), '1970-01-01T00:00:00.000Z'],
    [new Date(Number.NaN), 'an invalid Date'],
    [[1], 'an array'],
    [{ a: 1 }, 'a value of type object'],
  ])('shows %o as %s', (value, shown) => {
    expect(describe(value)).toBe(shown);
  });

  it('cuts long strings to 64 characters, counting code points', () => {
    expect(describe('x'.repeat(64))).toBe(`"${'x'.repeat(64)}"`);
    expect(describe('x'.repeat(65))).toBe(`"${'x'.repeat(63)}…"`);
    expect(describe('𠀀'.repeat(100))).toBe(`"${'𠀀'.repeat(63)}…"`);
  });
});

it('valid and invalid build the two result shapes', () => {
  expect(valid(1)).toEqual({ ok: true, value: 1 });
  expect(invalid('invalid_x', 'X is bad.')).toEqual({ ok: false, code: 'invalid_x', message: 'X is bad.' });
});
