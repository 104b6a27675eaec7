import { describe, expect, it } from 'vitest';
import { toArabic } from './chinese-numerals.js';

describe('toArabic', () => {
  it.each([
    ['4', '4'],
    ['0501', '501'],
    ['0', '0'],
    ['四', '4'],
    ['两', '2'],
    ['十', '10'],
    ['十二', '12'],
    ['二十', '20'],
    ['二十三', '23'],
    ['一百零五', '105'],
    ['一二零一', '1201'],
    ['〇五', '5'],
    ['A', undefined],
    ['', undefined],
    ['四a', undefined],
  ])('%j → %j', (s, expected) => {
    expect(toArabic(s)).toBe(expected);
  });
});
