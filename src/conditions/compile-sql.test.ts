import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, toSqlTimestamp } from '../platform/db/duckdb.js';
import { join, raw, sql } from '../platform/db/sql.js';
import { parseCondition, VALUE_OPS, type ConditionNode } from './ast.js';
import { ConditionCompiler } from './compile-sql.js';
import { evaluate, type FactEvent } from './evaluate.js';

/*
 * The SQL compiler against the in-memory evaluator on the real engine: random people (traits,
 * tags, events) and random conditions; the profiles the compiled SQL selects must be exactly the
 * ones the evaluator says satisfy the condition.
 */

const NOW = Date.UTC(2026, 10, 1, 4, 0, 0);
const DAY = 86_400_000;
const OFFSET = 8 * 3_600_000;

interface Person {
  traits: Record<string, unknown>;
  tags: Record<string, unknown>;
  events: FactEvent[];
}

const TEXTS = ['上海', '北京', 'a', 'ab', 'B', '', '10', '2.5', 'skincare', 'makeup', '𠀋', 'true'];
const DATES = [
  '1990-11-01',
  '1992-11-05',
  '2000-02-29',
  '1988-10-31',
  '2026-10-20',
  '2026-10-31T23:00:00+08:00',
  '2026-09-01T00:00:00Z',
  '2026-13-01',
  'not a date',
];
const text = fc.constantFrom(...TEXTS);
const number = fc.oneof(
  fc.integer({ min: -3, max: 20 }),
  fc.integer({ min: -6, max: 40 }).map((n) => n / 2),
);
const scalar = fc.oneof(text, number, fc.boolean());
const value = fc.oneof(
  { weight: 3, arbitrary: scalar },
  { weight: 1, arbitrary: fc.constantFrom(...DATES) },
  { weight: 1, arbitrary: fc.array(text, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constant({ nested: 1 }) },
);
const KEYS = ['city', 'level', 'birthday', 'points'];
const attributes = fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 4 });
const EVENTS = ['Order Completed', 'Product Viewed', 'Checkout Started'];
const event = fc.record({
  seq: fc.constant(0),
  event: fc.constantFrom(...EVENTS),
  // Whole days and half days from now, so window edges (1d, 7d, 30d, 12h) are hit exactly.
  ts: fc
    .constantFrom(-61, -31, -30, -29, -25, -8, -7, -6, -2, -1, 0, 1)
    .chain((d) => fc.constantFrom(0, 1, 12).map((h) => NOW + d * DAY + h * 3_600_000)),
  properties: fc.record(
    {
      category: fc.oneof(text, fc.array(text, { maxLength: 2 })),
      revenue: fc.oneof(number, text),
      tags: fc.array(text, { maxLength: 2 }),
    },
    { requiredKeys: [] },
  ),
});
const person = fc.record({
  traits: attributes,
  tags: attributes,
  events: fc.array(event, { maxLength: 10 }),
});

const op = fc.constantFrom(...VALUE_OPS);
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
        value: fc.oneof(fc.constantFrom(...DATES.slice(0, 7)), fc.constantFrom('30d', '400d', '12h')),
      });
    case 'within_last':
    case 'birthday_within':
      return fc.record({ op: fc.constant(o), value: fc.constantFrom('0d', '7d', '30d', '366d', '12h') });
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
const where = fc.array(
  comparison.chain((c) =>
    fc.constantFrom('category', 'revenue', 'tags', 'missing').map((property) => ({ property, ...c })),
  ),
  { maxLength: 2 },
);
const within = fc.option(
  fc.oneof(
    fc.constantFrom('1d', '7d', '30d', '12h'),
    fc.constant({ from: '2026-10-01T00:00:00+08:00', to: '2026-10-25T00:00:00Z' }),
  ),
  { nil: undefined },
);

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
      fc.record({ event: eventNames, where: fc.array(where, { maxLength: 0 }).map(() => []) }),
      { minLength: 2, maxLength: 3 },
    ),
    within: fc.constantFrom('1h', '1d', '10d'),
    completed: fc.boolean(),
  }),
);
const condition: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('all'), tie('any'), tie('not')),
  all: fc.record({ all: fc.array(tie('node'), { maxLength: 3 }) }),
  any: fc.record({ any: fc.array(tie('node'), { maxLength: 3 }) }),
  not: fc.record({ not: tie('node') }),
})).node;

describe('compiled conditions agree with the evaluator', () => {
  let db: Database;
  beforeAll(async () => {
    db = await Database.open(':memory:');
  });
  afterAll(async () => {
    await db.close();
  });

  async function load(people: Person[]): Promise<void> {
    await db.run('CREATE OR REPLACE TABLE people (pid INTEGER, traits VARCHAR, tags VARCHAR)');
    await db.run(
      'CREATE OR REPLACE TABLE facts (pid INTEGER, seq BIGINT, event VARCHAR, ts TIMESTAMP, properties VARCHAR)',
    );
    let seq = 0;
    for (let pid = 0; pid < people.length; pid++) {
      const p = people[pid]!;
      await db.run('INSERT INTO people VALUES (?, ?, ?)', [
        pid,
        JSON.stringify(p.traits),
        JSON.stringify(p.tags),
      ]);
      for (const e of p.events) {
        e.seq = ++seq;
        await db.run('INSERT INTO facts VALUES (?, ?, ?, ?::TIMESTAMP, ?)', [
          pid,
          e.seq,
          e.event,
          toSqlTimestamp(e.ts),
          JSON.stringify(e.properties),
        ]);
      }
    }
  }

  async function select(c: ConditionNode): Promise<number[]> {
    const compiler = new ConditionCompiler({
      facts: raw('facts'),
      now: NOW,
      offsetMs: OFFSET,
      trait: (k) => raw(`json_extract(p.traits, '$.${k}')`),
      tag: (k) => raw(`json_extract(p.tags, '$.${k}')`),
    });
    const predicate = compiler.compile(c);
    const aggs = compiler.aggregates.map((a) => sql`${a.expr} AS ${raw(a.name)}`);
    const seqs = compiler.sequences.map(
      (s) => sql`LEFT JOIN ${s.query} ${raw(s.name)} ON ${raw(s.name)}.pid = p.pid`,
    );
    const q = sql`WITH agg AS (SELECT f.pid${raw(aggs.length ? ', ' : '')}${join(aggs, ', ')} FROM facts f GROUP BY f.pid)
      SELECT p.pid FROM people p LEFT JOIN agg ON agg.pid = p.pid ${join(seqs, ' ')} WHERE ${predicate} ORDER BY p.pid`;
    const rows = await db.query<{ pid: number }>(q.text, q.params);
    return rows.map((r) => r.pid);
  }

  it('on random people and conditions (several seeds)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(person, { minLength: 3, maxLength: 10 }),
        fc.array(condition, { minLength: 1, maxLength: 4 }),
        async (people, conditions) => {
          await load(people);
          for (const json of conditions) {
            const parsed = parseCondition(json);
            if (!parsed.ok) continue;
            const expected = people
              .map((p, pid) => ({ p, pid }))
              .filter(({ p }) =>
                evaluate(
                  parsed.condition,
                  { trait: (k) => p.traits[k], tag: (k) => p.tags[k], events: p.events },
                  { now: NOW, offsetMs: OFFSET },
                ),
              )
              .map(({ pid }) => pid);
            expect({ condition: json, pids: await select(parsed.condition) }).toEqual({
              condition: json,
              pids: expected,
            });
          }
        },
      ),
      { numRuns: 300, seed: 20261201 },
    );
  }, 120_000);
});
