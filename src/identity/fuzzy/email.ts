import { isOneEditApart } from './edit-distance.js';

/** E-mail addresses: `Vivian.Chen88@QQ.com`, full-width `ｖｉｖｉａｎ＠ｑｑ．ｃｏｍ`. */

export type EmailMatchKind = 'exact' | 'typo' | 'similar' | 'different';

export interface EmailComparison {
  /** 1 exact, 0.7 one keying error, 0.6 same mailbox name at another provider, else 0. */
  score: number;
  kind: EmailMatchKind;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/u;
/** A shorter mailbox name (`amy`, `chen`) at two providers says little about one person. */
const MIN_SHARED_LOCAL = 6;

/** Lower-cased NFKC form of a syntactically valid address, else `undefined` (`n/a`, `none`). */
export function normaliseEmail(raw: string): string | undefined {
  const s = raw.normalize('NFKC').trim().toLowerCase();
  return EMAIL.test(s) ? s : undefined;
}

/** The part before `@` of a normalised address. */
export function localPart(email: string): string {
  return email.slice(0, email.lastIndexOf('@'));
}

/**
 * Compares two addresses: equal after normalising → `exact`; one keying error → `typo`; the same
 * mailbox name (six characters or more) at another provider (`zhangwei_0812@163.com` /
 * `zhangwei_0812@126.com`) → `similar`; otherwise, or when either is invalid, `different`.
 */
export function compareEmails(a: string, b: string): EmailComparison {
  const x = normaliseEmail(a);
  const y = normaliseEmail(b);
  if (x === undefined || y === undefined) return { score: 0, kind: 'different' };
  return compareNormalisedEmails(x, y);
}

/** `compareEmails` for addresses already normalised by `normaliseEmail`. */
export function compareNormalisedEmails(x: string, y: string): EmailComparison {
  if (x === y) return { score: 1, kind: 'exact' };
  if (isOneEditApart(x, y)) return { score: 0.7, kind: 'typo' };
  const lx = localPart(x);
  if (lx.length >= MIN_SHARED_LOCAL && lx === localPart(y)) return { score: 0.6, kind: 'similar' };
  return { score: 0, kind: 'different' };
}
