import fc from 'fast-check';
import { VALUE_OPS } from '../../src/conditions/ast.js';
import type { RefEvent } from './condition-reference.js';

/*
 * Random conditions (as JSON, some invalid on purpose) and random people for the condition
 * property tests. A scale says which times, windows and dates they use: whole and half days for
 * the SQL test, seconds and minutes around a moving clock for the incremental one.
 */

export interface Person {
  traits: Record<string, unknown>;
  tags: Record<string, unknown>;
  events: RefEvent[];
}

export interface Scale {
  now: number;
  offsetMs: number;
  /** Event times. */
  ts: fc.Arbitrary<number>;
  /** Rolling windows of event conditions, and one date range. */
  windows: string[];
  range: { from: string; to: string };
  sequenceWithin: string[];
  /** Values a trait, a tag or a dated property may hold, and the dates before/after compare with. */
  dates: string[];
  comparedDates: string[];
  /** Durations for before/after (ago) and for within_last/birthday_within. */
  ago: string[];
  spans: string[];
  /** Property filters on sequence steps, and an `at` property holding dates. */
  stepFilters: boolean;
  datedEvents: boolean;
  /** Extra weight for the operators that read the clock, and for date values. */
  favourClock: boolean;
}

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 1, 4, 0, 0);
const DATES = [
  '1990-11-01',
  '1992-11-05',
  '2000-02-29',
  '1988-10-31',
  '2026-10-20',
  '2026-10-31T23:00:00+08:00',
  '2026-09-01T00:00:00Z',
  '2026-13-01',
  '--11-03',
  '--02-29',
  '--13-01',
  'not a date',
];

/** What the SQL test has always used. */
export const DAY_SCALE: Scale = {
  now: NOW,
  offsetMs: 8 * 3_600_000,
  // Whole days and half days from now, so window edges (1d, 7d, 30d, 12h) are hit exactly.
  ts: fc
    .constantFrom(-61, -31, -30, -29, -25, -8, -7, -6, -2, -1, 0, 1)
    .chain((d) => fc.constantFrom(0, 1, 12).map((h) => NOW + d * DAY + h * 3_600_000)),
  windows: ['1d', '7d', '30d', '12h'],
  range: { from: '2026-10-01T00:00:00+08:00', to: '2026-10-25T00:00:00Z' },
  sequenceWithin: ['1h', '1d', '10d'],
  dates: DATES,
  comparedDates: DATES.slice(0, 7),
  ago: ['30d', '400d', '12h'],
  spans: ['0d', '7d', '30d', '366d', '12h'],
  stepFilters: false,
  datedEvents: false,
  favourClock: false,
};

export const TEXTS = ['上海', '北京', 'a', 'ab', 'B', '', '10', '2.5', 'skincare', 'makeup', '𠀋', 'true'];
export const KEYS = ['city', 'level', 'birthday', 'points'];
export const EVENTS = ['Order Completed', 'Product Viewed', 'Checkout Started'];

export function conditionArbitraries(scale: Scale): {
  person: fc.Arbitrary<Person>;
  event: fc.Arbitrary<RefEvent>;
  condition: fc.Arbitrary<unknown>;
  /** A condition without all/any/not. */
  leaf: fc.Arbitrary<unknown>;
} {
  const text = fc.constantFrom(...TEXTS);
  const number = fc.oneof(
    fc.integer({ min: -3, max: 20 }),
    fc.integer({ min: -6, max: 40 }).map((n) => n / 2),
  );
  const scalar = fc.oneof(text, number, fc.boolean());
  const value = fc.oneof(
    { weight: 3, arbitrary: scalar },
    { weight: scale.favourClock ? 3 : 1, arbitrary: fc.constantFrom(...scale.dates) },
    { weight: 1, arbitrary: fc.array(text, { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constant({ nested: 1 }) },
  );
  const attributes = fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 4 });
  const event = fc.record({
    seq: fc.constant(0),
    event: fc.constantFrom(...EVENTS),
    ts: scale.ts,
    properties: fc.record(
      {
        category: fc.oneof(text, fc.array(text, { maxLength: 2 })),
        revenue: fc.oneof(number, text),
        tags: fc.array(text, { maxLength: 2 }),
        ...(scale.datedEvents ? { at: fc.constantFrom(...scale.dates) } : {}),
      },
      { requiredKeys: [] },
    ),
  });
  const person = fc.record({
    traits: attributes,
    tags: attributes,
    events: fc.array(event, { maxLength: 10 }),
  });

  const clockOps = ['before', 'after', 'within_last', 'birthday_within'] as const;
  const op = scale.favourClock
    ? fc.oneof(fc.constantFrom(...VALUE_OPS), fc.constantFrom(...clockOps))
    : fc.constantFrom(...VALUE_OPS);
  /** A comparison as JSON; some are invalid for their operator and must be refused by the parser. */
  const comparison = op.chain((o): fc.Arbitrary<Record<string, unknown>> => {
    switch (o) {
      case 'exists':
        return fc.record({ op: fc.constant(o), value: fc.boolean() });
      case 'in':
      case 'nin':
        return fc.record({ op: fc.constant(o), value: fc.array(scalar, { minLength: 1, maxLength: 3 }) });
      case 'between':
        return fc.record({
          op: fc.constant(o),
          value: fc.oneof(fc.tuple(number, number), fc.tuple(text, text)),
        });
      case 'before':
      case 'after':
        return fc.record({
          op: fc.constant(o),
          value: fc.oneof(fc.constantFrom(...scale.comparedDates), fc.constantFrom(...scale.ago)),
        });
      case 'within_last':
      case 'birthday_within':
        return fc.record({ op: fc.constant(o), value: fc.constantFrom(...scale.spans) });
      case 'contains':
        return fc.record({ op: fc.constant(o), value: text });
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        return fc.record({ op: fc.constant(o), value: fc.oneof(number, text) });
      case 'eq':
      case 'neq':
        return fc.record({ op: fc.constant(o), value: scalar });
    }
  });
  const numberComparison = fc.oneof(
    fc.record({
      op: fc.constantFrom('eq', 'neq', 'gt', 'gte', 'lt', 'lte'),
      value: fc.integer({ min: 0, max: 6 }),
    }),
    fc.record({
      op: fc.constant('between'),
      value: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 12 })),
    }),
  );
  const eventNames = fc.oneof(fc.constantFrom(...EVENTS), fc.subarray(EVENTS, { minLength: 1 }));
  const properties = ['category', 'revenue', 'tags', 'missing', ...(scale.datedEvents ? ['at'] : [])];
  const where = fc.array(
    comparison.chain((c) => fc.constantFrom(...properties).map((property) => ({ property, ...c }))),
    { maxLength: 2 },
  );
  const within = fc.option(fc.oneof(fc.constantFrom(...scale.windows), fc.constant(scale.range)), {
    nil: undefined,
  });

  const leaf = fc.oneof(
    comparison.chain((c) => fc.constantFrom(...KEYS).map((k) => ({ trait: k, ...c }))),
    comparison.chain((c) => fc.constantFrom(...KEYS).map((k) => ({ tag: k, ...c }))),
    fc.record(
      {
        event: eventNames,
        where,
        within,
        count: numberComparison,
      },
      { requiredKeys: ['event'] },
    ),
    fc
      .tuple(eventNames, where, within, fc.constantFrom('sum', 'avg', 'min', 'max'), numberComparison)
      .map(([e, w, win, fn, cmp]) => ({
        event: e,
        where: w,
        ...(win === undefined ? {} : { within: win }),
        [fn]: { property: 'revenue', ...cmp },
      })),
    fc.record({
      sequence: fc.array(
        fc.record({ event: eventNames, where: scale.stepFilters ? where : fc.constant([]) }),
        { minLength: 2, maxLength: 3 },
      ),
      within: fc.constantFrom(...scale.sequenceWithin),
      completed: fc.boolean(),
    }),
  );
  const condition: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('all'), tie('any'), tie('not')),
    all: fc.record({ all: fc.array(tie('node'), { maxLength: 3 }) }),
    any: fc.record({ any: fc.array(tie('node'), { maxLength: 3 }) }),
    not: fc.record({ not: tie('node') }),
  })).node;

  return { person, event, condition, leaf };
}
