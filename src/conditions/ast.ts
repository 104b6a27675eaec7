import { z } from 'zod';
import { assertNever } from '../platform/errors.js';

/**
 * The condition language (DESIGN.md "The condition language"): one JSON shape for tags, segments
 * and journey splits. `parseCondition` checks the JSON and turns it into the AST below, whose
 * nodes carry a `kind`; the SQL compiler and the in-memory evaluator both walk the AST, never
 * the JSON.
 */

export const VALUE_OPS = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'nin',
  'exists',
  'contains',
  'between',
  'before',
  'after',
  'within_last',
  'birthday_within',
] as const;
export type ValueOp = (typeof VALUE_OPS)[number];

export const NUMBER_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between'] as const;
export type NumberOp = (typeof NUMBER_OPS)[number];

/** A scalar a condition compares with. */
export type Scalar = string | number | boolean;

/** `30d`, `3h`, `15m`, `45s` → milliseconds. */
export const DURATION = /^(\d{1,6})([smhd])$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function durationMs(text: string): number {
  const m = DURATION.exec(text);
  if (!m) throw new RangeError(`not a duration: ${text} (use Ns, Nm, Nh or Nd)`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/** A property path in an event: `category`, `products.0.sku` style dotted names. */
export const PROPERTY_PATH = /^[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z0-9_]{1,64}){0,7}$/;
/** A trait or tag key. */
export const KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** ISO 8601 date or date-time with an optional offset (the SQL compiler uses the same pattern). */
export const ISO_DATE_SOURCE =
  '\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])([T ]([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,6})?)?(Z|[+-]\\d{2}:?\\d{2})?)?';
export const ISO_DATE = new RegExp(`^${ISO_DATE_SOURCE}$`);

// ------------------------------------------------------------------------------------ the AST

export interface Comparison {
  op: ValueOp;
  /** The compared value: a scalar, a list (in, nin), a pair (between), a duration (within_last, birthday_within). */
  value: Scalar | Scalar[] | null;
}

export interface AllNode {
  kind: 'all';
  of: ConditionNode[];
}
export interface AnyNode {
  kind: 'any';
  of: ConditionNode[];
}
export interface NotNode {
  kind: 'not';
  of: ConditionNode;
}
export interface TraitNode extends Comparison {
  kind: 'trait';
  key: string;
}
export interface TagNode extends Comparison {
  kind: 'tag';
  key: string;
}
export interface PropertyFilter extends Comparison {
  property: string;
}
export type TimeWindow =
  { kind: 'all_time' } | { kind: 'last'; ms: number } | { kind: 'range'; from: number; to: number };

export interface Measure {
  /** `count` counts the matching events; the others aggregate a numeric property of them. */
  fn: 'count' | 'sum' | 'avg' | 'min' | 'max';
  property: string | null;
  op: NumberOp;
  value: number | [number, number];
}
export interface EventNode {
  kind: 'event';
  /** One or more event names (any of them matches). */
  events: string[];
  where: PropertyFilter[];
  measure: Measure;
  within: TimeWindow;
}
export interface SequenceStep {
  events: string[];
  where: PropertyFilter[];
}
export interface SequenceNode {
  kind: 'sequence';
  steps: SequenceStep[];
  /** Longest time from the first step to the last. */
  withinMs: number;
  /** true: the whole sequence happened; false: the first step happened and the rest did not follow in time. */
  completed: boolean;
}
export interface SegmentNode {
  kind: 'segment';
  id: string;
}
export interface ConstNode {
  kind: 'const';
  value: boolean;
}
export type ConditionNode =
  AllNode | AnyNode | NotNode | TraitNode | TagNode | EventNode | SequenceNode | SegmentNode | ConstNode;

// ----------------------------------------------------------------------------- the JSON shape

const scalar = z.union([z.string().max(1000), z.number().finite(), z.boolean()]);
const durationText = z.string().regex(DURATION, 'must be a duration such as 30d, 12h, 15m or 45s');

const comparisonShape = {
  op: z.enum(VALUE_OPS),
  value: z.union([scalar, z.array(scalar).max(1000), z.null()]).optional(),
};

const numberComparison = z.strictObject({
  op: z.enum(NUMBER_OPS),
  value: z.union([z.number().finite(), z.tuple([z.number().finite(), z.number().finite()])]),
});
const propertyMeasure = numberComparison.extend({
  property: z.string().regex(PROPERTY_PATH, 'must be a property path such as revenue or product.price'),
});

const propertyFilter = z.strictObject({
  property: z.string().regex(PROPERTY_PATH, 'must be a property path such as category or product.sku'),
  ...comparisonShape,
});

const eventNames = z.union([z.string().min(1).max(200), z.array(z.string().min(1).max(200)).min(1).max(50)]);

const within = z.union([
  durationText,
  z.strictObject({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
  }),
]);

export type ConditionJson =
  | { all: ConditionJson[] }
  | { any: ConditionJson[] }
  | { not: ConditionJson }
  | { trait: string; op: ValueOp; value?: unknown }
  | { tag: string; op: ValueOp; value?: unknown }
  | Record<string, unknown>;

const conditionJson: z.ZodType<ConditionJson> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(conditionJson).max(200) }),
    z.strictObject({ any: z.array(conditionJson).max(200) }),
    z.strictObject({ not: conditionJson }),
    z.strictObject({ trait: z.string().regex(KEY, 'must be a trait key'), ...comparisonShape }),
    z.strictObject({ tag: z.string().regex(KEY, 'must be a tag key'), ...comparisonShape }),
    z.strictObject({
      event: eventNames,
      where: z.array(propertyFilter).max(50).optional(),
      count: numberComparison.optional(),
      sum: propertyMeasure.optional(),
      avg: propertyMeasure.optional(),
      min: propertyMeasure.optional(),
      max: propertyMeasure.optional(),
      within: within.optional(),
    }),
    z.strictObject({
      sequence: z
        .array(z.strictObject({ event: eventNames, where: z.array(propertyFilter).max(50).optional() }))
        .min(2)
        .max(5),
      within: durationText,
      completed: z.boolean().optional(),
    }),
    z.strictObject({ segment: z.string().min(1).max(100) }),
  ]),
);

export interface ConditionIssue {
  path: string;
  message: string;
}

export type ParseResult = { ok: true; condition: ConditionNode } | { ok: false; issues: ConditionIssue[] };

const pathText = (path: ReadonlyArray<PropertyKey>): string =>
  path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');

/** Checks a condition's JSON and builds its AST; every problem comes back with its path. */
export function parseCondition(input: unknown, basePath = 'condition'): ParseResult {
  const parsed = conditionJson.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => ({
        path: [basePath, pathText(i.path)].filter(Boolean).join('.'),
        message: describeIssue(i),
      })),
    };
  }
  const issues: ConditionIssue[] = [];
  const condition = build(parsed.data, basePath, issues);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, condition };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  // A union that matched nothing: say which shapes a condition may take.
  if (issue.code === 'invalid_union' && issue.path.length === 0) {
    return 'not a condition: expected one of all, any, not, trait, tag, event, sequence, segment';
  }
  return issue.message;
}

function build(json: ConditionJson, path: string, issues: ConditionIssue[]): ConditionNode {
  const j = json as Record<string, unknown>;
  if ('all' in j) {
    return {
      kind: 'all',
      of: (j.all as ConditionJson[]).map((c, i) => build(c, `${path}.all[${i}]`, issues)),
    };
  }
  if ('any' in j) {
    return {
      kind: 'any',
      of: (j.any as ConditionJson[]).map((c, i) => build(c, `${path}.any[${i}]`, issues)),
    };
  }
  if ('not' in j) return { kind: 'not', of: build(j.not as ConditionJson, `${path}.not`, issues) };
  if ('trait' in j || 'tag' in j) {
    const kind = 'trait' in j ? 'trait' : 'tag';
    const comparison = checkComparison(j as { op: ValueOp; value?: unknown }, path, issues);
    return { kind, key: j[kind] as string, ...comparison };
  }
  if ('event' in j) return buildEvent(j, path, issues);
  if ('sequence' in j) {
    const steps = (j.sequence as Array<{ event: string | string[]; where?: unknown[] }>).map((s, i) => ({
      events: names(s.event),
      where: filters(s.where, `${path}.sequence[${i}].where`, issues),
    }));
    return {
      kind: 'sequence',
      steps,
      withinMs: durationMs(j.within as string),
      completed: (j.completed as boolean | undefined) ?? true,
    };
  }
  return { kind: 'segment', id: j.segment as string };
}

const names = (e: string | string[]): string[] => (Array.isArray(e) ? [...new Set(e)] : [e]);

function filters(list: unknown[] | undefined, path: string, issues: ConditionIssue[]): PropertyFilter[] {
  return (list ?? []).map((f, i) => {
    const filter = f as { property: string; op: ValueOp; value?: unknown };
    return { property: filter.property, ...checkComparison(filter, `${path}[${i}]`, issues) };
  });
}

function buildEvent(j: Record<string, unknown>, path: string, issues: ConditionIssue[]): EventNode {
  const measures = (['count', 'sum', 'avg', 'min', 'max'] as const).filter((m) => j[m] !== undefined);
  if (measures.length > 1) {
    issues.push({ path, message: `give one of count, sum, avg, min, max, not ${measures.join(' and ')}` });
  }
  const fn = measures[0] ?? 'count';
  const given = j[fn] as { op: NumberOp; value: number | [number, number]; property?: string } | undefined;
  const measure: Measure = given
    ? { fn, property: given.property ?? null, op: given.op, value: given.value }
    : { fn: 'count', property: null, op: 'gte', value: 1 };
  if ((measure.op === 'between') !== Array.isArray(measure.value)) {
    issues.push({
      path: `${path}.${fn}.value`,
      message: measure.op === 'between' ? 'between takes [low, high]' : `${measure.op} takes a number`,
    });
  }
  let window: TimeWindow = { kind: 'all_time' };
  const w = j.within as string | { from: string; to: string } | undefined;
  if (typeof w === 'string') window = { kind: 'last', ms: durationMs(w) };
  else if (w) {
    const from = Date.parse(w.from);
    const to = Date.parse(w.to);
    if (!(from < to)) issues.push({ path: `${path}.within`, message: 'from must be before to' });
    window = { kind: 'range', from, to };
  }
  return {
    kind: 'event',
    events: names(j.event as string | string[]),
    where: filters(j.where as unknown[] | undefined, `${path}.where`, issues),
    measure,
    within: window,
  };
}

/** The value each operator takes, checked once here so the compiler and evaluator can trust it. */
function checkComparison(
  c: { op: ValueOp; value?: unknown },
  path: string,
  issues: ConditionIssue[],
): Comparison {
  const v = c.value as Scalar | Scalar[] | null | undefined;
  const bad = (message: string): Comparison => {
    issues.push({ path: `${path}.value`, message });
    return { op: c.op, value: null };
  };
  const isScalar = (x: unknown): x is Scalar => ['string', 'number', 'boolean'].includes(typeof x);
  switch (c.op) {
    case 'exists':
      if (v === undefined || v === null) return { op: 'exists', value: true };
      return typeof v === 'boolean'
        ? { op: 'exists', value: v }
        : bad('exists takes true or false (or nothing)');
    case 'eq':
    case 'neq':
      return isScalar(v) ? { op: c.op, value: v } : bad(`${c.op} takes a string, number or boolean`);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return typeof v === 'number' || typeof v === 'string'
        ? { op: c.op, value: v }
        : bad(`${c.op} takes a number or a string`);
    case 'in':
    case 'nin':
      return Array.isArray(v) && v.length > 0
        ? { op: c.op, value: v }
        : bad(`${c.op} takes a non-empty list of values`);
    case 'contains':
      return typeof v === 'string' || typeof v === 'number'
        ? { op: 'contains', value: String(v) }
        : bad('contains takes a string');
    case 'between': {
      if (!Array.isArray(v) || v.length !== 2) return bad('between takes [low, high]');
      const [lo, hi] = v;
      const numbers = typeof lo === 'number' && typeof hi === 'number';
      const strings = typeof lo === 'string' && typeof hi === 'string';
      if (!numbers && !strings) return bad('between takes two numbers or two strings');
      return { op: 'between', value: [lo, hi] };
    }
    case 'before':
    case 'after':
      if (typeof v === 'string' && (ISO_DATE.test(v) || DURATION.test(v))) return { op: c.op, value: v };
      return bad(`${c.op} takes an ISO date (2025-06-18) or a duration ago (30d)`);
    case 'within_last':
    case 'birthday_within':
      return typeof v === 'string' && DURATION.test(v)
        ? { op: c.op, value: v }
        : bad(`${c.op} takes a duration such as 7d`);
  }
}

// ------------------------------------------------------------------------------ constructors

export const all = (...of: ConditionNode[]): AllNode => ({ kind: 'all', of });
export const any = (...of: ConditionNode[]): AnyNode => ({ kind: 'any', of });
export const not = (of: ConditionNode): NotNode => ({ kind: 'not', of });

export type LeafNode = Exclude<ConditionNode, AllNode | AnyNode | NotNode>;

/** The leaves of a condition, under any all / any / not. */
export function conditionLeaves(c: ConditionNode): LeafNode[] {
  switch (c.kind) {
    case 'all':
    case 'any':
      return c.of.flatMap(conditionLeaves);
    case 'not':
      return conditionLeaves(c.of);
    case 'trait':
    case 'tag':
    case 'event':
    case 'sequence':
    case 'segment':
    case 'const':
      return [c];
    default:
      return assertNever(c);
  }
}

/** Every trait, tag and segment a condition refers to (for dependency order and checks). */
export function references(c: ConditionNode): {
  traits: Set<string>;
  tags: Set<string>;
  segments: Set<string>;
} {
  const out = { traits: new Set<string>(), tags: new Set<string>(), segments: new Set<string>() };
  for (const n of conditionLeaves(c)) {
    switch (n.kind) {
      case 'trait':
        out.traits.add(n.key);
        break;
      case 'tag':
        out.tags.add(n.key);
        break;
      case 'segment':
        out.segments.add(n.id);
        break;
      case 'event':
      case 'sequence':
      case 'const':
        break;
      default:
        assertNever(n);
    }
  }
  return out;
}
