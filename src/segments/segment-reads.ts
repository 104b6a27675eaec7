import { parseCondition, type ConditionIssue } from '../conditions/index.js';
import { syncFacts } from '../profiles/index.js';
import type { Database } from '../platform/db/duckdb.js';
import { sql } from '../platform/db/sql.js';
import { readAudience, type AudienceColumns } from './audience.js';
import type { SegmentEngine } from './engine.js';
import { segmentQuery } from './segment-sql.js';
import { memberPage, membersRelation, overlapCounts, sizeHistory } from './segment-store.js';

/** What people read of segments: previews, member pages with traits, sizes over time, overlaps. */

export type PreviewResult =
  | { ok: true; value: { count: number; sample: Array<{ profileId: string }>; millis: number } }
  | { ok: false; issues: ConditionIssue[] };

/** How many profiles a condition holds for now, and a sample of them; nothing is stored. */
export async function previewCondition(
  db: Database,
  engine: SegmentEngine,
  ws: string,
  input: unknown,
  sampleSize: number,
  settle: () => Promise<void>,
): Promise<PreviewResult> {
  const parsed = parseCondition(input, 'condition');
  if (!parsed.ok) return parsed;
  const started = performance.now();
  await settle();
  const side = await db.side();
  try {
    await syncFacts(side, ws);
    const q = segmentQuery(engine.sqlContext(ws), parsed.condition);
    // Evaluated once; the count and the sample are read from the result.
    const create = sql`CREATE OR REPLACE TEMP TABLE segment_preview AS SELECT profile_id FROM (${q})`;
    await side.run(create.text, create.params);
    const n =
      (await side.query<{ n: number }>('SELECT count(*)::DOUBLE AS n FROM segment_preview'))[0]?.n ?? 0;
    const rows = await side.query<{ profile_id: string }>(
      'SELECT profile_id FROM segment_preview ORDER BY hash(profile_id), profile_id LIMIT ?',
      [sampleSize],
    );
    return {
      ok: true,
      value: {
        count: n,
        sample: rows.map((r) => ({ profileId: r.profile_id })),
        millis: Math.round(performance.now() - started),
      },
    };
  } finally {
    side.close();
  }
}

/** One page of members (profile-id order) with the traits and tags asked for. */
export async function membersWithValues(
  db: Database,
  engine: SegmentEngine,
  ws: string,
  segmentId: string,
  options: { after: string | null; limit: number; traits: string[]; tags: string[] },
) {
  await engine.flush();
  const page = await memberPage(db, ws, segmentId, options);
  const values = new Map<string, { traits: Record<string, unknown>; tags: Record<string, unknown> }>();
  if (page.length > 0 && options.traits.length + options.tags.length > 0) {
    const ids = JSON.stringify(page.map((p) => p.profile_id));
    const columns: AudienceColumns = { identifiers: [], traits: options.traits, tags: options.tags };
    await readAudience(
      db,
      engine.sqlContext(ws),
      sql`(SELECT unnest(from_json(${ids}, '["VARCHAR"]')) AS profile_id)`,
      columns,
      (rows) => rows.forEach((r) => values.set(r.profileId, { traits: r.traits, tags: r.tags })),
    );
  }
  return {
    members: page.map((p) => ({
      profileId: p.profile_id,
      enteredAt: p.entered_at,
      ...(values.get(p.profile_id) ?? {}),
    })),
    next: page.length === options.limit ? page[page.length - 1]!.profile_id : null,
  };
}

export async function sizes(db: Database, engine: SegmentEngine, ws: string, id: string, limit: number) {
  await engine.flush();
  return sizeHistory(db, ws, id, limit);
}

export async function overlap(db: Database, engine: SegmentEngine, ws: string, a: string, b: string) {
  await engine.flush();
  const c = await overlapCounts(db, ws, a, b);
  const union = c.a + c.b - c.both;
  return {
    a: { id: a, size: c.a, only: c.a - c.both },
    b: { id: b, size: c.b, only: c.b - c.both },
    both: c.both,
    union,
    jaccard: union === 0 ? 0 : c.both / union,
  };
}

/** The segments a profile is in now, with when it entered. */
export async function profileSegments(db: Database, engine: SegmentEngine, ws: string, profileId: string) {
  await engine.flush();
  const rows = await db.query<{ segment_id: string; entered_at: string }>(
    `SELECT segment_id, strftime(entered_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS entered_at FROM segment_members
      WHERE workspace_id = ? AND profile_id = ? ORDER BY entered_at`,
    [ws, profileId],
  );
  return rows.flatMap((r) => {
    const s = engine.get(ws, r.segment_id);
    return s && s.status === 'active'
      ? [{ id: s.id, name: s.name, kind: s.kind, enteredAt: r.entered_at }]
      : [];
  });
}

export { membersRelation };
