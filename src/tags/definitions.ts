import { z } from 'zod';
import { parseCondition, type ConditionIssue, type ConditionNode } from '../conditions/index.js';

/**
 * Computed traits and tags as a marketer defines them. Both are stored as JSON, versioned (an
 * update is a new version), and checked here with every problem's path.
 */

export const KEY_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/** The seeds' tag categories (标签体系) plus 价值. */
export const CATEGORIES = {
  basic: { 'zh-CN': '基础属性', en: 'Basic attributes' },
  behaviour: { 'zh-CN': '行为', en: 'Behaviour' },
  transaction: { 'zh-CN': '交易', en: 'Transactions' },
  interest: { 'zh-CN': '兴趣偏好', en: 'Interests and preferences' },
  lifecycle: { 'zh-CN': '生命周期', en: 'Lifecycle' },
  value: { 'zh-CN': '价值', en: 'Value' },
} as const;
export type TagCategory = keyof typeof CATEGORIES;

export const STATUSES = ['draft', 'active', 'deprecated'] as const;
export type Status = (typeof STATUSES)[number];

export const SCHEDULES = { manual: null, hourly: 3_600_000, daily: 86_400_000 } as const;
export type Schedule = keyof typeof SCHEDULES;

const DURATION = /^\d{1,6}[smhd]$/;
/** Property paths of computed traits: dotted names, `*` for every element of a list. */
const TRAIT_PROPERTY =
  /^(\$(hour|weekday|source|channel|event|date|categories)|[A-Za-z_][A-Za-z0-9_]{0,63}(\.([A-Za-z0-9_]{1,64}|\*)){0,7})$/;

const localName = z.union([
  z.string().min(1).max(200),
  z.strictObject({
    'zh-CN': z.string().min(1).max(200).optional(),
    en: z.string().min(1).max(200).optional(),
  }),
]);

/**
 * What a computed trait aggregates: a function over the person's events of the given names
 * (all events when omitted), filtered by properties and a time window.
 * Derived properties: `$hour` and `$weekday` (local time of the workspace), `$date`, `$source`
 * (the source's name), `$channel` (the event's channel, else its source's name), `$event`, `$categories` (an order's line categories: `products[].category`,
 * else `categories[]`).
 */
export const AGGREGATES = [
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'first',
  'last',
  'distinct_count',
  'most_frequent',
  'top',
] as const;
export type AggregateFn = (typeof AGGREGATES)[number];

export const aggregateSchema = z
  .strictObject({
    fn: z.enum(AGGREGATES),
    event: z
      .union([z.string().min(1).max(200), z.array(z.string().min(1).max(200)).min(1).max(50)])
      .optional(),
    property: z
      .string()
      .regex(
        TRAIT_PROPERTY,
        'must be a property path (category, products.*.category) or $hour, $weekday, $date, $source, $channel, $event, $categories',
      )
      .optional(),
    where: z.array(z.unknown()).max(50).optional(),
    within: z.string().regex(DURATION, 'must be a duration such as 30d').optional(),
    /** `top`: how many values, most frequent first. */
    limit: z.number().int().min(1).max(50).optional(),
    /** `top`: only values seen at least this often. */
    minCount: z.number().int().min(1).max(100_000).optional(),
  })
  .superRefine((a, ctx) => {
    const needsProperty = ['sum', 'avg', 'min', 'max', 'distinct_count', 'most_frequent', 'top'];
    if (needsProperty.includes(a.fn) && a.property === undefined) {
      ctx.addIssue({ code: 'custom', path: ['property'], message: `${a.fn} needs a property` });
    }
    const listed = a.property !== undefined && (a.property.includes('*') || a.property === '$categories');
    if (listed && !['distinct_count', 'most_frequent', 'top'].includes(a.fn)) {
      ctx.addIssue({
        code: 'custom',
        path: ['property'],
        message: 'a list property (* or $categories) works with distinct_count, most_frequent and top',
      });
    }
    if (a.fn === 'count' && a.property !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['property'],
        message: 'count counts events; it takes no property',
      });
    }
  });
export type Aggregate = z.infer<typeof aggregateSchema>;

/** Built-in purchase measures (DESIGN.md: purchases are `Order Completed`, refunds take them back). */
export const PURCHASE_METRICS = [
  'orders',
  'revenue',
  'aov',
  'first_order_at',
  'last_order_at',
  'repurchases',
  'days_since_last_order',
] as const;
export type PurchaseMetric = (typeof PURCHASE_METRICS)[number];

const traitSpec = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('aggregate'), aggregate: aggregateSchema }),
  z.strictObject({ kind: z.literal('purchases'), metric: z.enum(PURCHASE_METRICS) }),
]);

export const traitDefinitionSchema = z.strictObject({
  key: z.string().regex(KEY_PATTERN, 'must be lower-case letters, digits and _ (starting with a letter)'),
  name: localName.optional(),
  description: z.string().max(2000).default(''),
  owner: z.string().max(200).default(''),
  status: z.enum(STATUSES).default('active'),
  schedule: z.enum(Object.keys(SCHEDULES) as [Schedule, ...Schedule[]]).default('daily'),
  spec: traitSpec,
});
export type TraitDefinition = z.infer<typeof traitDefinitionSchema>;

/** What a value-producing tag reads: a trait (computed or profile) or an inline aggregate. */
const valueSource = z.union([
  z.strictObject({ trait: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a trait key') }),
  z.strictObject({ aggregate: aggregateSchema }),
]);
export type ValueSource = z.infer<typeof valueSource>;

const tagValue = z.union([z.string().min(1).max(200), z.number().finite(), z.boolean()]);

export const MODELS = ['rfm_score', 'rfm_class', 'lifecycle', 'top_share'] as const;
export type Model = (typeof MODELS)[number];

const modelSpec = z.discriminatedUnion('model', [
  /** R, F or M quintile among buyers, 5 best; ties share a score. */
  z.strictObject({ kind: z.literal('model'), model: z.literal('rfm_score'), part: z.enum(['r', 'f', 'm']) }),
  /** The eight classic classes from rfm_r/f/m: high is a score of at least `high`. */
  z.strictObject({
    kind: z.literal('model'),
    model: z.literal('rfm_class'),
    high: z.number().int().min(2).max(5).default(3),
  }),
  z.strictObject({
    kind: z.literal('model'),
    model: z.literal('lifecycle'),
    newDays: z.number().positive().max(3650).default(30),
    activeDays: z.number().positive().max(3650).default(90),
    dormantDays: z.number().positive().max(3650).default(180),
  }),
  /** true for the top `share` of profiles by a numeric source (e.g. spend top 10 %). */
  z.strictObject({
    kind: z.literal('model'),
    model: z.literal('top_share'),
    of: valueSource,
    share: z.number().gt(0).lt(1),
  }),
]);

const tagSpec = z.union([
  z.strictObject({ kind: z.literal('rule'), condition: z.unknown() }),
  z.strictObject({
    kind: z.literal('bucket'),
    /** Ordered rules: the first whose condition holds gives the value. */
    rules: z
      .array(z.strictObject({ value: tagValue, condition: z.unknown() }))
      .min(1)
      .max(100),
    otherwise: tagValue.optional(),
  }),
  z.strictObject({
    kind: z.literal('range'),
    of: valueSource,
    /** [min, max) ranges over a number, in order; the first that holds gives the value. */
    ranges: z
      .array(
        z.strictObject({
          value: tagValue,
          min: z.number().finite().optional(),
          max: z.number().finite().optional(),
        }),
      )
      .min(1)
      .max(100),
    otherwise: tagValue.optional(),
  }),
  z.strictObject({ kind: z.literal('computed'), of: valueSource }),
  modelSpec,
  z.strictObject({ kind: z.literal('manual') }),
]);
export type TagSpec = z.infer<typeof tagSpec>;

export const tagDefinitionSchema = z.strictObject({
  key: z.string().regex(KEY_PATTERN, 'must be lower-case letters, digits and _ (starting with a letter)'),
  name: localName.optional(),
  category: z.enum(Object.keys(CATEGORIES) as [TagCategory, ...TagCategory[]]),
  description: z.string().max(2000).default(''),
  owner: z.string().max(200).default(''),
  status: z.enum(STATUSES).default('active'),
  schedule: z.enum(Object.keys(SCHEDULES) as [Schedule, ...Schedule[]]).default('daily'),
  spec: tagSpec,
});
export type TagDefinition = z.infer<typeof tagDefinitionSchema>;
export type TagDefinitionInput = z.input<typeof tagDefinitionSchema>;
export type TraitDefinitionInput = z.input<typeof traitDefinitionSchema>;

/** A definition with its conditions parsed (what the planner compiles). */
export interface CheckedTag {
  definition: TagDefinition;
  rule?: ConditionNode;
  buckets?: Array<{ value: string | number | boolean; condition: ConditionNode }>;
  aggregateWhere?: ConditionNode[];
}

export type Checked<T> = { ok: true; value: T } | { ok: false; issues: ConditionIssue[] };

const zodIssues = (error: z.ZodError, base: string): ConditionIssue[] =>
  error.issues.map((i) => ({ path: [base, ...i.path.map(String)].join('.'), message: i.message }));

/** Parses the `where` filters of an aggregate (the condition language's property filters). */
export function parseWhere(where: unknown[] | undefined, path: string): Checked<ConditionNode | null> {
  if (!where || where.length === 0) return { ok: true, value: null };
  // Property filters have the condition language's shape; reuse its parser on an event condition.
  const parsed = parseCondition({ event: '$any', where }, path);
  if (!parsed.ok) {
    return {
      ok: false,
      issues: parsed.issues.map((i) => ({ ...i, path: i.path.replace(`${path}.where`, path) })),
    };
  }
  return { ok: true, value: parsed.condition };
}

export function checkTrait(input: unknown): Checked<TraitDefinition> {
  const parsed = traitDefinitionSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: zodIssues(parsed.error, 'trait') };
  const def = parsed.data;
  if (def.spec.kind === 'aggregate') {
    const where = parseWhere(def.spec.aggregate.where, 'trait.spec.aggregate.where');
    if (!where.ok) return where;
  }
  return { ok: true, value: def };
}

export function checkTag(input: unknown): Checked<CheckedTag> {
  const parsed = tagDefinitionSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: zodIssues(parsed.error, 'tag') };
  const definition = parsed.data;
  const spec = definition.spec;
  const issues: ConditionIssue[] = [];
  const out: CheckedTag = { definition };
  const condition = (json: unknown, path: string): ConditionNode | null => {
    const c = parseCondition(json, path);
    if (!c.ok) {
      issues.push(...c.issues);
      return null;
    }
    return c.condition;
  };
  const checkSource = (s: ValueSource, path: string): void => {
    if ('aggregate' in s) {
      const w = parseWhere(s.aggregate.where, `${path}.aggregate.where`);
      if (!w.ok) issues.push(...w.issues);
    }
  };
  switch (spec.kind) {
    case 'rule':
      out.rule = condition(spec.condition, 'tag.spec.condition') ?? undefined;
      break;
    case 'bucket':
      out.buckets = spec.rules.map((r, i) => ({
        value: r.value,
        condition: condition(r.condition, `tag.spec.rules[${i}].condition`) ?? {
          kind: 'const',
          value: false,
        },
      }));
      break;
    case 'range':
    case 'computed':
      checkSource(spec.of, 'tag.spec.of');
      break;
    case 'model':
      if (spec.model === 'top_share') checkSource(spec.of, 'tag.spec.of');
      break;
    case 'manual':
      break;
  }
  if (spec.kind === 'range') {
    spec.ranges.forEach((r, i) => {
      if (r.min !== undefined && r.max !== undefined && !(r.min < r.max)) {
        issues.push({ path: `tag.spec.ranges[${i}]`, message: 'min must be below max' });
      }
    });
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: out };
}

/** What kind of value a tag holds (how its distribution is summarised). */
export function tagValueKind(
  spec: TagSpec,
  traitKind: (key: string) => 'number' | 'other',
): 'number' | 'category' {
  switch (spec.kind) {
    case 'rule':
    case 'bucket':
    case 'range':
    case 'manual':
      return 'category';
    case 'model':
      return 'category';
    case 'computed': {
      const s = spec.of;
      if ('trait' in s) return traitKind(s.trait) === 'number' ? 'number' : 'category';
      return ['count', 'sum', 'avg', 'min', 'max', 'distinct_count'].includes(s.aggregate.fn)
        ? 'number'
        : 'category';
    }
  }
}

/** Whether a computed trait holds a number (its distribution is summarised, not counted). */
export function traitKind(def: TraitDefinition | undefined): 'number' | 'other' {
  if (!def) return 'other';
  if (def.spec.kind === 'purchases')
    return ['first_order_at', 'last_order_at'].includes(def.spec.metric) ? 'other' : 'number';
  return ['count', 'sum', 'avg', 'min', 'max', 'distinct_count'].includes(def.spec.aggregate.fn)
    ? 'number'
    : 'other';
}
