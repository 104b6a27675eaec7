import {
  ConditionCompiler,
  durationMs,
  jsonNumber,
  parseCondition,
  references,
  type ConditionNode,
  type PropertyFilter,
} from '../conditions/index.js';
import { factOrder, traitAggregate, type TraitPolicy } from '../profiles/index.js';
import { ident, join, raw, sql, type Sql } from '../platform/db/sql.js';
import { assertNever } from '../platform/errors.js';
import type { Aggregate, CheckedTag, PurchaseMetric, TraitDefinition, ValueSource } from './definitions.js';

/**
 * One refresh as one SQL query: every computed trait and tag of the refresh for every profile in
 * scope, as JSON text columns (NULL: no value). The query reads the facts once for all per-event
 * aggregates (a single GROUP BY), once for purchases, once per value-counting trait; then layers
 * of SELECTs add the traits and the tags in dependency order (a tag that reads a tag comes in a
 * later layer), each layer over the one before (`L`).
 */

export interface PlanContext {
  now: number;
  offsetMs: number;
  /** Facts with `pid` (see profiles' factsRelation), possibly restricted to some profiles. */
  facts: Sql;
  /** The profiles to compute: `pid`, `profile_id`. */
  profiles: Sql;
  /** Every active computed trait, by key (built-in ones included). */
  traits: ReadonlyMap<string, TraitDefinition>;
  policies: Readonly<Record<string, TraitPolicy>>;
  resolveSources(policy: TraitPolicy): string[][];
  /**
   * Source id → name, for `$source`; `internal` marks Tessera's own sources, whose events
   * (Segment Entered, Message Sent…) an aggregate over any event leaves out: they say what
   * Tessera did, not what the person did, where and when.
   */
  sourceNames: ReadonlyArray<{ id: string; name: string; internal?: boolean }>;
  purchaseEvent: string;
  refundEvent: string;
  /** Values assigned to a manual tag: `profile_id`, `value` (JSON text). */
  assignments(key: string): Sql;
}

export interface Plan {
  query: Sql;
  /** Output column of each computed trait and tag. */
  traitColumns: Map<string, string>;
  tagColumns: Map<string, string>;
}

const DAY = 86_400_000;
const ISO = `'%Y-%m-%dT%H:%M:%S.%gZ'`;

export const RFM_CLASSES: Record<string, string> = {
  HHH: '重要价值客户',
  HLH: '重要发展客户',
  LHH: '重要保持客户',
  LLH: '重要挽留客户',
  HHL: '一般价值客户',
  HLL: '一般发展客户',
  LHL: '一般保持客户',
  LLL: '一般挽留客户',
};

const jsonText = (v: unknown): Sql => sql`${JSON.stringify(v)}`;

function filtersOf(where: unknown[] | undefined): PropertyFilter[] {
  if (!where || where.length === 0) return [];
  const parsed = parseCondition({ event: '$', where });
  if (!parsed.ok || parsed.condition.kind !== 'event') throw new Error('aggregate filters were not checked');
  return parsed.condition.where;
}

const names = (e: string | string[] | undefined): string[] =>
  e === undefined ? [] : Array.isArray(e) ? e : [e];

export function planRefresh(
  ctx: PlanContext,
  wantTraits: readonly string[],
  tags: readonly CheckedTag[],
): Plan {
  const L = (name: string): Sql => raw(`L.${name}`);
  const traitColumns = new Map<string, string>();
  const tagColumns = new Map<string, string>();
  const profileTraits = new Map<string, string>();
  const traitExprs: Sql[] = [];
  const valueCtes: Sql[] = [];
  const l0Columns: Sql[] = [];
  const l0Joins: Sql[] = [];
  let inline = 0;

  const compiler = new ConditionCompiler({
    facts: raw('F'),
    now: ctx.now,
    offsetMs: ctx.offsetMs,
    trait: (key) => traitRef(key),
    tag: (key) => {
      const col = tagColumns.get(key);
      if (!col) throw new Error(`tag ${key} is not computed before the tags that read it`);
      return L(col);
    },
    aggregateRef: (name) => L(name),
    sequenceRef: (name) => L(name),
  });

  /** A trait as JSON text in the tag layers: a computed trait, else a profile trait. */
  function traitRef(key: string): Sql {
    const def = ctx.traits.get(key);
    if (def) return L(addTrait(def));
    let col = profileTraits.get(key);
    if (!col) {
      col = `pt_${profileTraits.size}`;
      profileTraits.set(key, col);
      const agg = compiler.aggregate(
        traitAggregate(
          key,
          ctx.policies[key] ?? { policy: 'latest', sources: [] },
          ctx.resolveSources(ctx.policies[key] ?? { policy: 'latest', sources: [] }),
        ),
      );
      traitExprs.push(sql`${agg} AS ${raw(col)}`);
    }
    return L(col);
  }

  function addTrait(def: TraitDefinition): string {
    let col = traitColumns.get(def.key);
    if (col) return col;
    col = `tr_${traitColumns.size}`;
    traitColumns.set(def.key, col);
    const spec = def.spec;
    const expr = spec.kind === 'purchases' ? purchaseMetric(spec.metric) : aggregateValue(spec.aggregate);
    traitExprs.push(sql`${expr} AS ${raw(col)}`);
    return col;
  }

  function purchaseMetric(m: PurchaseMetric): Sql {
    switch (m) {
      case 'orders':
        return raw('to_json(coalesce(L.b_orders, 0))::VARCHAR');
      case 'revenue':
        return raw('to_json(coalesce(L.b_revenue, 0))::VARCHAR');
      case 'aov':
        return raw('CASE WHEN L.b_orders > 0 THEN to_json(L.b_revenue / L.b_orders)::VARCHAR END');
      case 'first_order_at':
        return raw(`to_json(strftime(L.b_first, ${ISO}))::VARCHAR`);
      case 'last_order_at':
        return raw(`to_json(strftime(L.b_last, ${ISO}))::VARCHAR`);
      case 'repurchases':
        return raw('to_json(greatest(coalesce(L.b_orders, 0) - 1, 0))::VARCHAR');
      case 'days_since_last_order':
        return sql`CASE WHEN L.b_orders > 0 THEN to_json(floor((${ctx.now} - epoch_ms(L.b_last)) / ${DAY})::BIGINT)::VARCHAR END`;
      default:
        return assertNever(m);
    }
  }

  function sourceName(): Sql {
    if (ctx.sourceNames.length === 0) return raw('f.source_id');
    const cases = ctx.sourceNames.map((s) => sql`WHEN ${s.id} THEN ${s.name}`);
    return sql`(CASE f.source_id ${join(cases, ' ')} ELSE f.source_id END)`;
  }

  /** A property of a fact as JSON, or a derived one. */
  function propertyJson(path: string): Sql {
    switch (path) {
      case '$hour':
        return sql`to_json(hour(f.ts + to_milliseconds(${ctx.offsetMs})))`;
      case '$weekday':
        return sql`to_json(isodow(f.ts + to_milliseconds(${ctx.offsetMs})))`;
      case '$date':
        return sql`to_json(strftime(f.ts + to_milliseconds(${ctx.offsetMs}), '%Y-%m-%d'))`;
      case '$event':
        return raw('to_json(f.event)');
      case '$source':
        return sql`to_json(${sourceName()})`;
      case '$channel':
        return sql`to_json(coalesce(f.channel, ${sourceName()}))`;
      default:
        return raw(`json_extract(f.properties, '${jsonPath(path)}')`);
    }
  }

  const internalSources = ctx.sourceNames.filter((s) => s.internal).map((s) => sql`${s.id}`);

  function aggregateValue(a: Aggregate): Sql {
    const named = compiler.matchEvent(
      { events: names(a.event), where: filtersOf(a.where) },
      a.within ? { kind: 'last', ms: durationMs(a.within) } : { kind: 'all_time' },
    );
    // Any event means the person's own: an event named outright counts wherever it came from.
    const match =
      names(a.event).length === 0 && internalSources.length > 0
        ? sql`(${named} AND (f.source_id IS NULL OR f.source_id NOT IN (${join(internalSources, ', ')})))`
        : named;
    const prop = a.property;
    const order = factOrder('f');
    switch (a.fn) {
      case 'count':
        return sql`to_json(coalesce(${compiler.aggregate(sql`count(*) FILTER (WHERE ${match})`)}, 0))::VARCHAR`;
      case 'sum':
      case 'avg':
      case 'min':
      case 'max': {
        const n = jsonNumber(propertyJson(prop!));
        const agg = compiler.aggregate(compiler.measureOf(a.fn, n, match));
        return a.fn === 'sum' ? sql`to_json(coalesce(${agg}, 0))::VARCHAR` : sql`to_json(${agg})::VARCHAR`;
      }
      case 'first':
      case 'last': {
        const fn = raw(a.fn === 'first' ? 'arg_min' : 'arg_max');
        if (prop === undefined) {
          const agg = compiler.aggregate(sql`${fn}(f.ts, ${order}) FILTER (WHERE ${match})`);
          return sql`to_json(strftime(${agg}, ${raw(ISO)}))::VARCHAR`;
        }
        const v = propertyJson(prop);
        // Only facts that match and have the property take part (their JSON read lazily).
        const has = sql`(CASE WHEN ${match} THEN ${v} IS NOT NULL AND json_type(${v}) <> 'NULL' ELSE false END)`;
        return compiler.aggregate(
          sql`${fn}(CASE WHEN ${has} THEN ${v}::VARCHAR END, CASE WHEN ${has} THEN ${order} END)`,
        );
      }
      case 'distinct_count':
      case 'most_frequent':
      case 'top': {
        const name = `v${valueCtes.length}`;
        const v =
          prop === '$categories'
            ? raw(
                `unnest(coalesce(nullif(json_extract(f.properties, '$.products[*].category'), []), json_extract(f.properties, '$.categories[*]')))`,
              )
            : prop!.includes('*')
              ? raw(`unnest(json_extract(f.properties, '${jsonPath(prop!)}'))`)
              : propertyJson(prop!);
        const min = a.minCount ?? 1;
        valueCtes.push(sql`${raw(name)}c AS (SELECT pid, v, count(*) AS n, max(ord) AS last FROM
            (SELECT f.pid, ${v}::VARCHAR AS v, ${order} AS ord FROM F f WHERE ${match})
            WHERE v IS NOT NULL AND v <> 'null' GROUP BY pid, v),
          ${raw(name)} AS (SELECT pid, ${
            a.fn === 'distinct_count'
              ? raw('count(*)')
              : a.fn === 'most_frequent'
                ? raw('first(v ORDER BY n DESC, last DESC, v)')
                : sql`list(v ORDER BY n DESC, last DESC, v) FILTER (WHERE n >= ${min})`
          } AS r FROM ${raw(name)}c GROUP BY pid)`);
        l0Columns.push(raw(`${name}.r AS ${name}_r`));
        l0Joins.push(raw(`LEFT JOIN ${name} ON ${name}.pid = P.pid`));
        if (a.fn === 'distinct_count') return raw(`to_json(coalesce(L.${name}_r, 0))::VARCHAR`);
        if (a.fn === 'most_frequent') return raw(`L.${name}_r`);
        return sql`CASE WHEN len(L.${raw(name)}_r) > 0 THEN '[' || array_to_string(L.${raw(name)}_r[1:${a.limit ?? 3}], ',') || ']' END`;
      }
      default:
        return assertNever(a.fn);
    }
  }

  /** A value source as JSON text in the tag layers. */
  function sourceRef(s: ValueSource): Sql {
    if ('trait' in s) return traitRef(s.trait);
    const col = `tr__inline${inline++}`;
    traitExprs.push(sql`${aggregateValue(s.aggregate)} AS ${raw(col)}`);
    return L(col);
  }

  const truth = (c: ConditionNode): Sql => compiler.compile(c);

  function tagExpr(t: CheckedTag): Sql {
    const spec = t.definition.spec;
    switch (spec.kind) {
      case 'rule':
        return sql`CASE WHEN ${truth(t.rule!)} THEN 'true' END`;
      case 'bucket': {
        const whens = t.buckets!.map((b) => sql`WHEN ${truth(b.condition)} THEN ${jsonText(b.value)}`);
        const otherwise = spec.otherwise === undefined ? raw('NULL') : jsonText(spec.otherwise);
        return sql`CASE ${join(whens, ' ')} ELSE ${otherwise} END`;
      }
      case 'range': {
        const n = jsonNumber(sourceRef(spec.of));
        const whens = spec.ranges.map((r) => {
          const parts: Sql[] = [sql`${n} IS NOT NULL`];
          if (r.min !== undefined) parts.push(sql`${n} >= ${r.min}`);
          if (r.max !== undefined) parts.push(sql`${n} < ${r.max}`);
          return sql`WHEN ${join(parts, ' AND ')} THEN ${jsonText(r.value)}`;
        });
        const otherwise = spec.otherwise === undefined ? raw('NULL') : jsonText(spec.otherwise);
        return sql`CASE ${join(whens, ' ')} ELSE ${otherwise} END`;
      }
      case 'computed':
        return sourceRef(spec.of);
      case 'manual': {
        const col = `m_${l0Joins.length}`;
        l0Joins.push(
          sql`LEFT JOIN ${ctx.assignments(t.definition.key)} ${raw(col)} ON ${raw(col)}.profile_id = P.profile_id`,
        );
        l0Columns.push(raw(`${col}.value AS ${col}`));
        return L(col);
      }
      case 'model':
        switch (spec.model) {
          case 'rfm_score': {
            // Quintile of the percent rank among buyers, in integers: 1 + ⌊5 (rank − 1) / (n − 1)⌋,
            // capped at 5; equal values share a rank, a lone buyer scores 1.
            const by = { r: 'L.b_last', f: 'L.b_orders', m: 'L.b_revenue' }[spec.part];
            const w = 'PARTITION BY L.b_orders > 0';
            return raw(
              `CASE WHEN L.b_orders > 0 THEN to_json(CASE WHEN count(*) OVER (${w}) = 1 THEN 1 ELSE least(5, 1 + (5 * (rank() OVER (${w} ORDER BY ${by}) - 1)) // (count(*) OVER (${w}) - 1)) END)::VARCHAR END`,
            );
          }
          case 'rfm_class': {
            const part = (k: string): Sql => {
              const col = tagColumns.get(k);
              if (!col) throw new Error(`rfm_class needs the tag ${k} in the same refresh`);
              return sql`(TRY_CAST(${L(col)} AS INTEGER) >= ${spec.high})`;
            };
            const [r, f, m] = [part('rfm_r'), part('rfm_f'), part('rfm_m')];
            const whens = Object.entries(RFM_CLASSES).map(([code, name]) => {
              const is = (c: Sql, ch: string): Sql => (ch === 'H' ? c : sql`NOT ${c}`);
              return sql`WHEN ${is(r, code[0]!)} AND ${is(f, code[1]!)} AND ${is(m, code[2]!)} THEN ${jsonText(name)}`;
            });
            return sql`CASE ${join(whens, ' ')} END`;
          }
          case 'lifecycle': {
            const since = (col: string): Sql => sql`((${ctx.now} - epoch_ms(${raw(col)})) / ${DAY})`;
            return sql`CASE WHEN coalesce(L.b_orders, 0) = 0 THEN ${jsonText('潜客')}
              WHEN L.b_orders = 1 AND ${since('L.b_first')} <= ${spec.newDays} THEN ${jsonText('新客')}
              WHEN ${since('L.b_last')} <= ${spec.activeDays} THEN ${jsonText('活跃')}
              WHEN ${since('L.b_last')} <= ${spec.dormantDays} THEN ${jsonText('沉睡')}
              ELSE ${jsonText('流失')} END`;
          }
          case 'top_share': {
            const n = jsonNumber(sourceRef(spec.of));
            const part = sql`PARTITION BY coalesce(${n} > 0, false)`;
            return sql`CASE WHEN coalesce(${n} > 0, false) AND rank() OVER (${part} ORDER BY ${n} DESC) <= ceil(${spec.share} * count(*) OVER (${part})) THEN 'true' END`;
          }
          default:
            return assertNever(spec);
        }
      default:
        return assertNever(spec);
    }
  }

  // Tags in dependency order, each in the first layer after the tags it reads.
  const depth = new Map<string, number>();
  const layers: Sql[][] = [];
  for (const key of wantTraits) {
    const def = ctx.traits.get(key);
    if (def) addTrait(def);
  }
  for (const t of tags) {
    const d = Math.max(-1, ...tagDependencies(t).map((k) => depth.get(k) ?? -1)) + 1;
    depth.set(t.definition.key, d);
    const col = `tg_${tagColumns.size}`;
    const expr = tagExpr(t);
    tagColumns.set(t.definition.key, col);
    (layers[d] ??= []).push(sql`${expr} AS ${raw(col)}`);
  }

  // The rows every layer builds on: the profiles with their aggregates.
  const aggs = [
    sql`count(*) AS n_facts`,
    ...compiler.aggregates.map((a) => sql`${a.expr} AS ${raw(a.name)}`),
  ];
  for (const s of compiler.sequences) {
    l0Columns.push(raw(`(${s.name}.pid IS NOT NULL) AS ${s.name}`));
    l0Joins.push(sql`LEFT JOIN ${s.query} ${raw(s.name)} ON ${raw(s.name)}.pid = P.pid`);
  }
  const revenue = sql`coalesce(${jsonNumber(raw(`json_extract(f.properties, '$.revenue')`))}, ${jsonNumber(raw(`json_extract(f.properties, '$.total')`))}, 0)`;
  const ctes: Sql[] = [
    sql`F AS NOT MATERIALIZED (${ctx.facts})`,
    sql`P AS (SELECT pid, profile_id FROM ${ctx.profiles})`,
    sql`agg AS (SELECT f.pid, ${join(aggs, ', ')} FROM F f GROUP BY f.pid)`,
    sql`po AS (SELECT f.pid, coalesce(json_extract_string(f.properties, '$.order_id'), 'seq:' || f.seq) AS oid,
        min(f.ts) AS ts, max(${revenue}) AS revenue FROM F f WHERE f.event = ${ctx.purchaseEvent} GROUP BY 1, 2)`,
    sql`pr AS (SELECT DISTINCT f.pid, json_extract_string(f.properties, '$.order_id') AS oid FROM F f
        WHERE f.event = ${ctx.refundEvent} AND json_extract_string(f.properties, '$.order_id') IS NOT NULL)`,
    raw(`buyer AS (SELECT po.pid, count(*) AS orders, sum(po.revenue) AS revenue, min(po.ts) AS first_at, max(po.ts) AS last_at
        FROM po ANTI JOIN pr ON pr.pid = po.pid AND pr.oid = po.oid GROUP BY po.pid)`),
    ...valueCtes,
    sql`L0 AS (SELECT P.pid, P.profile_id, agg.* EXCLUDE (pid), b.orders AS b_orders, b.revenue AS b_revenue,
        b.first_at AS b_first, b.last_at AS b_last${raw(l0Columns.length ? ', ' : '')}${join(l0Columns, ', ')}
        FROM P LEFT JOIN agg ON agg.pid = P.pid LEFT JOIN buyer b ON b.pid = P.pid ${join(l0Joins, ' ')})`,
    sql`L1 AS (SELECT L.*${raw(traitExprs.length ? ', ' : '')}${join(traitExprs, ', ')} FROM L0 L)`,
  ];
  let last = 'L1';
  layers.forEach((cols, i) => {
    const name = `L${i + 2}`;
    ctes.push(sql`${raw(name)} AS (SELECT L.*, ${join(cols, ', ')} FROM ${raw(last)} L)`);
    last = name;
  });
  const outputs = [...traitColumns.values(), ...tagColumns.values()].map((c) => ident(c));
  const query = sql`WITH ${join(ctes, ',\n')} SELECT pid, profile_id${raw(outputs.length ? ', ' : '')}${join(outputs, ', ')} FROM ${raw(last)}`;
  return { query, traitColumns, tagColumns };
}

function jsonPath(path: string): string {
  return `$${path
    .split('.')
    .map((p) => (p === '*' ? '[*]' : /^\d+$/.test(p) ? `[${p}]` : `.${p}`))
    .join('')}`;
}

/** The tags a tag reads (its conditions' tag references; rfm_class reads rfm_r/f/m). */
export function tagDependencies(t: CheckedTag): string[] {
  const out = new Set<string>();
  for (const c of conditionsOf(t)) references(c).tags.forEach((k) => out.add(k));
  const spec = t.definition.spec;
  if (spec.kind === 'model' && spec.model === 'rfm_class')
    ['rfm_r', 'rfm_f', 'rfm_m'].forEach((k) => out.add(k));
  return [...out];
}

const conditionsOf = (t: CheckedTag): ConditionNode[] => [
  ...(t.rule ? [t.rule] : []),
  ...(t.buckets ?? []).map((b) => b.condition),
];

/** The traits a tag reads (conditions and value sources). */
export function traitDependencies(t: CheckedTag): string[] {
  const out = new Set<string>();
  for (const c of conditionsOf(t)) references(c).traits.forEach((k) => out.add(k));
  const spec = t.definition.spec;
  if (
    (spec.kind === 'range' ||
      spec.kind === 'computed' ||
      (spec.kind === 'model' && spec.model === 'top_share')) &&
    'trait' in spec.of
  ) {
    out.add(spec.of.trait);
  }
  return [...out];
}

/**
 * Whether a condition's truth for a person changes only when the person's facts or traits do:
 * no window that slides with the clock, no comparison with "now", no segment. Such conditions
 * can be recomputed for the changed profiles only.
 */
export function timeFree(c: ConditionNode): boolean {
  const cmpFree = (op: string, value: unknown): boolean =>
    !['within_last', 'birthday_within'].includes(op) &&
    !((op === 'before' || op === 'after') && typeof value === 'string' && /^\d+[smhd]$/.test(value));
  switch (c.kind) {
    case 'all':
    case 'any':
      return c.of.every(timeFree);
    case 'not':
      return timeFree(c.of);
    case 'trait':
    case 'tag':
      return cmpFree(c.op, c.value);
    case 'event':
      return c.within.kind !== 'last' && c.where.every((f) => cmpFree(f.op, f.value));
    case 'sequence':
      return c.completed && c.steps.every((s) => s.where.every((f) => cmpFree(f.op, f.value)));
    case 'segment':
      return false;
    case 'const':
      return true;
    default:
      return assertNever(c);
  }
}

export function incrementalTrait(def: TraitDefinition): boolean {
  const spec = def.spec;
  if (spec.kind === 'purchases') return spec.metric !== 'days_since_last_order';
  return (
    spec.aggregate.within === undefined &&
    filtersOf(spec.aggregate.where).every((f) =>
      timeFree({ kind: 'trait', key: 'x', op: f.op, value: f.value }),
    )
  );
}

/**
 * Whether a tag can be refreshed for the changed profiles only: its value depends on the
 * person's own facts (no window sliding with the clock, no ranking among all buyers, no manual
 * list), and so do the tags and traits it reads.
 */
export function incrementalTag(
  t: CheckedTag,
  trait: (key: string) => TraitDefinition | undefined,
  tagIncremental: (key: string) => boolean,
): boolean {
  const spec = t.definition.spec;
  const source = (s: ValueSource): boolean => {
    if ('trait' in s) {
      const def = trait(s.trait);
      return def === undefined || incrementalTrait(def);
    }
    return incrementalTrait({
      key: '_',
      description: '',
      owner: '',
      status: 'active',
      schedule: 'manual',
      spec: { kind: 'aggregate', aggregate: s.aggregate },
    });
  };
  let own: boolean;
  switch (spec.kind) {
    case 'rule':
    case 'bucket':
      own = conditionsOf(t).every(timeFree);
      break;
    case 'range':
    case 'computed':
      own = source(spec.of);
      break;
    case 'model':
    case 'manual':
      own = false;
      break;
    default:
      return assertNever(spec);
  }
  if (!own) return false;
  const traitsOk = traitDependencies(t).every((k) => {
    const def = trait(k);
    return def === undefined || incrementalTrait(def);
  });
  return traitsOk && tagDependencies(t).every(tagIncremental);
}
