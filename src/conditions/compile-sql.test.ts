import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, toSqlTimestamp } from '../platform/db/duckdb.js';
import { join, raw, sql } from '../platform/db/sql.js';
import { conditionArbitraries, DAY_SCALE, type Person } from '../../test/support/condition-arbitraries.js';
import { refEvaluate } from '../../test/support/condition-reference.js';
import { parseCondition, type ConditionNode } from './ast.js';
import { ConditionCompiler } from './compile-sql.js';
import { evaluate } from './evaluate.js';

/*
 * The SQL compiler on the real engine against the plain reference (test/support) and the
 * in-memory evaluator: random people (traits, tags, events) and random conditions; the profiles
 * the compiled SQL selects must be exactly the ones both say satisfy the condition.
 */

const { now: NOW, offsetMs: OFFSET } = DAY_SCALE;
const { person, condition } = conditionArbitraries(DAY_SCALE);

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
            const clock = { now: NOW, offsetMs: OFFSET };
            const pids = (holds: (p: Person) => boolean): number[] =>
              people.flatMap((p, pid) => (holds(p) ? [pid] : []));
            const expected = pids((p) => refEvaluate(parsed.condition, p, clock));
            const evaluated = pids((p) =>
              evaluate(
                parsed.condition,
                { trait: (k) => p.traits[k], tag: (k) => p.tags[k], events: p.events },
                clock,
              ),
            );
            const selected = await select(parsed.condition);
            expect({ condition: json, evaluated, selected }).toEqual({
              condition: json,
              evaluated: expected,
              selected: expected,
            });
          }
        },
      ),
      { numRuns: 300, seed: 20261201 },
    );
  }, 120_000);
});
