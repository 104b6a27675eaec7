import { liveProfiles } from '../identity/index.js';
import type { Database } from '../platform/db/duckdb.js';
import { sql } from '../platform/db/sql.js';
import type { SegmentEngine } from './engine.js';
import { membersRelation } from './segment-store.js';

/**
 * TGI (target group index): how much more (or less) a segment's members hold a tag value than
 * everybody does. For a value v, TGI = 100 × (share of members with v) / (share of all live
 * profiles with v): 100 is "as everybody", 200 "twice as often". A multi-valued tag (interests)
 * counts a person once for each value they hold.
 */

export interface TgiValue {
  value: unknown;
  /** Members holding the value, and their share of the segment. */
  members: number;
  memberShare: number;
  /** Live profiles holding it, and their share of all live profiles. */
  population: number;
  populationShare: number;
  /** null when the segment is empty. */
  tgi: number | null;
}

export interface TgiReport {
  segmentId: string;
  tag: string;
  size: number;
  population: number;
  values: TgiValue[];
}

/**
 * The figures of each value from its counts: the highest TGI first, then the most members, then
 * the value. Values nobody holds never come here (their population count is above zero).
 */
export function tgiValues(
  counts: ReadonlyArray<{ value: unknown; members: number; population: number }>,
  size: number,
  population: number,
): TgiValue[] {
  return counts
    .map((c) => {
      const memberShare = size === 0 ? 0 : c.members / size;
      const populationShare = population === 0 ? 0 : c.population / population;
      return {
        value: c.value,
        members: c.members,
        memberShare,
        population: c.population,
        populationShare,
        tgi: size === 0 || populationShare === 0 ? null : (100 * memberShare) / populationShare,
      };
    })
    .sort(
      (a, b) =>
        (b.tgi ?? -1) - (a.tgi ?? -1) ||
        b.members - a.members ||
        JSON.stringify(a.value).localeCompare(JSON.stringify(b.value)),
    );
}

/** A segment's TGI on one tag: its members against all live profiles, value by value. */
export async function segmentTgi(
  db: Database,
  engine: SegmentEngine,
  workspaceId: string,
  segmentId: string,
  tag: string,
): Promise<TgiReport> {
  await engine.flush();
  const live = liveProfiles(workspaceId);
  const members = membersRelation(workspaceId, segmentId);
  const totals = sql`SELECT
      (SELECT count(*) FROM ${live})::DOUBLE AS population,
      (SELECT count(*) FROM ${members} m JOIN ${live} p USING (profile_id))::DOUBLE AS size`;
  const [t] = await db.query<{ population: number; size: number }>(totals.text, totals.params);
  const counts = sql`SELECT v.value, count(DISTINCT v.profile_id)::DOUBLE AS population,
        count(DISTINCT m.profile_id)::DOUBLE AS members
      FROM (SELECT profile_id,
                   unnest(CASE WHEN json_type(value) = 'ARRAY' THEN from_json(value, '["JSON"]')::VARCHAR[] ELSE [value] END) AS value
              FROM tag_values WHERE workspace_id = ${workspaceId} AND key = ${tag}) v
      JOIN ${live} p USING (profile_id)
      LEFT JOIN ${members} m USING (profile_id)
      GROUP BY v.value`;
  const rows = await db.query<{ value: string; population: number; members: number }>(
    counts.text,
    counts.params,
  );
  const size = t?.size ?? 0;
  const population = t?.population ?? 0;
  return {
    segmentId,
    tag,
    size,
    population,
    values: tgiValues(
      rows.map((r) => ({
        value: JSON.parse(r.value) as unknown,
        members: r.members,
        population: r.population,
      })),
      size,
      population,
    ),
  };
}
