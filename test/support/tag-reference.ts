import {
  asNumber,
  compareValue,
  evaluate,
  parseCondition,
  propertyAt,
  type FactEvent,
} from '../../src/conditions/index.js';
import { durationMs } from '../../src/conditions/index.js';
import type { TagDefinition, TraitDefinition } from '../../src/tags/index.js';
import { RFM_CLASSES } from '../../src/tags/index.js';

/*
 * Traits and tags computed the plain way, one person at a time in memory, from the definitions
 * as written in docs/tags.md: what the SQL refresh is compared with.
 */

export interface RefEvent {
  seq: number;
  /** As stored: track events have a name; page calls are `Page Viewed`; identify has none. */
  event: string | null;
  ts: number;
  sourceId: string;
  properties: Record<string, unknown>;
  traits: Record<string, unknown> | null;
}

export interface RefPerson {
  profileId: string;
  events: RefEvent[];
}

export interface RefContext {
  now: number;
  offsetMs: number;
  sourceNames: Record<string, string>;
}

const DAY = 86_400_000;
const later = (a: RefEvent, b: RefEvent): boolean => a.ts > b.ts || (a.ts === b.ts && a.seq > b.seq);

/** Code point order, as SQL compares text. */
function textOrder(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

interface Buyer {
  orders: number;
  revenue: number;
  first: number;
  last: number;
}

/** Orders once per order id, less those the person's refunds name; revenue is revenue, else total. */
export function purchases(person: RefPerson): Buyer | null {
  const refunded = refundedOrders([person]);
  const byOrder = new Map<string, { ts: number; revenue: number }>();
  for (const e of person.events) {
    if (e.event !== 'Order Completed') continue;
    const id = e.properties.order_id;
    const oid = typeof id === 'string' ? id : `seq:${e.seq}`;
    const revenue = asNumber(e.properties.revenue) ?? asNumber(e.properties.total) ?? 0;
    const cur = byOrder.get(oid);
    if (!cur) byOrder.set(oid, { ts: e.ts, revenue });
    else byOrder.set(oid, { ts: Math.min(cur.ts, e.ts), revenue: Math.max(cur.revenue, revenue) });
  }
  const kept = [...byOrder].filter(([oid]) => !refunded.has(oid)).map(([, o]) => o);
  if (kept.length === 0) return null;
  return {
    orders: kept.length,
    revenue: kept.reduce((s, o) => s + o.revenue, 0),
    first: Math.min(...kept.map((o) => o.ts)),
    last: Math.max(...kept.map((o) => o.ts)),
  };
}

export function refundedOrders(people: readonly RefPerson[]): Set<string> {
  const out = new Set<string>();
  for (const p of people)
    for (const e of p.events)
      if (e.event === 'Order Refunded' && typeof e.properties.order_id === 'string')
        out.add(e.properties.order_id);
  return out;
}

function derived(e: RefEvent, path: string, ctx: RefContext): unknown {
  const local = new Date(e.ts + ctx.offsetMs);
  switch (path) {
    case '$hour':
      return local.getUTCHours();
    case '$weekday':
      return local.getUTCDay() === 0 ? 7 : local.getUTCDay();
    case '$date':
      return local.toISOString().slice(0, 10);
    case '$source':
      return ctx.sourceNames[e.sourceId] ?? e.sourceId;
    case '$event':
      return e.event;
    case '$channel':
      // No context in these events: the event's own channel, else the source's name.
      return typeof e.properties.channel === 'string'
        ? e.properties.channel
        : (ctx.sourceNames[e.sourceId] ?? e.sourceId);
    default:
      return propertyAt(e.properties, path);
  }
}

/** The values an event contributes to a value-counting aggregate (lists give every element). */
function valuesOf(e: RefEvent, path: string, ctx: RefContext): unknown[] {
  if (path === '$categories') {
    const products = e.properties.products;
    const fromProducts = Array.isArray(products)
      ? products
          .map((p) =>
            p !== null && typeof p === 'object' ? (p as Record<string, unknown>).category : undefined,
          )
          .filter((c) => c !== undefined)
      : [];
    if (fromProducts.length > 0) return fromProducts;
    return Array.isArray(e.properties.categories) ? e.properties.categories : [];
  }
  if (path.includes('*')) {
    const [head, ...rest] = path.split('.*');
    const list = propertyAt(e.properties, head!);
    if (!Array.isArray(list)) return [];
    const tail = rest.join('.*').replace(/^\./, '');
    return list.map((x) => (tail ? propertyAt(x, tail) : x)).filter((x) => x !== undefined);
  }
  return [derived(e, path, ctx)];
}

type Aggregate = Extract<TraitDefinition['spec'], { kind: 'aggregate' }>['aggregate'];

export function referenceAggregate(person: RefPerson, a: Aggregate, ctx: RefContext): unknown {
  const names = a.event === undefined ? null : Array.isArray(a.event) ? a.event : [a.event];
  const parsedWhere = a.where && a.where.length > 0 ? parseCondition({ event: '$', where: a.where }) : null;
  const where =
    parsedWhere && parsedWhere.ok && parsedWhere.condition.kind === 'event'
      ? parsedWhere.condition.where
      : [];
  const windowMs = a.within === undefined ? null : durationMs(a.within);
  const matched = person.events.filter(
    (e) =>
      (names === null || (e.event !== null && names.includes(e.event))) &&
      (windowMs === null || (e.ts >= ctx.now - windowMs && e.ts <= ctx.now)) &&
      where.every((f) =>
        compareValue(propertyAt(e.properties, f.property), f, { now: ctx.now, offsetMs: ctx.offsetMs }),
      ),
  );
  const numbers = (): number[] =>
    matched.map((e) => asNumber(derived(e, a.property!, ctx))).filter((n): n is number => n !== null);
  switch (a.fn) {
    case 'count':
      return matched.length;
    case 'sum':
      return numbers().reduce((s, n) => s + n, 0);
    case 'avg': {
      const ns = numbers();
      return ns.length === 0 ? null : ns.reduce((s, n) => s + n, 0) / ns.length;
    }
    case 'min': {
      const ns = numbers();
      return ns.length === 0 ? null : Math.min(...ns);
    }
    case 'max': {
      const ns = numbers();
      return ns.length === 0 ? null : Math.max(...ns);
    }
    case 'first':
    case 'last': {
      const pick = a.fn === 'last' ? later : (x: RefEvent, y: RefEvent) => later(y, x);
      let best: RefEvent | null = null;
      for (const e of matched) {
        if (a.property !== undefined) {
          const v = derived(e, a.property, ctx);
          if (v === undefined || v === null) continue;
        }
        if (best === null || pick(e, best)) best = e;
      }
      if (best === null) return null;
      return a.property === undefined ? new Date(best.ts).toISOString() : derived(best, a.property, ctx);
    }
    case 'distinct_count':
    case 'most_frequent':
    case 'top': {
      const stats = new Map<string, { n: number; last: RefEvent }>();
      for (const e of matched) {
        for (const v of valuesOf(e, a.property!, ctx)) {
          if (v === null || v === undefined) continue;
          const k = JSON.stringify(v);
          const s = stats.get(k);
          if (!s) stats.set(k, { n: 1, last: e });
          else {
            s.n++;
            if (later(e, s.last)) s.last = e;
          }
        }
      }
      if (a.fn === 'distinct_count') return stats.size;
      const ranked = [...stats].sort(
        ([ka, a1], [kb, b1]) =>
          b1.n - a1.n || (later(a1.last, b1.last) ? -1 : later(b1.last, a1.last) ? 1 : textOrder(ka, kb)),
      );
      if (a.fn === 'most_frequent')
        return ranked.length === 0 ? null : (JSON.parse(ranked[0]![0]) as unknown);
      const kept = ranked.filter(([, s]) => s.n >= (a.minCount ?? 1)).slice(0, a.limit ?? 3);
      return kept.length === 0 ? null : kept.map(([k]) => JSON.parse(k) as unknown);
    }
  }
}

export function referenceTrait(
  person: RefPerson,
  def: TraitDefinition,
  buyer: Buyer | null,
  ctx: RefContext,
): unknown {
  const spec = def.spec;
  if (spec.kind === 'aggregate') return referenceAggregate(person, spec.aggregate, ctx);
  switch (spec.metric) {
    case 'orders':
      return buyer?.orders ?? 0;
    case 'revenue':
      return buyer?.revenue ?? 0;
    case 'aov':
      return buyer ? buyer.revenue / buyer.orders : null;
    case 'first_order_at':
      return buyer ? new Date(buyer.first).toISOString() : null;
    case 'last_order_at':
      return buyer ? new Date(buyer.last).toISOString() : null;
    case 'repurchases':
      return buyer ? buyer.orders - 1 : 0;
    case 'days_since_last_order':
      return buyer ? Math.floor((ctx.now - buyer.last) / DAY) : null;
  }
}

/** Profile traits: the latest non-null value of each key over the person's events. */
export function latestTraits(person: RefPerson): Record<string, unknown> {
  const best: Record<string, { v: unknown; e: RefEvent }> = {};
  for (const e of person.events) {
    for (const [k, v] of Object.entries(e.traits ?? {})) {
      if (v === null || v === undefined) continue;
      const cur = best[k];
      if (!cur || later(e, cur.e)) best[k] = { v, e };
    }
  }
  return Object.fromEntries(Object.entries(best).map(([k, b]) => [k, b.v]));
}

/** Every person's traits and tags (tags in dependency order, as given). */
export function referenceRefresh(
  people: readonly RefPerson[],
  traits: readonly TraitDefinition[],
  tags: readonly TagDefinition[],
  ctx: RefContext,
): Map<string, { traits: Record<string, unknown>; tags: Record<string, unknown> }> {
  const out = new Map<string, { traits: Record<string, unknown>; tags: Record<string, unknown> }>();
  const buyers = new Map<string, Buyer | null>();
  for (const p of people) {
    const buyer = purchases(p);
    buyers.set(p.profileId, buyer);
    const values: Record<string, unknown> = {};
    for (const t of traits) {
      const v = referenceTrait(p, t, buyer, ctx);
      if (v !== null && v !== undefined) values[t.key] = v;
    }
    out.set(p.profileId, { traits: values, tags: {} });
  }
  const facts = (p: RefPerson): FactEvent[] =>
    p.events.map((e) => ({ seq: e.seq, event: e.event, ts: e.ts, properties: e.properties }));
  const sourceValue = (p: RefPerson, of: { trait: string } | { aggregate: Aggregate }): unknown => {
    if ('trait' in of) {
      return traits.some((d) => d.key === of.trait)
        ? (out.get(p.profileId)!.traits[of.trait] ?? null)
        : (latestTraits(p)[of.trait] ?? null);
    }
    return referenceAggregate(p, of.aggregate, ctx);
  };
  for (const t of tags) {
    const spec = t.spec;
    const buyerList = people.filter((p) => buyers.get(p.profileId));
    for (const p of people) {
      const row = out.get(p.profileId)!;
      const b = buyers.get(p.profileId) ?? null;
      const profileTraits = latestTraits(p);
      const subject = {
        trait: (k: string) => (traits.some((d) => d.key === k) ? row.traits[k] : profileTraits[k]),
        tag: (k: string) => row.tags[k],
        events: facts(p),
      };
      const cmp = { now: ctx.now, offsetMs: ctx.offsetMs };
      let value: unknown = null;
      switch (spec.kind) {
        case 'rule': {
          const c = parseCondition(spec.condition);
          if (!c.ok) throw new Error('rule does not parse');
          value = evaluate(c.condition, subject, cmp) ? true : null;
          break;
        }
        case 'bucket': {
          value = spec.otherwise ?? null;
          for (const r of spec.rules) {
            const c = parseCondition(r.condition);
            if (c.ok && evaluate(c.condition, subject, cmp)) {
              value = r.value;
              break;
            }
          }
          break;
        }
        case 'range': {
          const n = asNumber(sourceValue(p, spec.of));
          value = spec.otherwise ?? null;
          if (n !== null) {
            const hit = spec.ranges.find(
              (r) => (r.min === undefined || n >= r.min) && (r.max === undefined || n < r.max),
            );
            if (hit) value = hit.value;
          }
          break;
        }
        case 'computed':
          value = sourceValue(p, spec.of);
          break;
        case 'manual':
          value = null;
          break;
        case 'model':
          switch (spec.model) {
            case 'rfm_score': {
              if (!b) break;
              const x = (q: Buyer): number =>
                spec.part === 'r' ? q.last : spec.part === 'f' ? q.orders : q.revenue;
              const rank = 1 + buyerList.filter((q) => x(buyers.get(q.profileId)!) < x(b)).length;
              const n = buyerList.length;
              value = n === 1 ? 1 : Math.min(5, 1 + Math.floor((5 * (rank - 1)) / (n - 1)));
              break;
            }
            case 'rfm_class': {
              const [r, f, m] = ['rfm_r', 'rfm_f', 'rfm_m'].map((k) => row.tags[k] as number | undefined);
              if (r === undefined || f === undefined || m === undefined) break;
              const h = (s: number): string => (s >= spec.high ? 'H' : 'L');
              value = RFM_CLASSES[h(r) + h(f) + h(m)];
              break;
            }
            case 'lifecycle': {
              if (!b) value = '潜客';
              else if (b.orders === 1 && (ctx.now - b.first) / DAY <= spec.newDays) value = '新客';
              else if ((ctx.now - b.last) / DAY <= spec.activeDays) value = '活跃';
              else if ((ctx.now - b.last) / DAY <= spec.dormantDays) value = '沉睡';
              else value = '流失';
              break;
            }
            case 'top_share': {
              const n = asNumber(sourceValue(p, spec.of));
              if (n === null || n <= 0) break;
              const all = people
                .map((q) => asNumber(sourceValue(q, spec.of)))
                .filter((v): v is number => v !== null && v > 0);
              const rank = 1 + all.filter((v) => v > n).length;
              value = rank <= Math.ceil(spec.share * all.length) ? true : null;
              break;
            }
          }
          break;
      }
      if (value !== null && value !== undefined) row.tags[t.key] = value;
    }
  }
  return out;
}
