import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { LocalName } from '../../api-types';
import { useI18n, type Lang } from '../../i18n';
import { segmentsApi, type ComputedTrait, type DataSchema, type SegmentDetail } from './api';
import { KEY, PROPERTY_PATH, type Scalar, type ValueOp } from './condition-tree';

/**
 * What the builder's pickers offer: trait keys (computed traits and the traits people carry),
 * tags, event names with how often they happened and the properties each carries, other
 * segments. Event names, properties and trait keys come from `GET /api/v1/schema` (any role);
 * the Segment e-commerce spec's names are offered too, after the ones the store holds.
 */

export type ValueType = 'string' | 'number' | 'date' | 'boolean' | 'list' | 'any';

/** The operators that make sense for a type of value; the builder still shows an op already in use. */
export const OPS_BY_TYPE: Record<ValueType, readonly ValueOp[]> = {
  string: ['eq', 'neq', 'in', 'nin', 'contains', 'exists'],
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'nin', 'exists'],
  date: ['before', 'after', 'within_last', 'birthday_within', 'between', 'eq', 'exists'],
  boolean: ['eq', 'neq', 'exists'],
  list: ['contains', 'exists'],
  any: [
    'eq',
    'neq',
    'gt',
    'gte',
    'lt',
    'lte',
    'in',
    'nin',
    'contains',
    'between',
    'before',
    'after',
    'within_last',
    'birthday_within',
    'exists',
  ],
};

/** Purchases and the usual funnel (Segment's e-commerce and B2B SaaS specs). */
const SPEC_EVENTS = [
  'Order Completed',
  'Order Refunded',
  'Order Cancelled',
  'Product Viewed',
  'Product Added',
  'Product Removed',
  'Cart Viewed',
  'Checkout Started',
  'Products Searched',
  'Coupon Applied',
  'Signed Up',
  'Signed In',
  'Segment Entered',
  'Segment Exited',
];

/**
 * The schema names keys, not their types: these are dates or numbers by convention (the
 * Segment spec's properties, the demo brand's traits), everything else takes any operator.
 */
const DATE_KEYS = new Set(['birthday', 'registered_at', 'created_at', 'first_order_at', 'last_order_at']);
const NUMBER_KEYS = new Set([
  'revenue',
  'total',
  'subtotal',
  'price',
  'quantity',
  'value',
  'discount',
  'tax',
  'shipping',
  'amount',
  'age',
  'orders',
  'points',
]);
const typeOfKey = (key: string): ValueType => {
  const last = key.split('.').pop() ?? key;
  return DATE_KEYS.has(last) || last.endsWith('_at') ? 'date' : NUMBER_KEYS.has(last) ? 'number' : 'any';
};

export interface KeyOption {
  key: string;
  label: string;
  type: ValueType;
  /** Values to suggest (none come with the schema; kept for editors that have some). */
  values: Scalar[];
  computed?: boolean;
  /** How many sampled events carry the key. */
  count?: number;
}

export interface EventOption {
  name: string;
  /** Stored events of this name (0: a spec name not seen yet). */
  count: number;
  lastSeen: string | null;
}

export interface BuilderOptions {
  traits: KeyOption[];
  tags: Array<{ key: string; label: string; kind: string; model?: string }>;
  events: EventOption[];
  propertiesOf: (events: string[]) => KeyOption[];
  segments: SegmentDetail[];
}

export const localName = (name: LocalName | undefined, lang: Lang): string | undefined =>
  typeof name === 'string' ? name : (name?.[lang] ?? name?.['zh-CN'] ?? name?.en);

function computedType(t: ComputedTrait): ValueType {
  const spec = t.definition.spec;
  if (spec.kind === 'purchases') return spec.metric.endsWith('_at') ? 'date' : 'number';
  const fn = spec.aggregate.fn;
  if (['count', 'sum', 'avg', 'min', 'max', 'distinct_count'].includes(fn)) return 'number';
  return fn === 'top' ? 'list' : 'any';
}

/** The store's event names, property keys and trait keys (shared by every picker, 5 minutes fresh). */
export function useDataSchema(): { data: DataSchema | undefined; isPending: boolean } {
  const q = useQuery({
    queryKey: ['schema'],
    queryFn: ({ signal }) => segmentsApi.schema(signal),
    staleTime: 5 * 60_000,
  });
  return { data: q.data, isPending: q.isPending };
}

/** The event names to offer: the stored ones, most frequent first, then the spec's others. */
export function eventOptions(schema: DataSchema | undefined): EventOption[] {
  const seen: EventOption[] = (schema?.events ?? []).map((e) => ({
    name: e.name,
    count: e.count,
    lastSeen: e.lastSeen,
  }));
  const names = new Set(seen.map((e) => e.name));
  return [
    ...seen,
    ...SPEC_EVENTS.filter((n) => !names.has(n)).map((name) => ({ name, count: 0, lastSeen: null })),
  ];
}

/** The property keys of some events (of all of them for none), most frequent first. */
export function propertiesOf(schema: DataSchema | undefined, names: string[]): KeyOption[] {
  const counts = new Map<string, number>();
  const wanted = new Set(names);
  for (const e of schema?.events ?? [])
    if (wanted.size === 0 || wanted.has(e.name))
      for (const p of e.properties)
        if (PROPERTY_PATH.test(p.key)) counts.set(p.key, (counts.get(p.key) ?? 0) + p.count);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([key, count]) => ({ key, label: key, type: typeOfKey(key), values: [], count }));
}

export function useBuilderOptions(): BuilderOptions {
  const { lang } = useI18n();
  const traits = useQuery({ queryKey: ['traits'], queryFn: ({ signal }) => segmentsApi.traits(signal) });
  const tags = useQuery({ queryKey: ['tags'], queryFn: ({ signal }) => segmentsApi.tags(signal) });
  const segments = useQuery({ queryKey: ['segments'], queryFn: ({ signal }) => segmentsApi.list(signal) });
  const schema = useDataSchema().data;

  return useMemo<BuilderOptions>(() => {
    const computed: KeyOption[] = (traits.data?.traits ?? []).map((t) => {
      const name = localName(t.definition.name, lang);
      return {
        key: t.key,
        label: name ? `${name} (${t.key})` : t.key,
        type: computedType(t),
        values: [],
        computed: true,
      };
    });
    const computedKeys = new Set(computed.map((c) => c.key));
    const own: KeyOption[] = (schema?.traits ?? [])
      .filter((k) => KEY.test(k.key) && !computedKeys.has(k.key))
      .map((k) => ({ key: k.key, label: k.key, type: typeOfKey(k.key), values: [], count: k.count }));
    const cache = new Map<string, KeyOption[]>();
    return {
      traits: [...computed, ...own],
      tags: (tags.data?.tags ?? []).map((t) => {
        const name = localName(t.definition.name, lang);
        return {
          key: t.key,
          label: name ? `${name} (${t.key})` : t.key,
          kind: t.definition.spec.kind,
          model: t.definition.spec.model,
        };
      }),
      events: eventOptions(schema),
      propertiesOf: (names) => {
        const id = names.join('\u0000');
        let list = cache.get(id);
        if (!list) cache.set(id, (list = propertiesOf(schema, names)));
        return list;
      },
      segments: segments.data?.segments ?? [],
    };
  }, [schema, traits.data, tags.data, segments.data, lang]);
}

const ISO_LIKE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}.*)?$/;

function typeOf(v: unknown): ValueType {
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'boolean';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'string') return ISO_LIKE.test(v) ? 'date' : 'string';
  return 'any';
}

/** A tag's values with how many people hold each (GET /api/v1/tags/:key stats). */
export function useTagValues(key: string): {
  values: Array<{ value: Scalar; profiles: number }>;
  type: ValueType;
} {
  const q = useQuery({
    queryKey: ['tag', key, 'stats'],
    queryFn: ({ signal }) => segmentsApi.tagStats(key, signal),
    enabled: /^[a-z][a-z0-9_]{0,63}$/.test(key),
    staleTime: 60_000,
    retry: false,
  });
  return useMemo(() => {
    const stats = q.data?.stats;
    const values = (stats?.values ?? []).flatMap((v) =>
      typeof v.value === 'string' || typeof v.value === 'number' || typeof v.value === 'boolean'
        ? [{ value: v.value, profiles: v.profiles }]
        : [],
    );
    let type: ValueType = stats?.summary ? 'number' : 'any';
    if (values.length > 0) type = typeOf(values[0]!.value);
    return { values, type };
  }, [q.data]);
}
