import { assertNever } from '../../src/platform/errors.js';
import type { Comparison, ConditionNode, EventNode, SequenceStep } from '../../src/conditions/ast.js';

/*
 * The condition language the plain way, written from docs/tags.md ("Value rules", "Event
 * conditions", "Sequences") and the rules at the top of src/conditions/values.ts, without their
 * code: what the SQL compiler, evaluate() and the incremental evaluator are compared with.
 * Slow on purpose: a sequence tries every combination of events.
 */

export interface RefEvent {
  seq: number;
  event: string | null;
  ts: number;
  properties: Record<string, unknown>;
}

export interface RefPerson {
  traits: Record<string, unknown>;
  tags: Record<string, unknown>;
  events: readonly RefEvent[];
  segments?: ReadonlySet<string>;
}

export interface RefClock {
  now: number;
  /** The workspace's offset from UTC, for birthdays. */
  offsetMs: number;
}

const DAY = 86_400_000;

export function refDuration(text: string): number {
  const m = /^(\d+)([smhd])$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  const unit = { s: 1000, m: 60 * 1000, h: 60 * 60 * 1000, d: DAY }[m[2] as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

/** An ISO date or date-time (no offset: UTC) as epoch ms; a date that does not exist is none. */
export function refDate(text: string): number | null {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(
      text,
    );
  if (!m) return null;
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = m.slice(1, 7).map((x) => Number(x ?? 0));
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  // setUTCFullYear, unlike Date.UTC, keeps years 0-99 as they are.
  const utc = new Date(0);
  utc.setUTCFullYear(y, mo - 1, d);
  utc.setUTCHours(h, mi, s, ms);
  // Dates roll 31 April over to 1 May; a real date survives the round trip.
  const real = utc.getUTCFullYear() === y && utc.getUTCMonth() === mo - 1 && utc.getUTCDate() === d;
  if (!real || h > 23 || mi > 59 || s > 59) return null;
  const zone = m[8];
  if (!zone || zone === 'Z') return utc.getTime();
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return utc.getTime() - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

/** A number, or a string holding a plain decimal; anything else is not a number. */
export function refNumber(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d{1,20}(\.\d{1,20})?$/.test(v)) return Number(v);
  return null;
}

function codePointOrder(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < x.length && i < y.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

function same(v: unknown, x: unknown): boolean {
  if (typeof x === 'number') return refNumber(v) === x;
  return typeof v === typeof x && v === x;
}

/** Negative, zero or positive; null when the two do not compare (a string with a number, …). */
function compare(v: unknown, x: unknown): number | null {
  if (typeof x === 'number') {
    const n = refNumber(v);
    return n === null ? null : n - x;
  }
  if (typeof x === 'string' && typeof v === 'string') return codePointOrder(v, x);
  return null;
}

/** A birthday's month and day: a date (`YYYY-MM-DD…`) or a date without its year (`--MM-DD`). */
function birthdayOf(v: string): [number, number] | null {
  const yearless = /^--(\d\d)-(\d\d)$/.exec(v);
  if (yearless) {
    const [m, d] = [Number(yearless[1]), Number(yearless[2])];
    return m >= 1 && m <= 12 && d >= 1 && d <= [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!
      ? [m, d]
      : null;
  }
  return refDate(v) === null ? null : [Number(v.slice(5, 7)), Number(v.slice(8, 10))];
}

/** Whether the birthday falls within `days` days from today's local date. */
function birthdaySoon(birthday: string, clock: RefClock, days: number): boolean {
  const [month, day] = birthdayOf(birthday)!;
  const local = new Date(clock.now + clock.offsetMs);
  const today = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  for (let year = local.getUTCFullYear(); year <= local.getUTCFullYear() + 2; year++) {
    const leap = new Date(Date.UTC(year, 1, 29)).getUTCMonth() === 1;
    // In other years a 29 February birthday is kept on the 28th.
    const at = month === 2 && day === 29 && !leap ? Date.UTC(year, 1, 28) : Date.UTC(year, month - 1, day);
    const ahead = (at - today) / DAY;
    if (ahead >= 0 && ahead <= Math.min(days, 366)) return true;
  }
  return false;
}

export function refCompare(v: unknown, c: Comparison, clock: RefClock): boolean {
  const absent = v === null || v === undefined;
  const isList = Array.isArray(v);
  const x = c.value;
  const dateOf = (): number | null => (typeof v === 'string' ? refDate(v) : null);
  switch (c.op) {
    case 'exists':
      return (!absent && !(isList && v.length === 0)) === x;
    case 'eq':
      return !absent && !isList && same(v, x);
    case 'neq':
      return absent || isList || !same(v, x);
    case 'in':
    case 'nin': {
      const elements: unknown[] = absent ? [] : isList ? v : [v];
      const found = elements.some((e) => (x as unknown[]).some((y) => same(e, y)));
      return c.op === 'in' ? found : !found;
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const d = absent || isList ? null : compare(v, x);
      if (d === null) return false;
      return { gt: d > 0, gte: d >= 0, lt: d < 0, lte: d <= 0 }[c.op];
    }
    case 'between': {
      const [lo, hi] = x as [unknown, unknown];
      const a = absent || isList ? null : compare(v, lo);
      const b = absent || isList ? null : compare(v, hi);
      return a !== null && b !== null && a >= 0 && b <= 0;
    }
    case 'contains':
      if (isList) return v.some((e) => e === x);
      return typeof v === 'string' && v.includes(x as string);
    case 'before':
    case 'after': {
      const t = dateOf();
      if (t === null) return false;
      const text = x as string;
      const point = /^\d+[smhd]$/.test(text) ? clock.now - refDuration(text) : refDate(text)!;
      return c.op === 'before' ? t < point : t > point;
    }
    case 'within_last': {
      const t = dateOf();
      return t !== null && clock.now - refDuration(x as string) <= t && t <= clock.now;
    }
    case 'birthday_within':
      return (
        typeof v === 'string' &&
        birthdayOf(v) !== null &&
        birthdaySoon(v, clock, Math.floor(refDuration(x as string) / DAY))
      );
    default:
      return assertNever(c.op);
  }
}

function property(properties: unknown, path: string): unknown {
  let cur = properties;
  for (const part of path.split('.')) {
    if (Array.isArray(cur)) cur = /^\d+$/.test(part) ? (cur[Number(part)] as unknown) : undefined;
    else if (cur !== null && typeof cur === 'object') cur = (cur as Record<string, unknown>)[part];
    else return undefined;
  }
  return cur;
}

export function refMatches(e: RefEvent, step: SequenceStep, clock: RefClock): boolean {
  if (e.event === null || !step.events.includes(e.event)) return false;
  return step.where.every((f) => refCompare(property(e.properties, f.property), f, clock));
}

/** The numeric value an event condition measures on one event (null: none). */
export function refMeasured(e: RefEvent, c: EventNode): number | null {
  return c.measure.property === null ? null : refNumber(property(e.properties, c.measure.property));
}

export function refInWindow(ts: number, c: EventNode, now: number): boolean {
  const w = c.within;
  switch (w.kind) {
    case 'all_time':
      return true;
    case 'last':
      return now - w.ms <= ts && ts <= now;
    case 'range':
      return w.from <= ts && ts < w.to;
    default:
      return assertNever(w);
  }
}

function refEvent(c: EventNode, events: readonly RefEvent[], clock: RefClock): boolean {
  const hits = events.filter((e) => refInWindow(e.ts, c, clock.now) && refMatches(e, c, clock));
  const numbers = hits.map((e) => refMeasured(e, c)).filter((n): n is number => n !== null);
  const total = numbers.reduce((s, n) => s + n, 0);
  const measured = {
    count: hits.length,
    sum: total,
    avg: numbers.length ? total / numbers.length : null,
    min: numbers.length ? Math.min(...numbers) : null,
    max: numbers.length ? Math.max(...numbers) : null,
  }[c.measure.fn];
  if (measured === null) return false;
  const x = c.measure.value;
  switch (c.measure.op) {
    case 'between':
      return measured >= (x as number[])[0]! && measured <= (x as number[])[1]!;
    case 'eq':
      return measured === x;
    case 'neq':
      return measured !== x;
    case 'gt':
      return measured > (x as number);
    case 'gte':
      return measured >= (x as number);
    case 'lt':
      return measured < (x as number);
    case 'lte':
      return measured <= (x as number);
    default:
      return assertNever(c.measure.op);
  }
}

const after = (a: RefEvent, b: RefEvent): boolean => a.ts > b.ts || (a.ts === b.ts && a.seq > b.seq);

/** Whether some choice of one event per later step, each after the one before, ends within `ms` of `first`. */
function finishes(first: RefEvent, rest: readonly RefEvent[][], ms: number): boolean {
  const go = (prev: RefEvent, step: number): boolean =>
    step === rest.length
      ? prev.ts - first.ts <= ms
      : rest[step]!.some((e) => after(e, prev) && go(e, step + 1));
  return go(first, 0);
}

export function refEvaluate(c: ConditionNode, person: RefPerson, clock: RefClock): boolean {
  switch (c.kind) {
    case 'all':
      return c.of.every((x) => refEvaluate(x, person, clock));
    case 'any':
      return c.of.some((x) => refEvaluate(x, person, clock));
    case 'not':
      return !refEvaluate(c.of, person, clock);
    case 'const':
      return c.value;
    case 'trait':
      return refCompare(person.traits[c.key], c, clock);
    case 'tag':
      return refCompare(person.tags[c.key], c, clock);
    case 'segment':
      return person.segments?.has(c.id) ?? false;
    case 'event':
      return refEvent(c, person.events, clock);
    case 'sequence': {
      const [first, ...rest] = c.steps.map((s) => person.events.filter((e) => refMatches(e, s, clock)));
      return first!.some((start) =>
        c.completed
          ? finishes(start, rest, c.withinMs)
          : !finishes(start, rest, c.withinMs) && start.ts + c.withinMs <= clock.now,
      );
    }
    default:
      return assertNever(c);
  }
}
