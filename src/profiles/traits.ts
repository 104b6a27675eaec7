import { z } from 'zod';
import { join, raw, sql, type Sql } from '../platform/db/sql.js';

/**
 * Profile traits (what identify calls and imports say about a person) merged over all the
 * person's identifiers by a policy per trait: the latest value wins (default), the first value
 * wins, or the value from the most trusted source wins (then the latest from it).
 */

export const traitPolicySchema = z.strictObject({
  policy: z.enum(['latest', 'first', 'source_priority']),
  /** source_priority: source names or ids, most trusted first; unlisted sources come last. */
  sources: z.array(z.string().min(1).max(200)).max(50).default([]),
});
export type TraitPolicy = z.infer<typeof traitPolicySchema>;

export const TRAIT_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

const LATEST: TraitPolicy = { policy: 'latest', sources: [] };

/** One event's traits as the merge sees them. */
export interface TraitObservation {
  seq: number;
  ts: number;
  sourceId: string | null;
  traits: Record<string, unknown>;
}

export interface MergedTrait {
  value: unknown;
  sourceId: string | null;
  at: number;
}

/** Rank of a source under a policy: higher is more trusted, 0 for unlisted. */
export function sourceRank(
  policy: TraitPolicy,
  sourceId: string | null,
  sourceIds: readonly string[][],
): number {
  if (policy.policy !== 'source_priority' || sourceId === null) return 0;
  const i = sourceIds.findIndex((ids) => ids.includes(sourceId));
  return i < 0 ? 0 : sourceIds.length - i;
}

const present = (v: unknown): boolean => v !== undefined && v !== null;

/**
 * Merges every trait of a person. `resolveSources(policy)` gives, per listed source, the ids it
 * names (a name may match several sources).
 */
export function mergeTraits(
  observations: readonly TraitObservation[],
  policies: Readonly<Record<string, TraitPolicy>>,
  resolveSources: (policy: TraitPolicy) => string[][],
): Record<string, MergedTrait> {
  const out: Record<string, MergedTrait & { rank: number; seq: number }> = {};
  const ranks = new Map<string, string[][]>();
  for (const o of observations) {
    for (const [key, value] of Object.entries(o.traits)) {
      if (!present(value) || !TRAIT_KEY.test(key)) continue;
      const policy = policies[key] ?? LATEST;
      let ids = ranks.get(key);
      if (!ids) ranks.set(key, (ids = resolveSources(policy)));
      const rank = sourceRank(policy, o.sourceId, ids);
      const cur = out[key];
      const later = cur === undefined || o.ts > cur.at || (o.ts === cur.at && o.seq > cur.seq);
      const wins =
        cur === undefined ||
        (policy.policy === 'first'
          ? !later
          : policy.policy === 'latest'
            ? later
            : rank > cur.rank || (rank === cur.rank && later));
      if (wins) out[key] = { value, sourceId: o.sourceId, at: o.ts, rank, seq: o.seq };
    }
  }
  return Object.fromEntries(
    Object.entries(out).map(([k, v]) => [k, { value: v.value, sourceId: v.sourceId, at: v.at }]),
  );
}

/** The (time, seq) order of facts as one number SQL can arg_max over. */
export const factOrder = (alias: string): Sql =>
  raw(`(epoch_us(${alias}.ts)::HUGEINT * 1099511627776 + ${alias}.seq)`);

/**
 * The merged value of one trait as an aggregate over a profile's facts (`f`), as JSON text.
 * `sourceIds` as from `resolveSources`.
 */
export function traitAggregate(
  key: string,
  policy: TraitPolicy,
  sourceIds: readonly string[][],
  /** What to take from the winning fact (default: the value as JSON text), e.g. its time. */
  pick?: Sql,
  /** The trait's JSON value in the fact row, when the caller extracted it already. */
  extracted?: Sql,
): Sql {
  if (!TRAIT_KEY.test(key)) throw new Error(`not a trait key: ${key}`);
  const value = extracted ?? raw(`json_extract(f.traits, '$.${key}')`);
  const has = sql`${value} IS NOT NULL AND json_type(${value}) <> 'NULL'`;
  const order = factOrder('f');
  const cast = pick ? raw('') : raw('::VARCHAR');
  const taken = pick ?? value;
  switch (policy.policy) {
    case 'latest':
      return sql`arg_max(${taken}, ${order}) FILTER (WHERE ${has})${cast}`;
    case 'first':
      return sql`arg_min(${taken}, ${order}) FILTER (WHERE ${has})${cast}`;
    case 'source_priority': {
      const cases = sourceIds.flatMap((ids, i) =>
        ids.length === 0
          ? []
          : [
              sql`WHEN f.source_id IN (${join(
                ids.map((v) => sql`${v}`),
                ', ',
              )}) THEN ${sourceIds.length - i}`,
            ],
      );

      const rank = cases.length === 0 ? raw('0') : sql`(CASE ${join(cases, ' ')} ELSE 0 END)`;
      return sql`arg_max(${taken}, ${rank}::HUGEINT * ${raw('(1::HUGEINT << 100)')} + ${order}) FILTER (WHERE ${has})${cast}`;
    }
  }
}
