/**
 * The mapping file: how the columns of one kind of export become Segment messages.
 * Documented for users in `presets/README.md`; keep the two in step.
 */
import { z } from 'zod';
import type { Result } from '../../platform/errors.js';

export const MAPPING_KINDS = ['profiles', 'orders', 'events'] as const;
export const VALUE_TYPES = ['string', 'number', 'integer', 'boolean', 'json'] as const;
export const ENCODINGS = ['auto', 'utf8', 'gb18030'] as const;

export type MappingKind = (typeof MAPPING_KINDS)[number];
export type ValueType = (typeof VALUE_TYPES)[number];
export type Encoding = (typeof ENCODINGS)[number];

/** Keys that would reach `Object.prototype` when used as property names. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const KEY = String.raw`[\p{L}\p{N}_$-]+`;
const TARGET_RE = new RegExp(
  String.raw`^(?:userId|anonymousId|event|timestamp|externalIds\.[a-z][a-z0-9_]*|(?:traits|properties|context)(?:\.${KEY})+)$`,
  'u',
);

const JsonValue: z.ZodType<unknown> = z.json();

/** A source column, or candidate columns of which the first with a value wins. */
const Columns = z.preprocess(
  (v) => (typeof v === 'string' ? [v] : v),
  z
    .array(
      z
        .string()
        .trim()
        .min(1, 'column name must not be empty')
        .refine((c) => c !== '__proto__', 'column name "__proto__" is not allowed'),
    )
    .min(1, 'give at least one column'),
);

const FieldRuleObject = z
  .strictObject({
    from: Columns.optional(),
    type: z.enum(VALUE_TYPES).optional(),
    split: z.string().min(1).optional(),
    map: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    unmapped: z.enum(['keep', 'drop', 'reject']).optional(),
    required: z.boolean().optional(),
    default: JsonValue.optional(),
    onInvalid: z.enum(['reject', 'drop']).optional(),
  })
  .superRefine((rule, ctx) => {
    if (rule.from === undefined && rule.default === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a rule needs "from" (columns) or "default" (a constant)' });
    }
    if (rule.unmapped !== undefined && rule.map === undefined) {
      ctx.addIssue({ code: 'custom', path: ['unmapped'], message: '"unmapped" only applies with "map"' });
    }
  });

/** A field rule; `"col"` and `["a", "b"]` are shorthands for `{ "from": … }`. */
const FieldRule = z.preprocess(
  (v) => (typeof v === 'string' || Array.isArray(v) ? { from: v } : v),
  FieldRuleObject,
);

const CsvOptions = z.strictObject({
  delimiter: z
    .string()
    .length(1, 'delimiter must be one character')
    .refine((d) => d !== '"' && d !== '\n' && d !== '\r', 'delimiter cannot be a quote or a line break')
    .default(','),
  encoding: z.enum(ENCODINGS).default('auto'),
  relaxColumnCount: z.boolean().default(false),
});

const Description = z.strictObject({
  en: z.string().min(1),
  'zh-CN': z.string().min(1),
});

const IDENTIFIER_TARGET =
  /^(?:userId|anonymousId|traits\.(?:phone|email)|context\.device\.id|externalIds\..+)$/;

/** True for targets the identity graph reads (DESIGN.md, fixed contract). */
export function isIdentifierTarget(target: string): boolean {
  return IDENTIFIER_TARGET.test(target);
}

const MappingObject = z
  .strictObject({
    $schema: z.string().optional(),
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes (it names the source)'),
    kind: z.enum(MAPPING_KINDS),
    format: z.enum(['csv', 'jsonl']),
    description: Description,
    csv: CsvOptions.optional(),
    fields: z.record(z.string(), FieldRule).default({}),
    naturalKey: z.array(z.string()).min(1).optional(),
    keepUnmapped: z.enum(['properties', 'traits']).optional(),
  })
  .superRefine((m, ctx) => {
    const targets = Object.keys(m.fields);
    for (const target of targets) {
      const segments = target.split('.');
      if (!TARGET_RE.test(target) || segments.some((s) => UNSAFE_KEYS.has(s))) {
        ctx.addIssue({
          code: 'custom',
          path: ['fields', target],
          message:
            `unknown target "${target}": expected userId, anonymousId, event, timestamp, ` +
            'traits.<name>, properties.<name>, context.<path> or externalIds.<type>',
        });
      }
    }
    if (m.csv !== undefined && m.format !== 'csv') {
      ctx.addIssue({ code: 'custom', path: ['csv'], message: 'csv options need "format": "csv"' });
    }
    const has = (t: string): boolean => Object.hasOwn(m.fields, t);
    switch (m.kind) {
      case 'profiles':
        for (const target of targets) {
          if (target === 'event' || target.startsWith('properties.')) {
            ctx.addIssue({
              code: 'custom',
              path: ['fields', target],
              message:
                'profiles become identify messages, which have no event or properties; use traits.<name>',
            });
          }
        }
        if (m.keepUnmapped === 'properties') {
          ctx.addIssue({
            code: 'custom',
            path: ['keepUnmapped'],
            message: 'profiles can keep unmapped columns only as "traits"',
          });
        }
        if (!targets.some(isIdentifierTarget)) {
          ctx.addIssue({
            code: 'custom',
            path: ['fields'],
            message:
              'map at least one identifier (userId, traits.phone, traits.email, externalIds.<type>, context.device.id)',
          });
        }
        break;
      case 'orders':
        if (!has('properties.order_id')) {
          ctx.addIssue({
            code: 'custom',
            path: ['fields'],
            message: 'orders need a "properties.order_id" rule',
          });
        }
        if (!has('event')) {
          ctx.addIssue({
            code: 'custom',
            path: ['fields'],
            message: 'orders need an "event" rule (e.g. a status map, or "default": "Order Completed")',
          });
        }
        break;
      case 'events':
        if (m.format === 'csv' && !has('event')) {
          ctx.addIssue({ code: 'custom', path: ['fields'], message: 'events from CSV need an "event" rule' });
        }
        break;
    }
    m.naturalKey?.forEach((target, i) => {
      if (!has(target)) {
        ctx.addIssue({
          code: 'custom',
          path: ['naturalKey', i],
          message: `"${target}" is not a target in "fields"`,
        });
      }
    });
  });

export type FieldRule = z.output<typeof FieldRuleObject>;
export type CsvOptions = z.output<typeof CsvOptions>;
/** A validated mapping (deeply frozen). */
export type Mapping = Readonly<z.output<typeof MappingObject>>;

/** One schema violation: where (`fields["traits.phone"].type`) and what. */
export interface MappingIssue {
  path: string;
  message: string;
}

/** Validate parsed JSON as a mapping; every violation is listed with its path. */
export function parseMapping(input: unknown): Result<Mapping, MappingIssue[]> {
  const parsed = MappingObject.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      error: parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
    };
  }
  return { ok: true, value: deepFreeze(parsed.data) };
}

/** `['fields', 'traits.phone', 'from', 0]` → `fields["traits.phone"].from[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out === '' ? '(root)' : out;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
