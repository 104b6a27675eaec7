import { isOneEditApart } from './edit-distance.js';

/**
 * Phone numbers as CRM exports, tills and seller reports show them: E.164 (`+8613812345678`),
 * national (`13812345678`, `138-1234-5678`, `0086…`, full-width `１３８…`), and masked the way
 * Tmall's report hides a buyer's mobile (`138****5678`).
 */

export type PhoneValue =
  | { readonly kind: 'full'; readonly digits: string }
  /** `prefix` and `suffix` are the visible digits; `length` counts the hidden ones too. */
  | { readonly kind: 'masked'; readonly prefix: string; readonly suffix: string; readonly length: number };

export type PhoneMatchKind = 'exact' | 'masked' | 'typo' | 'different';

export interface PhoneComparison {
  /** 1 exact, 0.7 one keying error, 0.6 a masked number that fits, 0 otherwise. */
  score: number;
  kind: PhoneMatchKind;
}

const EXACT: PhoneComparison = { score: 1, kind: 'exact' };
const TYPO: PhoneComparison = { score: 0.7, kind: 'typo' };
/** Moderate: one in a few hundred thousand numbers with the same prefix shares the visible digits. */
const MASKED: PhoneComparison = { score: 0.6, kind: 'masked' };
const DIFFERENT: PhoneComparison = { score: 0, kind: 'different' };

/** Visible digits a masked number needs before it is evidence of anything. */
const MIN_VISIBLE = 4;

/**
 * Reads a phone number into national digits (the mainland country code dropped) or a masked
 * pattern. `undefined` for what is no phone number: blank, fewer than 7 digits (`12345`), or
 * a mask that shows fewer than four digits.
 */
export function parsePhone(raw: string): PhoneValue | undefined {
  const s = raw
    .normalize('NFKC')
    .replace(/[\s\-().\u00a0/]/gu, '')
    .replace(/^\+/u, '');
  const masked = /^(\d*)(\*+)(\d*)$/u.exec(s);
  if (masked !== null) {
    let prefix = masked[1] ?? '';
    const hidden = masked[2]?.length ?? 0;
    const suffix = masked[3] ?? '';
    let length = prefix.length + hidden + suffix.length;
    const country = countryPrefix(prefix, length);
    prefix = prefix.slice(country);
    length -= country;
    if (prefix.length + suffix.length < MIN_VISIBLE) return undefined;
    return { kind: 'masked', prefix, suffix, length };
  }
  if (!/^\d{7,15}$/u.test(s)) return undefined;
  return { kind: 'full', digits: s.slice(countryPrefix(s, s.length)) };
}

/** How many leading characters are the mainland country code (86, 0086) before a mobile number. */
function countryPrefix(s: string, length: number): number {
  if (length === 13 && s.startsWith('861')) return 2;
  if (length === 15 && s.startsWith('00861')) return 4;
  return 0;
}

/**
 * Compares two phone numbers (raw or parsed): the same digits → `exact`; one substitution,
 * adjacent transposition, or dropped/extra digit → `typo`; a masked number whose visible digits
 * fit the other (full or masked) → `masked`; otherwise, or when either is no phone number,
 * `different`. Exactly symmetric.
 */
export function comparePhones(a: string | PhoneValue, b: string | PhoneValue): PhoneComparison {
  const pa = typeof a === 'string' ? parsePhone(a) : a;
  const pb = typeof b === 'string' ? parsePhone(b) : b;
  if (pa === undefined || pb === undefined) return DIFFERENT;
  if (pa.kind === 'full' && pb.kind === 'full') {
    if (pa.digits === pb.digits) return EXACT;
    return isOneEditApart(pa.digits, pb.digits) ? TYPO : DIFFERENT;
  }
  return maskCompatible(pa, pb) ? MASKED : DIFFERENT;
}

function maskCompatible(a: PhoneValue, b: PhoneValue): boolean {
  const la = a.kind === 'full' ? a.digits.length : a.length;
  const lb = b.kind === 'full' ? b.digits.length : b.length;
  if (la !== lb) return false;
  for (let i = 0; i < la; i++) {
    const x = digitAt(a, i);
    const y = digitAt(b, i);
    if (x !== undefined && y !== undefined && x !== y) return false;
  }
  return true;
}

/** The digit at position `i`, or `undefined` where the mask hides it. */
function digitAt(p: PhoneValue, i: number): string | undefined {
  if (p.kind === 'full') return p.digits.charAt(i);
  if (i < p.prefix.length) return p.prefix.charAt(i);
  const fromEnd = p.length - i;
  return fromEnd <= p.suffix.length ? p.suffix.charAt(p.suffix.length - fromEnd) : undefined;
}

/** The last four digits when they are known (blocking keys). */
export function lastFour(p: PhoneValue): string | undefined {
  const digits = p.kind === 'full' ? p.digits : p.suffix;
  return digits.length >= 4 ? digits.slice(-4) : undefined;
}

/** The first three and last four digits of a mobile number, the part a mask leaves visible. */
export function prefixAndLastFour(p: PhoneValue): string | undefined {
  const prefix = p.kind === 'full' ? p.digits.slice(0, 3) : p.prefix.slice(0, 3);
  const last = lastFour(p);
  const length = p.kind === 'full' ? p.digits.length : p.length;
  // Mobiles only (1xx…); a dropped digit (10 digits) keeps both ends, so the key survives it.
  if (prefix.length < 3 || !prefix.startsWith('1') || last === undefined || length < 10) return undefined;
  return prefix + last;
}
