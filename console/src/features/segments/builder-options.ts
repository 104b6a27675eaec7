import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { roleAllows, type LocalName } from '../../api-types';
import { useUser } from '../../app/session';
import { useI18n, type Lang } from '../../i18n';
import { segmentsApi, type ComputedTrait, type SegmentDetail } from './api';
import type { Scalar, ValueOp } from './condition-tree';

/**
 * What the builder's pickers offer: trait keys (computed traits and the traits people carry),
 * tags, event names and their properties, other segments. There is no route listing event names
 * or profile trait keys, so those come from the recent stored events (analysts and up); the
 * Segment e-commerce spec's names are always offered.
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

/** Traits whose values are dates whatever the sample says. */
const DATE_TRAITS = new Set(['birthday', 'registered_at', 'created_at', 'first_order_at', 'last_order_at']);

export interface KeyOption {
  key: string;
  label: string;
  type: ValueType;
  /** Values seen, most common first (traits from identify events, properties from track events). */
  values: Scalar[];
  computed?: boolean;
}

export interface BuilderOptions {
  traits: KeyOption[];
  tags: Array<{ key: string; label: string; kind: string; model?: string }>;
  events: string[];
  propertiesOf: (events: string[]) => KeyOption[];
  segments: SegmentDetail[];
  /** False when the role cannot read stored events: names and properties are typed, not picked. */
  sampled: boolean;
}

export const localName = (name: LocalName | undefined, lang: Lang): string | undefined =>
  typeof name === 'string' ? name : (name?.[lang] ?? name?.['zh-CN'] ?? name?.en);

const ISO_LIKE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}.*)?$/;

function typeOf(v: unknown): ValueType {
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'boolean';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'string') return ISO_LIKE.test(v) ? 'date' : 'string';
  return 'any';
}

/** Keys of objects with the types and values seen under them (one level of nesting, as `a.b`). */
class KeyStats {
  private readonly keys = new Map<
    string,
    { types: Map<ValueType, number>; values: Map<string, [Scalar, number]> }
  >();

  add(obj: Record<string, unknown> | undefined, prefix = ''): void {
    if (!obj) return;
    for (const [k, v] of Object.entries(obj)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(k)) continue;
      const key = prefix + k;
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        if (!prefix) this.add(v as Record<string, unknown>, `${key}.`);
        continue;
      }
      let s = this.keys.get(key);
      if (!s) this.keys.set(key, (s = { types: new Map(), values: new Map() }));
      const ty = typeOf(v);
      s.types.set(ty, (s.types.get(ty) ?? 0) + 1);
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
        const id = `${typeof v}:${String(v)}`;
        const seen = s.values.get(id);
        if (seen) seen[1] += 1;
        else if (s.values.size < 200) s.values.set(id, [v, 1]);
      }
    }
  }

  list(): KeyOption[] {
    return [...this.keys].map(([key, s]) => {
      const [type] = [...s.types].sort((a, b) => b[1] - a[1])[0] ?? ['any'];
      const values = [...s.values.values()].sort((a, b) => b[1] - a[1]).map(([v]) => v);
      return { key, label: key, type: DATE_TRAITS.has(key) ? 'date' : type, values: values.slice(0, 50) };
    });
  }
}

function computedType(t: ComputedTrait): ValueType {
  const spec = t.definition.spec;
  if (spec.kind === 'purchases') return spec.metric.endsWith('_at') ? 'date' : 'number';
  const fn = spec.aggregate.fn;
  if (['count', 'sum', 'avg', 'min', 'max', 'distinct_count'].includes(fn)) return 'number';
  return fn === 'top' ? 'list' : 'any';
}

export function useBuilderOptions(): BuilderOptions {
  const { lang } = useI18n();
  const user = useUser();
  const sampled = roleAllows(user.role, 'analyst');
  const traits = useQuery({ queryKey: ['traits'], queryFn: ({ signal }) => segmentsApi.traits(signal) });
  const tags = useQuery({ queryKey: ['tags'], queryFn: ({ signal }) => segmentsApi.tags(signal) });
  const segments = useQuery({ queryKey: ['segments'], queryFn: ({ signal }) => segmentsApi.list(signal) });
  const staleTime = 5 * 60_000;
  const tracks = useQuery({
    queryKey: ['segments', 'recent-events', 'track'],
    queryFn: ({ signal }) => segmentsApi.recentEvents('track', signal),
    enabled: sampled,
    staleTime,
  });
  const identifies = useQuery({
    queryKey: ['segments', 'recent-events', 'identify'],
    queryFn: ({ signal }) => segmentsApi.recentEvents('identify', signal),
    enabled: sampled,
    staleTime,
  });

  return useMemo<BuilderOptions>(() => {
    const profileTraits = new KeyStats();
    for (const e of identifies.data?.events ?? []) profileTraits.add(e.traits);
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
    const own = profileTraits.list().filter((k) => !computedKeys.has(k.key) && !k.key.includes('.'));

    const byEvent = new Map<string, KeyStats>();
    const counts = new Map<string, number>();
    for (const e of tracks.data?.events ?? []) {
      if (!e.event) continue;
      counts.set(e.event, (counts.get(e.event) ?? 0) + 1);
      let s = byEvent.get(e.event);
      if (!s) byEvent.set(e.event, (s = new KeyStats()));
      s.add(e.properties);
    }
    const seen = [...counts].sort((a, b) => b[1] - a[1]).map(([name]) => name);
    const events = [...new Set([...seen, ...SPEC_EVENTS])];
    const propertyCache = new Map<string, KeyOption[]>();
    const propertiesOf = (names: string[]): KeyOption[] => {
      const id = names.join('\u0000');
      const cached = propertyCache.get(id);
      if (cached) return cached;
      const merged = new Map<string, KeyOption>();
      for (const n of names.length > 0 ? names : [...byEvent.keys()])
        for (const p of byEvent.get(n)?.list() ?? []) if (!merged.has(p.key)) merged.set(p.key, p);
      const list = [...merged.values()].sort((a, b) => a.key.localeCompare(b.key));
      propertyCache.set(id, list);
      return list;
    };

    return {
      traits: [...computed, ...own.sort((a, b) => a.key.localeCompare(b.key))],
      tags: (tags.data?.tags ?? []).map((t) => {
        const name = localName(t.definition.name, lang);
        return {
          key: t.key,
          label: name ? `${name} (${t.key})` : t.key,
          kind: t.definition.spec.kind,
          model: t.definition.spec.model,
        };
      }),
      events,
      propertiesOf,
      segments: segments.data?.segments ?? [],
      sampled,
    };
  }, [identifies.data, tracks.data, traits.data, tags.data, segments.data, lang, sampled]);
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
