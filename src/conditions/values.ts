import { assertNever } from '../platform/errors.js';
import { DURATION, durationMs, ISO_DATE, type Comparison, type NumberOp, type Scalar } from './ast.js';

/**
 * What a comparison means, in plain code: the in-memory evaluator runs this, and the SQL compiler
 * (compile-sql.ts) is tested against it. A value is what a trait, a tag or an event property
 * holds: JSON (null or absent, a string, a number, a boolean, a list, an object).
 *
 * - A number compares with numbers and with strings written as plain decimals ("1200").
 * - A string compares with strings only, in character (code point) order.
 * - A boolean compares with booleans only.
 * - Absent: every comparison is false except `exists: false`, `neq` and `nin` (a profile without
 *   a city is not in 上海).
 * - A list: `contains`, `in`, `nin` and `exists` look at its elements; other comparisons are false.
 */
export type Value =
  null | undefined | string | number | boolean | readonly unknown[] | { readonly [k: string]: unknown };

export const DAY = 86_400_000;

/** Plain decimals that count as numbers when a string is compared with a number. */
export const NUMERIC_TEXT = /^-?\d{1,20}(\.\d{1,20})?$/;

export function asNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && NUMERIC_TEXT.test(v)) return Number(v);
  return null;
}

/** Code point order (what SQL's byte-wise UTF-8 comparison gives), not UTF-16 unit order. */
export function compareText(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** ISO date or date-time → epoch ms; no offset means UTC. Anything else → null. */
export function isoToMs(text: string): number | null {
  if (!ISO_DATE.test(text)) return null;
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|([+-])(\d{2}):?(\d{2}))?)?$/.exec(
      text,
    )!;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone, sign, oh = '0', om = '0'] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(Number(y), month)) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  // Date.UTC reads years 0–99 as 1900–1999; the year is set on its own so 0050 stays 50 (as in SQL).
  const at = new Date(
    Date.UTC(2000, month - 1, day, Number(h), Number(mi), Number(s), Number(frac.padEnd(3, '0').slice(0, 3))),
  );
  at.setUTCFullYear(Number(y), month - 1, day);
  let ms = at.getTime();
  if (zone && zone !== 'Z') ms -= (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  return ms;
}

export function daysInMonth(year: number, month: number): number {
  const at = new Date(Date.UTC(2000, 0, 1));
  at.setUTCFullYear(year, month, 0);
  return at.getUTCDate();
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * The month-days (`MM-DD`) of the coming `days` days from the local date of `now` (today counts
 * as day 0). A 29 February birthday is celebrated on the 28th in other years.
 */
export function birthdayWindow(now: number, offsetMs: number, days: number): Set<string> {
  const out = new Set<string>();
  const start = new Date(now + offsetMs);
  const base = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
  for (let i = 0; i <= Math.min(days, 366); i++) {
    const d = new Date(base + i * DAY);
    const md = `${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
    out.add(md);
    if (md === '02-28' && !isLeap(d.getUTCFullYear())) out.add('02-29');
  }
  return out;
}

/** Month and day of a yearless date (`--MM-DD`, ISO 8601, as birthdays are often kept). */
export const YEARLESS_DATE = /^--(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A birthday's `MM-DD`: from a date or date-time, or from a yearless `--MM-DD`; null when neither. */
export function birthdayMonthDay(v: string): string | null {
  if (YEARLESS_DATE.test(v)) {
    const m = Number(v.slice(2, 4));
    const d = Number(v.slice(5, 7));
    return d <= daysInMonth(2000, m) ? v.slice(2, 7) : null;
  }
  return isoToMs(v) === null ? null : v.slice(5, 10);
}

/** A point in time a `before`/`after` value names: an ISO date or a duration ago. */
export function pointInTime(v: string, now: number): number {
  return DURATION.test(v) ? now - durationMs(v) : isoToMs(v)!;
}

function scalarEquals(v: unknown, x: Scalar): boolean {
  if (typeof x === 'number') return asNumber(v) === x;
  if (typeof x === 'string') return typeof v === 'string' && v === x;
  return typeof v === 'boolean' && v === x;
}

function order(v: unknown, x: string | number): number | null {
  if (typeof x === 'number') {
    const n = asNumber(v);
    return n === null ? null : n - x;
  }
  return typeof v === 'string' ? compareText(v, x) : null;
}

export interface CompareContext {
  now: number;
  /** The workspace's offset from UTC (birthdays fall on local dates). */
  offsetMs: number;
}

/** Whether `v` satisfies the comparison. */
export function compareValue(v: unknown, c: Comparison, ctx: CompareContext): boolean {
  const absent = v === null || v === undefined;
  const list = Array.isArray(v) ? (v as unknown[]) : null;
  switch (c.op) {
    case 'exists': {
      const present = !absent && (list === null || list.length > 0);
      return present === (c.value as boolean);
    }
    case 'eq':
      return list === null && !absent && scalarEquals(v, c.value as Scalar);
    case 'neq':
      return !(list === null && !absent && scalarEquals(v, c.value as Scalar));
    case 'in':
    case 'nin': {
      const xs = c.value as Scalar[];
      const hit = absent ? false : (list ?? [v]).some((e) => xs.some((x) => scalarEquals(e, x)));
      return c.op === 'in' ? hit : !hit;
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      if (list !== null || absent) return false;
      const d = order(v, c.value as string | number);
      if (d === null) return false;
      return c.op === 'gt' ? d > 0 : c.op === 'gte' ? d >= 0 : c.op === 'lt' ? d < 0 : d <= 0;
    }
    case 'between': {
      if (list !== null || absent) return false;
      const [lo, hi] = c.value as [string | number, string | number];
      const a = order(v, lo);
      const b = order(v, hi);
      return a !== null && b !== null && a >= 0 && b <= 0;
    }
    case 'contains': {
      const x = c.value as string;
      if (list !== null) return list.some((e) => typeof e === 'string' && e === x);
      return typeof v === 'string' && v.includes(x);
    }
    case 'before':
    case 'after': {
      const t = typeof v === 'string' ? isoToMs(v) : null;
      if (t === null) return false;
      const at = pointInTime(c.value as string, ctx.now);
      return c.op === 'before' ? t < at : t > at;
    }
    case 'within_last': {
      const t = typeof v === 'string' ? isoToMs(v) : null;
      return t !== null && t >= ctx.now - durationMs(c.value as string) && t <= ctx.now;
    }
    case 'birthday_within': {
      const md = typeof v === 'string' ? birthdayMonthDay(v) : null;
      if (md === null) return false;
      const days = Math.floor(durationMs(c.value as string) / DAY);
      return birthdayWindow(ctx.now, ctx.offsetMs, days).has(md);
    }
    default:
      return assertNever(c.op);
  }
}

/** A measured number (count, sum, avg…) against a numeric comparison; no number → false. */
export function compareNumber(n: number | null, op: NumberOp, value: number | [number, number]): boolean {
  if (n === null) return false;
  switch (op) {
    case 'eq':
      return n === value;
    case 'neq':
      return n !== value;
    case 'gt':
      return n > (value as number);
    case 'gte':
      return n >= (value as number);
    case 'lt':
      return n < (value as number);
    case 'lte':
      return n <= (value as number);
    case 'between': {
      const [lo, hi] = value as [number, number];
      return n >= lo && n <= hi;
    }
    default:
      return assertNever(op);
  }
}

/** A property of an event by dotted path (`products.0.category`). */
export function propertyAt(properties: unknown, path: string): unknown {
  let cur: unknown = properties;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(part)) return undefined;
      cur = cur[Number(part)];
    } else cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
