import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conditionArbitraries, DAY_SCALE, type Person } from '../../test/support/condition-arbitraries.js';
import { refEvaluate } from '../../test/support/condition-reference.js';
import { parseCondition } from '../conditions/index.js';
import { Database, toSqlTimestamp } from '../platform/db/duckdb.js';
import { migrate } from '../platform/db/migrations.js';
import { segmentQuery } from './segment-sql.js';

/*
 * A segment's whole query on the real tables (live profiles, profile facts with the people's own
 * traits in identify facts, computed traits, tag values) against the plain reference evaluator:
 * the profiles it selects must be exactly those the reference says the condition holds for.
 */

const WS = 'ws_test';
const { person, condition } = conditionArbitraries(DAY_SCALE);
/** Read from the computed traits; the other keys are the people's own traits. */
const COMPUTED = new Set(['points']);

describe('segment queries agree with the reference', () => {
  let db: Database;
  beforeAll(async () => {
    db = await Database.open(':memory:');
    await migrate(db);
  });
  afterAll(async () => {
    await db.close();
  });

  async function load(people: Person[]): Promise<void> {
    for (const t of ['identity_profiles', 'profile_facts', 'trait_values', 'tag_values'])
      await db.run(`DELETE FROM ${t}`);
    let seq = 0;
    for (const [pid, p] of people.entries()) {
      const id = `prof_${pid}`;
      await db.run(
        'INSERT INTO identity_profiles (workspace_id, ordinal, profile_id, created_at) VALUES (?, ?, ?, now())',
        [WS, pid, id],
      );
      const own = Object.fromEntries(Object.entries(p.traits).filter(([k]) => !COMPUTED.has(k)));
      const fact = (event: string | null, ts: number, properties: unknown, traits: unknown) =>
        db.run('INSERT INTO profile_facts VALUES (?, ?, ?, NULL, ?, ?, ?::TIMESTAMP, ?, NULL, ?, ?)', [
          WS,
          ++seq,
          pid,
          pid,
          event,
          toSqlTimestamp(ts),
          'src_test',
          properties === null ? null : JSON.stringify(properties),
          traits === null ? null : JSON.stringify(traits),
        ]);
      if (Object.keys(own).length > 0) await fact(null, DAY_SCALE.now - 400 * 86_400_000, null, own);
      for (const e of p.events) {
        e.seq = seq + 1;
        await fact(e.event, e.ts, e.properties, null);
      }
      for (const [k, v] of Object.entries(p.traits))
        if (COMPUTED.has(k) && v !== null)
          await db.run('INSERT INTO trait_values VALUES (?, ?, ?, ?)', [WS, k, id, JSON.stringify(v)]);
      for (const [k, v] of Object.entries(p.tags))
        if (v !== null)
          await db.run('INSERT INTO tag_values VALUES (?, ?, ?, ?)', [WS, k, id, JSON.stringify(v)]);
    }
  }

  it('on random people and conditions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(person, { minLength: 2, maxLength: 8 }),
        fc.array(condition, { minLength: 1, maxLength: 4 }),
        async (people, conditions) => {
          await load(people);
          for (const json of conditions) {
            const parsed = parseCondition(json);
            if (!parsed.ok) continue;
            const clock = { now: DAY_SCALE.now, offsetMs: DAY_SCALE.offsetMs };
            const expected = people.flatMap((p, pid) =>
              refEvaluate(parsed.condition, p, clock) ? [`prof_${pid}`] : [],
            );
            const q = segmentQuery(
              {
                workspaceId: WS,
                now: clock.now,
                offsetMs: clock.offsetMs,
                computedTraits: COMPUTED,
                policy: () => ({ policy: 'latest', sources: [] }),
                resolveSources: () => [],
              },
              parsed.condition,
            );
            const rows = await db.query<{ profile_id: string }>(
              `SELECT profile_id FROM (${q.text}) ORDER BY pid`,
              q.params,
            );
            expect({ condition: json, selected: rows.map((r) => r.profile_id) }).toEqual({
              condition: json,
              selected: expected,
            });
          }
        },
      ),
      { numRuns: 150, seed: 20261201 },
    );
  }, 120_000);
});
