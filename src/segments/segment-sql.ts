import {
  compareNumber,
  ConditionCompiler,
  conditionLeaves,
  type ConditionNode,
  type EventNode,
} from '../conditions/index.js';
import { liveProfiles } from '../identity/index.js';
import { factsRelation, traitAggregate, type TraitPolicy } from '../profiles/index.js';
import { join, raw, sql, type Sql } from '../platform/db/sql.js';
import { toSqlTimestamp } from '../platform/db/duckdb.js';

/**
 * A segment's condition as one query over every live profile: `pid`, `profile_id` of those it
 * holds for. Event conditions become aggregates of one GROUP BY over the profile facts, read only
 * for the events and the time the conditions name; traits come from the computed traits or, for
 * a profile's own traits, from its facts merged by the trait's policy; tags from their values;
 * other segments from their current members. Every outside value is a bound parameter; trait
 * keys and property paths have been checked against their patterns by the parser.
 */

export interface SegmentSqlContext {
  workspaceId: string;
  now: number;
  offsetMs: number;
  /** Keys of the workspace's computed traits (the rest are the profile's own traits). */
  computedTraits: ReadonlySet<string>;
  policy: (key: string) => TraitPolicy;
  resolveSources: (policy: TraitPolicy) => string[][];
}

export function segmentQuery(ctx: SegmentSqlContext, condition: ConditionNode): Sql {
  const ws = ctx.workspaceId;
  const profileTraits = new Map<string, string>();
  const computed = new Map<string, string>();
  const tags = new Map<string, string>();
  const column = (m: Map<string, string>, prefix: string, key: string): Sql => {
    let c = m.get(key);
    if (!c) {
      c = `${prefix}${m.size}`;
      m.set(key, c);
    }
    return raw(c);
  };
  const compiler = new ConditionCompiler({
    facts: factsRelation(ws),
    now: ctx.now,
    offsetMs: ctx.offsetMs,
    trait: (key) =>
      ctx.computedTraits.has(key)
        ? sql`CT.${column(computed, 'ct', key)}`
        : sql`PT.${column(profileTraits, 'pt', key)}`,
    tag: (key) => sql`TG.${column(tags, 'tg', key)}`,
    segment: (id) =>
      sql`(P.profile_id IN (SELECT profile_id FROM segment_members WHERE workspace_id = ${ws} AND segment_id = ${id}))`,
  });
  const predicate = compiler.compile(condition);
  // Event conditions every member must meet and that nobody meets without a matching event
  // ("viewed 3 times"): their profiles are the candidates, and everything else is read for them only.
  const required = conjuncts(condition)
    .filter(needsEvents)
    .map((c) => compiler.compile(c));

  const ctes: Sql[] = [];
  const joins: Sql[] = [];
  let candidates = sql``;
  if (compiler.aggregates.length > 0) {
    const read = factsRead(condition, ctx.now);
    const aggs = compiler.aggregates.map((a) => sql`${a.expr} AS ${raw(a.name)}`);
    ctes.push(
      sql`agg AS (SELECT f.pid, ${join(aggs, ', ')} FROM ${factsRelation(ws)} f WHERE ${read} GROUP BY f.pid)`,
    );
    joins.push(raw('LEFT JOIN agg ON agg.pid = P.pid'));
    if (required.length > 0) {
      ctes.push(sql`C AS (SELECT agg.pid FROM agg WHERE ${join(required, ' AND ')})`);
      candidates = raw(' AND pid IN (SELECT pid FROM C)');
    }
  }
  ctes.push(
    sql`P AS NOT MATERIALIZED (SELECT pid, profile_id FROM ${liveProfiles(ws)} WHERE true${candidates})`,
  );
  if (profileTraits.size > 0) {
    // Each trait is read out of the traits JSON once per fact, then merged by its policy.
    const keys = [...profileTraits];
    const extract = keys.map(([key, col]) => raw(`json_extract(traits, '$.${key}') AS x_${col}`));
    const cols = keys.map(([key, col]) => {
      const policy = ctx.policy(key);
      return sql`${traitAggregate(key, policy, ctx.resolveSources(policy), undefined, raw(`f.x_${col}`))} AS ${raw(col)}`;
    });
    ctes.push(
      sql`PT AS (SELECT f.pid, ${join(cols, ', ')} FROM (SELECT pid, ts, seq, source_id, ${join(extract, ', ')} FROM ${factsRelation(ws)} WHERE traits IS NOT NULL${candidates}) f GROUP BY f.pid)`,
    );
    joins.push(raw('LEFT JOIN PT ON PT.pid = P.pid'));
  }
  for (const [name, table, m] of [
    ['CT', 'trait_values', computed],
    ['TG', 'tag_values', tags],
  ] as const) {
    if (m.size === 0) continue;
    const cols = [...m].map(([key, col]) => sql`max(value) FILTER (WHERE key = ${key}) AS ${raw(col)}`);
    const keys = join(
      [...m.keys()].map((k) => sql`${k}`),
      ', ',
    );
    ctes.push(
      sql`${raw(name)} AS (SELECT profile_id, ${join(cols, ', ')} FROM ${raw(table)} WHERE workspace_id = ${ws} AND key IN (${keys})${required.length > 0 ? raw(' AND profile_id IN (SELECT profile_id FROM P)') : raw('')} GROUP BY profile_id)`,
    );
    joins.push(raw(`LEFT JOIN ${name} ON ${name}.profile_id = P.profile_id`));
  }
  for (const s of compiler.sequences) {
    joins.push(sql`LEFT JOIN ${s.query} ${raw(s.name)} ON ${raw(s.name)}.pid = P.pid`);
  }
  return sql`WITH ${join(ctes, ', ')} SELECT P.pid, P.profile_id FROM P ${join(joins, ' ')} WHERE ${predicate}`;
}

/** The conditions a top-level AND is made of (nested ANDs flattened). */
function conjuncts(c: ConditionNode): ConditionNode[] {
  return c.kind === 'all' ? c.of.flatMap(conjuncts) : [c];
}

/** An event condition that no profile without a matching event can meet. */
function needsEvents(c: ConditionNode): boolean {
  if (c.kind !== 'event') return false;
  const m = c.measure;
  // Of no events: the count and the sum are 0, the others have no value (and compare false).
  return m.fn === 'count' || m.fn === 'sum' ? !compareNumber(0, m.op, m.value) : true;
}

/**
 * Which facts the aggregates can use at all: the event names of the conditions, and, when every
 * event condition has a window, the time from the earliest window's start (most facts are
 * skipped before any property is read).
 */
function factsRead(c: ConditionNode, now: number): Sql {
  const events = conditionLeaves(c).filter((n): n is EventNode => n.kind === 'event');
  const names = [...new Set(events.flatMap((e) => e.events))];
  const parts = [
    sql`f.event IN (${join(
      names.map((n) => sql`${n}`),
      ', ',
    )})`,
  ];
  let from = Number.POSITIVE_INFINITY;
  for (const e of events) {
    const w = e.within;
    if (w.kind === 'all_time') from = Number.NEGATIVE_INFINITY;
    else from = Math.min(from, w.kind === 'last' ? now - w.ms : w.from);
  }
  if (Number.isFinite(from)) parts.push(sql`f.ts >= ${toSqlTimestamp(from)}::TIMESTAMP`);
  return join(parts, ' AND ');
}
