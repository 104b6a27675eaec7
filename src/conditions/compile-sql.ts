import { join, raw, sql, type Sql } from '../platform/db/sql.js';
import { toSqlTimestamp } from '../platform/db/duckdb.js';
import { assertNever } from '../platform/errors.js';
import {
  durationMs,
  ISO_DATE_SOURCE,
  type Comparison,
  type ConditionNode,
  type EventNode,
  type NumberOp,
  type PropertyFilter,
  type Scalar,
  type SequenceNode,
  type TimeWindow,
} from './ast.js';
import { birthdayWindow, DAY, NUMERIC_TEXT, pointInTime, YEARLESS_DATE } from './values.js';

/**
 * The condition language compiled to SQL for batch evaluation over every profile at once.
 *
 * The caller supplies the scope: a facts relation (one row per event: `pid`, `seq`, `event`,
 * `ts`, `properties` as JSON text) and SQL for a profile's traits and tags as JSON values. The
 * compiler returns a boolean expression over one profile row and collects what that row needs:
 * aggregates over the profile's facts (one GROUP BY computes all of them, for every condition
 * of a refresh) and sequence sub-queries. The semantics are `values.ts` and `evaluate.ts`; the
 * property test runs both on the real engine.
 *
 * DuckDB specifics (JSON functions, lambdas, epoch functions) are in `dialect` below, the one
 * place a PostgreSQL dialect would differ.
 */

export interface CompileScope {
  /** The facts relation (a table name or a sub-query in parentheses). */
  facts: Sql;
  now: number;
  offsetMs: number;
  /** A trait of the current profile row, as a JSON value (NULL when absent). */
  trait(key: string): Sql;
  /** A tag of the current profile row, as a JSON value. */
  tag(key: string): Sql;
  /** Membership of the current profile row in a segment, as a boolean. */
  segment?(id: string): Sql;
  /** How the row refers to a collected aggregate (default `agg.<name>`). */
  aggregateRef?(name: string): Sql;
  /** How the row tests a sequence's relation (default `<name>.pid IS NOT NULL`). */
  sequenceRef?(name: string): Sql;
}

/** What the compiled expressions refer to: columns `agg.<name>` and relations `<name>` (pid). */
export interface CompiledNeeds {
  aggregates: Array<{ name: string; expr: Sql }>;
  sequences: Array<{ name: string; query: Sql }>;
}

/** One place for the engine's spelling of JSON and time. */
export const dialect = {
  jsonType: (a: Sql): Sql => sql`json_type(${a})`,
  jsonText: (a: Sql): Sql => sql`json_extract_string(${a}, '$')`,
  /** A property of the facts row's JSON by a path already checked against PROPERTY_PATH. */
  property: (properties: Sql, path: string): Sql =>
    raw(`json_extract(${properties.text}, '${jsonPath(path)}')`),
  /** The elements of a JSON list as a list of JSON values. */
  elements: (a: Sql): Sql => sql`from_json(${a}, '["JSON"]')`,
  anyElement: (list: Sql, element: (e: Sql) => Sql): Sql =>
    sql`list_bool_or(list_transform(${list}, lambda e: ${element(raw('e'))}))`,
  timestamp: (ms: number): Sql => sql`${toSqlTimestamp(ms)}::TIMESTAMP`,
  /** An ISO date or date-time text as epoch ms (no offset means UTC), NULL if it is none. */
  isoMs: (text: Sql): Sql =>
    sql`CASE WHEN regexp_full_match(${text}, '${raw(ISO_VALUE_SQL)}') THEN epoch_ms(TRY_CAST(${text} AS TIMESTAMPTZ)) END`,
  epochUs: (ts: Sql): Sql => sql`epoch_us(${ts})`,
};

/** The date-time texts `isoToMs` accepts (values.ts), for SQL's regexp. */
const ISO_VALUE_SQL = ISO_DATE_SOURCE;

function jsonPath(path: string): string {
  return `$${path
    .split('.')
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
    .join('')}`;
}

const NUMERIC_SQL = NUMERIC_TEXT.source.replace(/^\^/, '').replace(/\$$/, '');

/** A JSON value as a number: JSON numbers, and strings that are plain decimals. */
export function jsonNumber(a: Sql): Sql {
  return asNumber(a);
}

function asNumber(a: Sql): Sql {
  const t = dialect.jsonType(a);
  const text = dialect.jsonText(a);
  return sql`(CASE WHEN ${t} IN ('BIGINT', 'UBIGINT', 'DOUBLE') THEN TRY_CAST(${text} AS DOUBLE) WHEN ${t} = 'VARCHAR' AND regexp_full_match(${text}, '${raw(NUMERIC_SQL)}') THEN TRY_CAST(${text} AS DOUBLE) END)`;
}

function asString(a: Sql): Sql {
  return sql`(CASE WHEN ${dialect.jsonType(a)} = 'VARCHAR' THEN ${dialect.jsonText(a)} END)`;
}

function scalarEquals(a: Sql, x: Scalar): Sql {
  if (typeof x === 'number') return sql`${asNumber(a)} = ${x}`;
  if (typeof x === 'string') return sql`${asString(a)} = ${x}`;
  return sql`(${dialect.jsonType(a)} = 'BOOLEAN' AND ${dialect.jsonText(a)} = ${x ? 'true' : 'false'})`;
}

function ordered(a: Sql, op: '>' | '>=' | '<' | '<=', x: string | number): Sql {
  return typeof x === 'number' ? sql`${asNumber(a)} ${raw(op)} ${x}` : sql`${asString(a)} ${raw(op)} ${x}`;
}

const isFalse = (e: Sql): Sql => sql`coalesce(${e}, false)`;

/** A comparison on a JSON value `a` (NULL or JSON null when absent), always true or false. */
export function compileComparison(a: Sql, c: Comparison, now: number, offsetMs: number): Sql {
  const type = dialect.jsonType(a);
  const absent = sql`(${a} IS NULL OR ${type} = 'NULL')`;
  const isList = sql`(${type} = 'ARRAY')`;
  switch (c.op) {
    case 'exists': {
      const present = sql`(NOT ${absent} AND NOT coalesce(${isList} AND json_array_length(${a}) = 0, false))`;
      return c.value ? present : sql`(NOT ${present})`;
    }
    case 'eq':
      return isFalse(sql`(NOT ${isList} AND ${scalarEquals(a, c.value as Scalar)})`);
    case 'neq':
      return sql`(NOT ${isFalse(sql`(NOT ${isList} AND ${scalarEquals(a, c.value as Scalar)})`)})`;
    case 'in':
    case 'nin': {
      const xs = c.value as Scalar[];
      const oneOf = (e: Sql): Sql =>
        sql`(${join(
          xs.map((x) => isFalse(scalarEquals(e, x))),
          ' OR ',
        )})`;
      const hit = isFalse(
        sql`CASE WHEN ${isList} THEN ${dialect.anyElement(dialect.elements(a), oneOf)} ELSE ${oneOf(a)} END`,
      );
      return c.op === 'in' ? hit : sql`(NOT ${hit})`;
    }
    case 'gt':
      return isFalse(ordered(a, '>', c.value as string | number));
    case 'gte':
      return isFalse(ordered(a, '>=', c.value as string | number));
    case 'lt':
      return isFalse(ordered(a, '<', c.value as string | number));
    case 'lte':
      return isFalse(ordered(a, '<=', c.value as string | number));
    case 'between': {
      const [lo, hi] = c.value as [string | number, string | number];
      return isFalse(sql`(${ordered(a, '>=', lo)} AND ${ordered(a, '<=', hi)})`);
    }
    case 'contains': {
      const x = c.value as string;
      return isFalse(
        sql`CASE WHEN ${isList} THEN ${dialect.anyElement(dialect.elements(a), (e) => sql`${asString(e)} = ${x}`)} ELSE contains(${asString(a)}, ${x}) END`,
      );
    }
    case 'before':
    case 'after': {
      const at = pointInTime(c.value as string, now);
      return isFalse(sql`${dialect.isoMs(asString(a))} ${raw(c.op === 'before' ? '<' : '>')} ${at}`);
    }
    case 'within_last': {
      const ms = dialect.isoMs(asString(a));
      return isFalse(sql`(${ms} >= ${now - durationMs(c.value as string)} AND ${ms} <= ${now})`);
    }
    case 'birthday_within': {
      const days = Math.floor(durationMs(c.value as string) / DAY);
      const monthDays = [...birthdayWindow(now, offsetMs, days)];
      const text = asString(a);
      // A date (`YYYY-MM-DD…`) or a yearless one (`--MM-DD`, checked the way values.ts checks it).
      const yearless = sql`regexp_full_match(${text}, ${YEARLESS_DATE.source.slice(1, -1)})`;
      const monthDay = sql`CASE WHEN ${yearless} THEN substr(${text}, 3, 5) WHEN ${dialect.isoMs(text)} IS NOT NULL THEN substr(${text}, 6, 5) END`;
      const valid = sql`(NOT ${yearless} OR try_cast(${'2000-'} || substr(${text}, 3, 5) AS DATE) IS NOT NULL)`;
      return isFalse(
        sql`(${valid} AND ${monthDay} IN (${join(
          monthDays.map((md) => sql`${md}`),
          ', ',
        )}))`,
      );
    }
    default:
      return assertNever(c.op);
  }
}

export function compileNumber(n: Sql, op: NumberOp, value: number | [number, number]): Sql {
  if (op === 'between') {
    const [lo, hi] = value as [number, number];
    return isFalse(sql`(${n} >= ${lo} AND ${n} <= ${hi})`);
  }
  const symbol = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' }[op];
  return isFalse(sql`${n} ${raw(symbol)} ${value as number}`);
}

/**
 * Compiles conditions against one scope; aggregates and sequences are shared between all the
 * conditions compiled by the same compiler (the same aggregate is computed once).
 */
export class ConditionCompiler implements CompiledNeeds {
  readonly aggregates: Array<{ name: string; expr: Sql }> = [];
  readonly sequences: Array<{ name: string; query: Sql }> = [];
  private readonly byKey = new Map<string, string>();

  constructor(
    private readonly scope: CompileScope,
    /** Prefix of the names this compiler makes (several compilers may feed one query). */
    private readonly prefix = 'c',
  ) {}

  compile(c: ConditionNode): Sql {
    switch (c.kind) {
      case 'all':
        return c.of.length === 0
          ? raw('true')
          : sql`(${join(
              c.of.map((x) => this.compile(x)),
              ' AND ',
            )})`;
      case 'any':
        return c.of.length === 0
          ? raw('false')
          : sql`(${join(
              c.of.map((x) => this.compile(x)),
              ' OR ',
            )})`;
      case 'not':
        return sql`(NOT ${this.compile(c.of)})`;
      case 'const':
        return raw(c.value ? 'true' : 'false');
      case 'trait':
        return compileComparison(this.scope.trait(c.key), c, this.scope.now, this.scope.offsetMs);
      case 'tag':
        return compileComparison(this.scope.tag(c.key), c, this.scope.now, this.scope.offsetMs);
      case 'event':
        return this.event(c);
      case 'sequence': {
        const name = this.sequence(c);
        return this.scope.sequenceRef?.(name) ?? raw(`(${name}.pid IS NOT NULL)`);
      }
      case 'segment':
        if (!this.scope.segment) throw new Error(`segment conditions cannot be used here (segment ${c.id})`);
        return this.scope.segment(c.id);
      default:
        return assertNever(c);
    }
  }

  /** A row filter over the facts: the event names, the window, the property filters. */
  matchEvent(step: { events: readonly string[]; where: readonly PropertyFilter[] }, w?: TimeWindow): Sql {
    // No event names: every fact (computed traits over all events).
    const parts: Sql[] =
      step.events.length === 0
        ? [raw('true')]
        : [
            sql`f.event IN (${join(
              step.events.map((e) => sql`${e}`),
              ', ',
            )})`,
          ];
    if (w) parts.push(...this.window(w));
    const filters = step.where.map((f) =>
      compileComparison(
        dialect.property(raw('f.properties'), f.property),
        f,
        this.scope.now,
        this.scope.offsetMs,
      ),
    );
    if (filters.length === 0) return join(parts, ' AND ');
    // JSON is read only for the facts the name and window let through: a CASE is evaluated lazily,
    // where the engine is free to reorder the terms of an AND (and would parse every row).
    return sql`(CASE WHEN ${join(parts, ' AND ')} THEN ${join(filters, ' AND ')} ELSE false END)`;
  }

  /** `fn(value)` over the matching facts only (the value, often JSON, is not read for the rest). */
  measureOf(fn: string, value: Sql, match: Sql): Sql {
    return sql`${raw(fn)}(CASE WHEN ${match} THEN ${value} END)`;
  }

  private window(w: TimeWindow): Sql[] {
    switch (w.kind) {
      case 'all_time':
        return [];
      case 'last':
        return [
          sql`f.ts >= ${dialect.timestamp(this.scope.now - w.ms)}`,
          sql`f.ts <= ${dialect.timestamp(this.scope.now)}`,
        ];
      case 'range':
        return [sql`f.ts >= ${dialect.timestamp(w.from)}`, sql`f.ts < ${dialect.timestamp(w.to)}`];
      default:
        return assertNever(w);
    }
  }

  /** Registers an aggregate over a profile's facts (computed once however often it is used). */
  aggregate(expr: Sql): Sql {
    const key = `${expr.text}\u0000${JSON.stringify(expr.params)}`;
    let name = this.byKey.get(key);
    if (name === undefined) {
      name = `${this.prefix}${this.aggregates.length}`;
      this.byKey.set(key, name);
      this.aggregates.push({ name, expr });
    }
    return this.scope.aggregateRef?.(name) ?? raw(`agg.${name}`);
  }

  private event(c: EventNode): Sql {
    const match = this.matchEvent(c, c.within);
    const m = c.measure;
    const value = m.property === null ? null : asNumber(dialect.property(raw('f.properties'), m.property));
    let measured: Sql;
    switch (m.fn) {
      case 'count':
        measured = sql`coalesce(${this.aggregate(sql`count(*) FILTER (WHERE ${match})`)}, 0)`;
        break;
      case 'sum':
        measured = sql`coalesce(${this.aggregate(this.measureOf('sum', value!, match))}, 0)`;
        break;
      case 'avg':
      case 'min':
      case 'max':
        measured = this.aggregate(this.measureOf(m.fn, value!, match));
        break;
      default:
        return assertNever(m.fn);
    }
    return compileNumber(measured, m.op, m.value);
  }

  /**
   * A sequence as the profiles it holds for: each step's events ordered by (time, seq), then from
   * every first step an ASOF join finds the earliest next step after it (the greedy chain).
   */
  private sequence(c: SequenceNode): string {
    const name = `${this.prefix}s${this.sequences.length}`;
    const order = (alias: string): Sql =>
      raw(`(${dialect.epochUs(raw(`${alias}.ts`)).text}::HUGEINT * 1099511627776 + ${alias}.seq)`);
    const steps = c.steps.map(
      (s, i) =>
        sql`${raw(`st${i}`)} AS (SELECT f.pid, f.ts, ${order('f')} AS ord FROM ${this.scope.facts} f WHERE ${this.matchEvent(s)})`,
    );
    const chain: Sql[] = [raw(`ch0 AS (SELECT pid, ts AS start_ts, ts AS cur_ts, ord AS cur FROM st0)`)];
    for (let i = 1; i < c.steps.length; i++) {
      // A chain that already broke off stays broken; only live chains look for their next step
      // (an ASOF join on a NULL key is left to the engine's mercy).
      chain.push(
        raw(
          `ch${i} AS (SELECT c.pid, c.start_ts, s.ts AS cur_ts, s.ord AS cur FROM (SELECT * FROM ch${i - 1} WHERE cur IS NOT NULL) c ASOF LEFT JOIN st${i} s ON c.pid = s.pid AND c.cur < s.ord
            UNION ALL SELECT pid, start_ts, NULL, NULL FROM ch${i - 1} WHERE cur IS NULL)`,
        ),
      );
    }
    const last = `ch${c.steps.length - 1}`;
    const withinUs = c.withinMs * 1000;
    const span = raw(`(epoch_us(cur_ts) - epoch_us(start_ts))`);
    const test = c.completed
      ? sql`cur IS NOT NULL AND ${span} <= ${withinUs}`
      : sql`epoch_us(start_ts) + ${withinUs} <= ${this.scope.now * 1000} AND (cur IS NULL OR ${span} > ${withinUs})`;
    const query = sql`(WITH ${join([...steps, ...chain], ', ')} SELECT DISTINCT pid FROM ${raw(last)} WHERE ${test})`;
    this.sequences.push({ name, query });
    return name;
  }
}
