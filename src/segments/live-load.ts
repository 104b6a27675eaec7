import {
  ConditionCompiler,
  jsonNumber,
  dialect,
  type ConditionNode,
  type IncrementalCondition,
  type LiveState,
} from '../conditions/index.js';
import { liveProfiles } from '../identity/index.js';
import { factsRelation, syncFacts, traitAggregate } from '../profiles/index.js';
import type { SideConnection } from '../platform/db/duckdb.js';
import { toSqlTimestamp } from '../platform/db/duckdb.js';
import { join, raw, sql, type Sql } from '../platform/db/sql.js';
import { assertNever } from '../platform/errors.js';
import type { LiveLoad } from './live-segments.js';
import type { LiveValues } from './live-values.js';
import { segmentQuery, type SegmentSqlContext } from './segment-sql.js';

/**
 * Seeds a live segment from the store: its members (the batch query), the values its trait and
 * tag conditions read, and each profile's incremental state: the events inside each rolling
 * window (later ones too: they come into the window with time), counters for all-time and
 * date-range conditions, and each sequence step's events.
 */
export async function loadLive(
  side: SideConnection,
  ctx: SegmentSqlContext,
  condition: ConditionNode,
  refs: { traits: Set<string>; tags: Set<string> },
  values: LiveValues,
  inc: IncrementalCondition,
): Promise<LiveLoad> {
  const ws = ctx.workspaceId;
  const facts = await syncFacts(side, ws);
  const query = async <T extends Record<string, unknown>>(q: Sql): Promise<T[]> =>
    side.query<T>(q.text, q.params);

  const members = new Set(
    (await query<{ profile_id: string }>(segmentQuery(ctx, condition))).map((r) => r.profile_id),
  );

  const joined = (select: Sql, where: Sql, group = raw('')): Sql =>
    sql`SELECT P.profile_id, ${select} FROM ${factsRelation(ws)} f JOIN ${liveProfiles(ws)} P ON P.pid = f.pid WHERE ${where} ${group}`;
  for (const key of refs.traits) {
    if (ctx.computedTraits.has(key)) {
      const rows = await query<{ profile_id: string; value: string }>(
        sql`SELECT profile_id, value FROM trait_values WHERE workspace_id = ${ws} AND key = ${key}`,
      );
      values.loadComputed(
        'trait',
        key,
        rows.map((r) => [r.profile_id, JSON.parse(r.value) as unknown]),
      );
      continue;
    }
    const policy = ctx.policy(key);
    const ids = ctx.resolveSources(policy);
    const pick = (what: Sql): Sql => traitAggregate(key, policy, ids, what);
    const rows = await query<{
      profile_id: string;
      value: string | null;
      ts: number;
      seq: number;
      source_id: string | null;
    }>(
      joined(
        sql`${traitAggregate(key, policy, ids)} AS value, ${pick(raw('epoch_ms(f.ts)'))}::DOUBLE AS ts,
          ${pick(raw('f.seq'))}::DOUBLE AS seq, ${pick(raw('f.source_id'))} AS source_id`,
        raw('f.traits IS NOT NULL'),
        raw('GROUP BY P.profile_id'),
      ),
    );
    values.loadTrait(
      key,
      rows
        .filter((r) => r.value !== null)
        .map((r) => ({
          profileId: r.profile_id,
          value: JSON.parse(r.value!) as unknown,
          ts: r.ts,
          seq: r.seq,
          sourceId: r.source_id,
        })),
    );
  }
  for (const key of refs.tags) {
    const rows = await query<{ profile_id: string; value: string }>(
      sql`SELECT profile_id, value FROM tag_values WHERE workspace_id = ${ws} AND key = ${key}`,
    );
    values.loadComputed(
      'tag',
      key,
      rows.map((r) => [r.profile_id, JSON.parse(r.value) as unknown]),
    );
  }

  const states = new Map<string, LiveState>();
  const state = (p: string): LiveState => {
    let s = states.get(p);
    if (!s) states.set(p, (s = inc.initial()));
    return s;
  };
  const compiler = new ConditionCompiler({
    facts: factsRelation(ws),
    now: ctx.now,
    offsetMs: ctx.offsetMs,
    trait: () => raw('NULL'),
    tag: () => raw('NULL'),
  });
  if (!inc.seedable) {
    // Some filter moves with the clock (within_last, birthday_within, before/after a duration):
    // which events match is decided at each test, so the events themselves are fed in.
    const names = [...inc.eventNames];
    if (names.length > 0) {
      const rows = await query<{
        profile_id: string;
        seq: number;
        event: string;
        ts: number;
        properties: string | null;
      }>(
        joined(
          raw('f.seq::DOUBLE AS seq, f.event, epoch_ms(f.ts)::DOUBLE AS ts, f.properties'),
          sql`f.event IN (${join(
            names.map((n) => sql`${n}`),
            ', ',
          )})`,
        ),
      );
      for (const r of rows) {
        const properties: unknown = r.properties === null ? {} : JSON.parse(r.properties);
        inc.add(state(r.profile_id), {
          seq: r.seq,
          event: r.event,
          ts: r.ts,
          properties:
            typeof properties === 'object' && properties !== null
              ? (properties as Record<string, unknown>)
              : {},
        });
      }
    }
    return { syncedSeq: facts.syncedSeq, members, states };
  }
  for (const [i, leaf] of inc.eventLeaves.entries()) {
    const v =
      leaf.measure.property === null
        ? raw('NULL')
        : jsonNumber(dialect.property(raw('f.properties'), leaf.measure.property));
    const w = leaf.within;
    switch (w.kind) {
      case 'last': {
        const rows = await query<{ profile_id: string; ts: number; v: number | null }>(
          joined(
            sql`epoch_ms(f.ts)::DOUBLE AS ts, ${v}::DOUBLE AS v`,
            sql`${compiler.matchEvent(leaf)} AND f.ts >= ${toSqlTimestamp(ctx.now - w.ms)}::TIMESTAMP`,
          ),
        );
        for (const r of rows) inc.addToLeaf(state(r.profile_id), i, r.ts, r.v);
        break;
      }
      case 'all_time':
      case 'range': {
        const rows = await query<{
          profile_id: string;
          count: number;
          n: number;
          sum: number | null;
          min: number | null;
          max: number | null;
        }>(
          joined(
            sql`count(*)::DOUBLE AS count, count(${v})::DOUBLE AS n, sum(${v})::DOUBLE AS sum, min(${v})::DOUBLE AS min, max(${v})::DOUBLE AS max`,
            compiler.matchEvent(leaf, w),
            raw('GROUP BY P.profile_id'),
          ),
        );
        for (const r of rows)
          inc.seedLeaf(state(r.profile_id), i, {
            count: r.count,
            n: r.n,
            sum: r.sum ?? 0,
            min: r.min,
            max: r.max,
          });
        break;
      }
      default:
        assertNever(w);
    }
  }
  for (const [i, leaf] of inc.sequenceLeaves.entries()) {
    for (const [j, step] of leaf.steps.entries()) {
      const rows = await query<{ profile_id: string; ts: number; seq: number }>(
        joined(raw('epoch_ms(f.ts)::DOUBLE AS ts, f.seq::DOUBLE AS seq'), compiler.matchEvent(step)),
      );
      for (const r of rows) inc.addToStep(state(r.profile_id), i, j, r.ts, r.seq);
    }
  }
  return { syncedSeq: facts.syncedSeq, members, states };
}
