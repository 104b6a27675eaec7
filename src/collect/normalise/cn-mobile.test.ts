import { isValidPhoneNumber } from 'libphonenumber-js/max';
import { expect, it } from 'vitest';
import { cnMobileToE164 } from './cn-mobile.js';

it('accepts exactly the 11-digit numbers libphonenumber calls valid, for every five-digit prefix', () => {
  // CN validity depends on at most the first five digits (1740[0-5], 1610x), so checking every
  // prefix 13000–19999 with two different tails covers every allocated range.
  const disagreements: string[] = [];
  for (let prefix = 13_000; prefix <= 19_999; prefix++) {
    for (const tail of ['000000', '987654']) {
      const national = `${prefix}${tail}`;
      const fast = cnMobileToE164(national, false, 'CN');
      const expected = isValidPhoneNumber(national, 'CN') ? `+86${national}` : undefined;
      if (fast !== expected) disagreements.push(national);
    }
  }
  expect(disagreements).toEqual([]);
});

it.each([
  ['13812345678', false, 'CN', '+8613812345678'],
  ['8613812345678', false, 'CN', '+8613812345678'],
  ['008613812345678', false, 'CN', '+8613812345678'],
  ['8613812345678', true, 'CN', '+8613812345678'],
  ['8613812345678', true, 'US', '+8613812345678'],
  // Without a plus, other regions read these digits as their own numbers: left to libphonenumber.
  ['13812345678', false, 'US', undefined],
  ['8613812345678', false, 'HK', undefined],
  ['008613812345678', false, 'HK', undefined],
  // +0086 and +138… are not Chinese numbers.
  ['008613812345678', true, 'CN', undefined],
  ['13812345678', true, 'CN', undefined],
  // Not a mobile, or not 11 digits: left to libphonenumber.
  ['14012345678', false, 'CN', undefined],
  ['1381234567', false, 'CN', undefined],
  ['138123456789', false, 'CN', undefined],
  ['013812345678', false, 'CN', undefined],
  ['02162345678', false, 'CN', undefined],
] as const)('%s (international: %s, region %s) → %s', (digits, international, region, expected) => {
  expect(cnMobileToE164(digits, international, region)).toBe(expected);
});
