import {
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
  type CountryCode,
  type ValidatePhoneNumberLengthResult,
} from 'libphonenumber-js/max';
import { cnMobileToE164 } from './cn-mobile.js';
import { describe, invalid, valid, type Normalised } from './normalised.js';

export interface PhoneOptions {
  /** Region assumed for numbers written without a country code, e.g. 'CN'. */
  defaultRegion: CountryCode;
}

/*
 * Max metadata, not the default min: min only checks a number's length, so it accepts 10-digit
 * "mobiles" such as 1381234567 and unallocated ranges such as 140xxxxxxxx. Max costs about 8 µs
 * per parse against 4.5 µs for min, which the CN fast path makes irrelevant for most rows.
 */

const FULL_WIDTH_FIRST = 0xff01; // U+FF01–U+FF5E are ASCII + 0xFEE0, see to-half-width.ts
const FULL_WIDTH_LAST = 0xff5e;
const FULL_WIDTH_SHIFT = 0xfee0;
const ZERO = 0x30;
const NINE = 0x39;
const PLUS = 0x2b;
const SEPARATORS = new Set(Array.from(' \t\u00A0\u3000-.()', (c) => c.charCodeAt(0)));

/** A phone number as typed, reduced to its digits and whether they followed a `+`. */
interface DialString {
  digits: string;
  international: boolean;
}

/**
 * Accepts what people put between digits (spaces, dashes, dots, parentheses, in half or full
 * width) and one `+` before the first digit. Anything else means the value is not a plain number:
 * a mask (138****1234), an extension, a second number, a note. libphonenumber would extract a
 * number from such text; an identifier must not be guessed at, so those are rejected.
 */
function readDialString(s: string): DialString | undefined {
  let digits = '';
  let international = false;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= FULL_WIDTH_FIRST && c <= FULL_WIDTH_LAST) c -= FULL_WIDTH_SHIFT;
    if (c >= ZERO && c <= NINE) {
      digits += String.fromCharCode(c);
    } else if (c === PLUS) {
      if (international || digits !== '') return undefined;
      international = true;
    } else if (!SEPARATORS.has(c)) {
      return undefined;
    }
  }
  return { digits, international };
}

const LENGTH_PROBLEM: Record<ValidatePhoneNumberLengthResult, string> = {
  TOO_SHORT: 'is too short',
  TOO_LONG: 'is too long',
  INVALID_LENGTH: 'has an invalid length',
  INVALID_COUNTRY: 'has no known country calling code',
  NOT_A_NUMBER: 'is not a phone number',
};

/**
 * Spreadsheets and JSON deliver phone numbers as numbers. Only positive whole numbers qualify:
 * String(138.5) would turn the decimal point into a separator.
 */
function dialText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  return typeof raw === 'number' && Number.isSafeInteger(raw) && raw > 0 ? String(raw) : undefined;
}

/** E.164 form (ITU-T E.164: `+`, country code, national number, at most 15 digits) of a phone number. */
export function normalisePhone(raw: unknown, { defaultRegion }: PhoneOptions): Normalised<string> {
  const text = dialText(raw);
  if (text === undefined) {
    return invalid(
      'invalid_phone',
      `Phone number must be a string or a positive whole number, got ${describe(raw)}.`,
    );
  }
  const dial = readDialString(text);
  if (dial === undefined) {
    return invalid(
      'invalid_phone',
      `Phone number ${describe(raw)} must be digits with optional spaces, dashes, dots, parentheses and a leading +.`,
    );
  }
  if (dial.digits === '') {
    return invalid('invalid_phone', `Phone number ${describe(raw)} contains no digits.`);
  }
  const fast = cnMobileToE164(dial.digits, dial.international, defaultRegion);
  if (fast !== undefined) return valid(fast);

  const dialled = dial.international ? `+${dial.digits}` : dial.digits;
  const parsed = parsePhoneNumberFromString(dialled, defaultRegion);
  if (parsed?.isValid()) return valid(parsed.number);
  const lengthProblem = validatePhoneNumberLength(dialled, defaultRegion);
  const problem = lengthProblem === undefined ? 'is not a valid phone number' : LENGTH_PROBLEM[lengthProblem];
  return invalid(
    'invalid_phone',
    `Phone number ${describe(raw)} ${problem} (default region ${defaultRegion}).`,
  );
}
