import fc from 'fast-check';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type * as Libphonenumber from 'libphonenumber-js/max';
import { beforeEach, expect, it, vi } from 'vitest';
import { normalisePhone } from './normalise-phone.js';
import { toHalfWidth } from './to-half-width.js';

// A pass-through spy, so a test can see whether the fast path avoided libphonenumber.
vi.mock('libphonenumber-js/max', async (importOriginal) => {
  const actual = await importOriginal<typeof Libphonenumber>();
  return { ...actual, parsePhoneNumberFromString: vi.fn(actual.parsePhoneNumberFromString) };
});
const parseSpy = vi.mocked(parsePhoneNumberFromString);
beforeEach(() => {
  parseSpy.mockClear(); // in braces: a function returned from beforeEach would run as its teardown
});

const CN = { defaultRegion: 'CN' } as const;

it.each([
  ['13812345678', '+8613812345678'],
  [13812345678, '+8613812345678'],
  [8613812345678, '+8613812345678'],
  ['138 1234 5678', '+8613812345678'],
  ['138-1234-5678', '+8613812345678'],
  ['(138) 1234-5678', '+8613812345678'],
  ['138.1234.5678', '+8613812345678'],
  ['１３８１２３４５６７８', '+8613812345678'],
  ['＋８６　１３８－１２３４－５６７８', '+8613812345678'],
  ['+86 138 1234 5678', '+8613812345678'],
  ['+86-13812345678', '+8613812345678'],
  ['(+86) 138 1234 5678', '+8613812345678'],
  ['008613812345678', '+8613812345678'],
  ['0086 138 1234 5678', '+8613812345678'],
  ['8613812345678', '+8613812345678'],
  ['86 138 1234 5678', '+8613812345678'],
  [' 13812345678\t', '+8613812345678'],
  ['17400123456', '+8617400123456'],
  ['+86 (0) 138 1234 5678', '+8613812345678'],
  ['013812345678', '+8613812345678'],
  ['010-12345678', '+861012345678'],
  ['(021) 6234 5678', '+862162345678'],
  ['+1 (212) 555-0123', '+12125550123'],
  ['+852 9123 4567', '+85291234567'],
  ['+44 20 7946 0958', '+442079460958'],
])('%j → %s', (input, e164) => {
  expect(normalisePhone(input, CN)).toEqual({ ok: true, value: e164 });
});

it.each([
  ['138****1234', 'must be digits'],
  ['138xxxx1234', 'must be digits'],
  ['tel:+8613812345678', 'must be digits'],
  ['13812345678 ext 12', 'must be digits'],
  ['13812345678/13912345678', 'must be digits'],
  ['13812345678, 13912345678', 'must be digits'],
  ['++8613812345678', 'must be digits'],
  ['0086+13812345678', 'must be digits'],
  ['N/A', 'must be digits'],
  ['无', 'must be digits'],
  ['', 'contains no digits'],
  ['+', 'contains no digits'],
  ['( - )', 'contains no digits'],
  ['12', 'is too short'],
  ['+86 1381234567890123', 'is too long'],
  ['1381234567', 'is not a valid phone number'],
  ['138123456789', 'is not a valid phone number'],
  ['14012345678', 'is not a valid phone number'],
  ['00000000000', 'is not a valid phone number'],
  ['11111111111', 'is not a valid phone number'],
  ['+999 1234567', 'has no known country calling code'],
  [138.5, 'must be a string or a positive whole number'],
  [-13812345678, 'must be a string or a positive whole number'],
  [Number.NaN, 'must be a string or a positive whole number'],
  [null, 'must be a string or a positive whole number'],
  [{ phone: '13812345678' }, 'must be a string or a positive whole number'],
])('rejects %j: %s', (input, problem) => {
  const result = normalisePhone(input, CN);
  expect(result).toMatchObject({ ok: false, code: 'invalid_phone' });
  expect(!result.ok && result.message).toContain(problem);
});

it('names the offending value and the default region in the message', () => {
  expect(normalisePhone('1381234567', CN)).toEqual({
    ok: false,
    code: 'invalid_phone',
    message: 'Phone number "1381234567" is not a valid phone number (default region CN).',
  });
});

/** How people write a Chinese mobile number: a prefix, digit groups, half or full width. */
const nationalNumber = fc.oneof(
  fc.tuple(fc.constantFrom(...'3456789'), fc.stringMatching(/^\d{9}$/)).map(([d, rest]) => `1${d}${rest}`),
  // The ranges decided by the fourth and fifth digits, and a few unallocated ones.
  fc
    .tuple(
      fc.constantFrom('1740', '1741', '1610', '1349', '1400', '1410', '1540'),
      fc.stringMatching(/^\d{7}$/),
    )
    .map(([prefix, rest]) => `${prefix}${rest}`),
);
const layouts: ((n: string) => string)[] = [
  (n) => n,
  (n) => `${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}`,
  (n) => `${n.slice(0, 3)}-${n.slice(3, 7)}-${n.slice(7)}`,
  (n) => `${n.slice(0, 3)}.${n.slice(3, 7)}.${n.slice(7)}`,
  (n) => `(${n.slice(0, 3)}) ${n.slice(3, 7)}-${n.slice(7)}`,
];
/** Written with these, a valid mobile takes the fast path (in region CN, or any region after +86). */
const fastPathPrefixes = ['', '+86', '+86 ', '+86-', '(+86) ', '0086', '0086 ', '86', '86 ', '86-'];
/** These need libphonenumber: a national prefix 0, with or without the country code. */
const slowPathPrefixes = ['0', '+86 (0) ', '+86 0'];
const toFullWidth = (s: string): string =>
  s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).replace(/ /g, '\u3000');

const writtenMobile = (prefixes: string[], regions: CountryCode[]) =>
  fc
    .record({
      national: nationalNumber,
      layout: fc.constantFrom(...layouts),
      prefix: fc.constantFrom(...prefixes),
      fullWidth: fc.boolean(),
      asNumber: fc.boolean(),
      padding: fc.constantFrom('', ' ', '\t', '\u3000'),
      region: fc.constantFrom(...regions),
    })
    .map(({ national, layout, prefix, fullWidth, asNumber, padding, region }) => {
      const text = `${padding}${prefix}${layout(national)}${padding}`;
      const input: string | number =
        asNumber && /^[1-9]\d*$/.test(text) ? Number(text) : fullWidth ? toFullWidth(text) : text;
      return { input, national, region };
    });

/** libphonenumber's own verdict on the text, which the fast path must reproduce. */
function libphonenumberE164(input: string | number, region: CountryCode): string | undefined {
  const parsed = parsePhoneNumberFromString(toHalfWidth(String(input)), region);
  return parsed?.isValid() ? parsed.number : undefined;
}

it('agrees with libphonenumber on Chinese mobile numbers in every common format and region', () => {
  const regions: CountryCode[] = ['CN', 'CN', 'CN', 'US', 'GB', 'HK', 'TW', 'JP'];
  fc.assert(
    fc.property(writtenMobile([...fastPathPrefixes, ...slowPathPrefixes], regions), ({ input, region }) => {
      const result = normalisePhone(input, { defaultRegion: region });
      expect(result.ok ? result.value : undefined).toBe(libphonenumberE164(input, region));
    }),
    { numRuns: 2000 },
  );
});

it('normalises valid Chinese mobiles in region CN without calling libphonenumber', () => {
  let fast = 0;
  fc.assert(
    fc.property(writtenMobile(fastPathPrefixes, ['CN']), ({ input, national }) => {
      parseSpy.mockClear();
      const result = normalisePhone(input, CN);
      if (result.ok) {
        expect(parseSpy).not.toHaveBeenCalled();
        fast++;
      }
      expect(result.ok).toBe(libphonenumberE164(national, 'CN') !== undefined);
    }),
    { numRuns: 1000 },
  );
  expect(fast).toBeGreaterThan(500); // most generated numbers are in allocated ranges
});

it('rejects any text holding a character that cannot appear in a written phone number', () => {
  const noise = fc.constantFrom('*', '#', '/', ',', ';', 'x', 'A', '号', '_');
  fc.assert(
    fc.property(writtenMobile(fastPathPrefixes, ['CN']), noise, fc.nat(), ({ input }, c, at) => {
      const text = String(input);
      const i = at % (text.length + 1);
      expect(normalisePhone(text.slice(0, i) + c + text.slice(i), CN).ok).toBe(false);
    }),
  );
});
