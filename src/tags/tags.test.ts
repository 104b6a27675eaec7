import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../platform/clock.js';
import { Database, toSqlTimestamp } from '../platform/db/duckdb.js';
import { migrate } from '../platform/db/migrations.js';
import { referenceRefresh, type RefEvent, type RefPerson } from '../../test/support/tag-reference.js';
import { TagEngine } from './engine.js';
import {
  checkTag,
  type TagDefinition,
  type TagDefinitionInput,
  type TraitDefinitionInput,
} from './definitions.js';
import { tagDependencies } from './plan.js';

/*
 * Every built-in template and every computed-trait kind, refreshed in SQL on the real engine,
 * against the plain in-memory reference (test/support/tag-reference.ts) on generated people.
 */

const WS = 'ws_test';
const NOW = Date.UTC(2026, 10, 1, 4, 0, 0);
const DAY = 86_400_000;
const OFFSET = 8 * 3_600_000;
const SOURCES = [
  { id: 'src_web', name: 'web' },
  { id: 'src_app', name: 'app' },
  { id: 'src_pos', name: 'pos' },
];
const CATS = ['skincare', 'makeup', 'fragrance', '护肤'];

const CUSTOM_TRAITS: TraitDefinitionInput[] = [
  {
    key: 'views_30d',
    spec: { kind: 'aggregate', aggregate: { fn: 'count', event: 'Product Viewed', within: '30d' } },
  },
  {
    key: 'skincare_views',
    spec: {
      kind: 'aggregate',
      aggregate: {
        fn: 'count',
        event: ['Product Viewed', 'Page Viewed'],
        where: [{ property: 'category', op: 'in', value: ['skincare', '护肤'] }],
      },
    },
  },
  {
    key: 'price_sum',
    spec: { kind: 'aggregate', aggregate: { fn: 'sum', event: 'Product Viewed', property: 'price' } },
  },
  {
    key: 'price_avg_90d',
    spec: {
      kind: 'aggregate',
      aggregate: { fn: 'avg', event: 'Product Viewed', property: 'price', within: '90d' },
    },
  },
  {
    key: 'rev_min',
    spec: { kind: 'aggregate', aggregate: { fn: 'min', event: 'Order Completed', property: 'revenue' } },
  },
  {
    key: 'rev_max',
    spec: { kind: 'aggregate', aggregate: { fn: 'max', event: 'Order Completed', property: 'revenue' } },
  },
  {
    key: 'first_cat',
    spec: { kind: 'aggregate', aggregate: { fn: 'first', event: 'Product Viewed', property: 'category' } },
  },
  { key: 'last_seen', spec: { kind: 'aggregate', aggregate: { fn: 'last' } } },
  {
    key: 'first_seen_view',
    spec: { kind: 'aggregate', aggregate: { fn: 'first', event: 'Product Viewed' } },
  },
  {
    key: 'distinct_cats',
    spec: {
      kind: 'aggregate',
      aggregate: { fn: 'distinct_count', event: 'Product Viewed', property: 'category' },
    },
  },
  {
    key: 'distinct_days',
    spec: { kind: 'aggregate', aggregate: { fn: 'distinct_count', property: '$date' } },
  },
  {
    key: 'mf_cat_30d',
    spec: {
      kind: 'aggregate',
      aggregate: { fn: 'most_frequent', event: 'Product Viewed', property: 'category', within: '30d' },
    },
  },
  {
    key: 'mf_weekday',
    spec: { kind: 'aggregate', aggregate: { fn: 'most_frequent', property: '$weekday' } },
  },
  {
    key: 'mf_product_cat',
    spec: {
      kind: 'aggregate',
      aggregate: { fn: 'most_frequent', event: 'Order Completed', property: 'products.*.category' },
    },
  },
  {
    key: 'top2_views',
    spec: {
      kind: 'aggregate',
      aggregate: { fn: 'top', event: 'Product Viewed', property: 'category', limit: 2, minCount: 2 },
    },
  },
];

const CUSTOM_TAGS: TagDefinitionInput[] = [
  {
    key: 'skincare_views_never',
    category: 'behaviour',
    spec: { kind: 'rule', condition: { not: { trait: 'skincare_views', op: 'gte', value: 1 } } },
  },
  {
    key: 'skincare_fan',
    category: 'interest',
    spec: {
      kind: 'rule',
      condition: {
        event: 'Product Viewed',
        where: [{ property: 'category', op: 'eq', value: 'skincare' }],
        count: { op: 'gte', value: 2 },
        within: '30d',
      },
    },
  },
  {
    key: 'shanghai_active',
    category: 'basic',
    spec: {
      kind: 'rule',
      condition: {
        all: [
          { trait: 'city', op: 'eq', value: '上海' },
          { tag: 'lifecycle_stage', op: 'in', value: ['活跃', '新客'] },
        ],
      },
    },
  },
  {
    key: 'value_tier',
    category: 'value',
    spec: {
      kind: 'bucket',
      rules: [
        { value: 'vip', condition: { tag: 'rfm_class', op: 'eq', value: '重要价值客户' } },
        { value: 'buyer', condition: { trait: 'orders', op: 'gte', value: 1 } },
      ],
      otherwise: 'prospect',
    },
  },
  {
    key: 'spend_band',
    category: 'transaction',
    spec: {
      kind: 'range',
      of: { trait: 'total_revenue' },
      ranges: [
        { value: 'low', max: 200 },
        { value: 'mid', min: 200, max: 600 },
        { value: 'high', min: 600 },
      ],
    },
  },
  {
    key: 'views_7d',
    category: 'behaviour',
    spec: { kind: 'computed', of: { aggregate: { fn: 'count', event: 'Product Viewed', within: '7d' } } },
  },
  { key: 'level_text', category: 'basic', spec: { kind: 'computed', of: { trait: 'level' } } },
  {
    key: 'abandoned',
    category: 'behaviour',
    spec: {
      kind: 'rule',
      condition: {
        sequence: [{ event: 'Product Viewed' }, { event: 'Order Completed' }],
        within: '1d',
        completed: false,
      },
    },
  },
];

interface GenEvent {
  kind: 'identify' | 'order' | 'refund' | 'view' | 'page';
  day: number;
  hour: number;
  source: number;
  order: number;
  revenue: number | null;
  total: number;
  cats: string[];
  asProducts: boolean;
  cat: string;
  price: number;
  city: string | null;
  level: number | string;
}

const genEvent: fc.Arbitrary<GenEvent> = fc.record({
  kind: fc.constantFrom('identify', 'order', 'order', 'refund', 'view', 'view', 'view', 'page'),
  // Lifecycle edges (30, 90, 180 days) come up exactly.
  day: fc.oneof(
    fc.integer({ min: -1, max: 400 }),
    fc.constantFrom(0, 7, 29, 30, 31, 89, 90, 91, 179, 180, 181),
  ),
  hour: fc.constantFrom(0, 3, 9, 13, 20, 23),
  source: fc.integer({ min: 0, max: 2 }),
  order: fc.integer({ min: 0, max: 3 }),
  revenue: fc.option(fc.integer({ min: 0, max: 900 }), { nil: null }),
  total: fc.integer({ min: 0, max: 900 }),
  cats: fc.array(fc.constantFrom(...CATS), { maxLength: 3 }),
  asProducts: fc.boolean(),
  cat: fc.constantFrom(...CATS),
  price: fc.integer({ min: 1, max: 500 }),
  city: fc.option(fc.constantFrom('上海', '北京', '杭州'), { nil: null }),
  level: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constantFrom('gold', 'silver')),
});

function buildPeople(spec: GenEvent[][]): RefPerson[] {
  let seq = 0;
  return spec.map((events, pid) => ({
    profileId: `prof_${String(pid).padStart(4, '0')}`,
    events: events.map((g): RefEvent => {
      const ts = NOW - g.day * DAY - g.hour * 3_600_000;
      const sourceId = SOURCES[g.source]!.id;
      const base = { seq: ++seq, ts, sourceId, traits: null };
      switch (g.kind) {
        case 'identify':
          return { ...base, event: null, properties: {}, traits: { city: g.city, level: g.level } };
        case 'order':
          return {
            ...base,
            event: 'Order Completed',
            properties: {
              order_id: `o${pid}_${g.order}`,
              ...(g.revenue === null ? {} : { revenue: g.revenue }),
              total: g.total,
              ...(g.source === 2 ? { channel: 'tmall' } : {}),
              ...(g.asProducts ? { products: g.cats.map((c) => ({ category: c })) } : { categories: g.cats }),
            },
          };
        case 'refund':
          // Refunds name an order id, sometimes another person's (ids are the workspace's).
          return {
            ...base,
            event: 'Order Refunded',
            properties: { order_id: `o${(pid + g.source) % 3}_${g.order}` },
          };
        case 'view':
          return { ...base, event: 'Product Viewed', properties: { category: g.cat, price: g.price } };
        case 'page':
          return { ...base, event: 'Page Viewed', properties: { path: '/p', category: g.cat } };
      }
    }),
  }));
}

async function load(db: Database, people: RefPerson[]): Promise<void> {
  for (const t of [
    'events',
    'identity_profiles',
    'identity_nodes',
    'identity_event_anchors',
    'identity_state',
    'profile_facts',
    'profile_facts_nodes',
    'profile_facts_changes',
    'profile_facts_state',
    'tag_values',
    'trait_values',
  ]) {
    await db.run(`DELETE FROM ${t}`);
  }
  let maxSeq = 0;
  for (let pid = 0; pid < people.length; pid++) {
    const p = people[pid]!;
    await db.run(`INSERT INTO identity_profiles VALUES (?, ?, ?, '2026-01-01', NULL)`, [
      WS,
      pid,
      p.profileId,
    ]);
    await db.run(`INSERT INTO identity_nodes VALUES (?, ?, 'user_id', ?, ?, NULL, NULL, 0, NULL, false)`, [
      WS,
      pid,
      `u${pid}`,
      p.profileId,
    ]);
    for (const e of p.events) {
      maxSeq = Math.max(maxSeq, e.seq);
      await insertEvent(db, pid, pid, e);
    }
  }
  await db.run(`INSERT INTO identity_state VALUES (?, ?, 'test', 0)`, [WS, maxSeq]);
}

/** Tag keys with every tag after the tags it reads. */
function topo(keys: readonly string[], defs: ReadonlyMap<string, TagDefinition>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (k: string): void => {
    if (seen.has(k)) return;
    seen.add(k);
    const checked = checkTag(defs.get(k));
    if (checked.ok) tagDependencies(checked.value).forEach(visit);
    out.push(k);
  };
  keys.forEach(visit);
  return out;
}

const close = (a: unknown, b: unknown): boolean =>
  typeof a === 'number' && typeof b === 'number'
    ? Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b))
    : JSON.stringify(a) === JSON.stringify(b);

async function insertEvent(db: Database, pid: number, node: number, e: RefEvent): Promise<void> {
  const type = e.event === null ? 'identify' : e.event === 'Page Viewed' ? 'page' : 'track';
  const ts = toSqlTimestamp(e.ts);
  await db.run(
    `INSERT INTO events (seq, workspace_id, source_id, message_id, fp_hi, fp_lo, type, event, name, user_id, timestamp, received_at, properties, traits)
     VALUES (?, ?, ?, ?, 0, 0, ?, ?, ?, ?, ?::TIMESTAMP, ?::TIMESTAMP, ?, ?)`,
    [
      e.seq,
      WS,
      e.sourceId,
      `m${e.seq}`,
      type,
      type === 'track' ? e.event : null,
      type === 'page' ? 'p' : null,
      `u${pid}`,
      ts,
      ts,
      JSON.stringify(e.properties),
      e.traits ? JSON.stringify(e.traits) : null,
    ],
  );
  await db.run('INSERT INTO identity_event_anchors VALUES (?, ?, ?, ?, NULL)', [e.seq, WS, node, e.ts]);
}

describe('tag refresh agrees with the reference', () => {
  let db: Database;
  let engine: TagEngine;
  const clock = new ManualClock(NOW);
  beforeAll(async () => {
    db = await Database.open(':memory:');
    await migrate(db);
    engine = await TagEngine.open(db, [WS], {
      clock,
      offsetMs: () => OFFSET,
      policies: {},
      sources: () => SOURCES,
      settle: () => Promise.resolve(),
      resolveProfile: (_ws, id) => id,
    });
    for (const t of CUSTOM_TRAITS)
      expect(await engine.createTrait(WS, t, 'test')).toMatchObject({ ok: true });
    for (const t of CUSTOM_TAGS) expect(await engine.createTag(WS, t, 'test')).toMatchObject({ ok: true });
  });
  afterAll(async () => {
    await engine.close();
    await db.close();
  });

  /** Every profile's stored traits and tags equal the reference's for these people. */
  async function expectReference(people: RefPerson[], refreshed: readonly string[]): Promise<void> {
    const traits = engine.listTraits(WS).map((t) => t.definition);
    const byKey = new Map(engine.listTags(WS).map((t) => [t.key, t.definition]));
    const active = engine
      .listTags(WS)
      .filter((t) => t.status === 'active')
      .map((t) => t.key);
    const keys = topo([...new Set([...refreshed, ...active])], byKey);
    const expected = referenceRefresh(
      people,
      traits,
      keys.map((k) => byKey.get(k)!),
      {
        now: clock.now(),
        offsetMs: OFFSET,
        sourceNames: Object.fromEntries(SOURCES.map((s) => [s.id, s.name])),
      },
    );
    for (const p of people) {
      const gotTraits = await engine.reads.profileComputedTraits(WS, p.profileId);
      const gotTags = await engine.reads.profileTags(WS, p.profileId);
      const want = expected.get(p.profileId)!;
      for (const key of new Set([...Object.keys(want.traits), ...Object.keys(gotTraits)])) {
        if (!close(gotTraits[key], want.traits[key]))
          expect({ profile: p.profileId, trait: key, value: gotTraits[key] }).toEqual({
            profile: p.profileId,
            trait: key,
            value: want.traits[key],
          });
      }
      for (const key of new Set([...Object.keys(want.tags), ...Object.keys(gotTags)])) {
        if (!close(gotTags[key], want.tags[key]))
          expect({ profile: p.profileId, tag: key, value: gotTags[key] }).toEqual({
            profile: p.profileId,
            tag: key,
            value: want.tags[key],
          });
      }
    }
  }

  it('for every built-in template, custom tag and computed-trait kind (several seeds)', async () => {
    for (const seed of [1, 2, 3]) {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(genEvent, { maxLength: 14 }), { minLength: 2, maxLength: 24 }),
          async (spec) => {
            const people = buildPeople(spec);
            await load(db, people);
            const report = await engine.refresh(WS);
            expect(report.profiles).toBe(people.length);
            await expectReference(people, report.tags);
          },
        ),
        { numRuns: 12, seed },
      );
    }
  }, 300_000);

  it('the schedule: due after the interval of each tag, or when a newer version exists; manual never', async () => {
    await load(db, buildPeople([[]]));
    await engine.refresh(WS);
    expect(await engine.due(WS)).toEqual([]);
    expect(
      (
        await engine.createTag(
          WS,
          {
            key: 'hourly_tag',
            category: 'behaviour',
            schedule: 'hourly',
            spec: { kind: 'rule', condition: { event: 'X' } },
          },
          't',
        )
      ).ok,
    ).toBe(true);
    expect(
      (
        await engine.createTag(
          WS,
          {
            key: 'by_hand',
            category: 'behaviour',
            schedule: 'manual',
            spec: { kind: 'rule', condition: { event: 'X' } },
          },
          't',
        )
      ).ok,
    ).toBe(true);
    expect(await engine.due(WS)).toEqual(['hourly_tag']);
    await engine.refresh(WS, ['hourly_tag']);
    expect(await engine.due(WS)).toEqual([]);
    clock.advance(3_600_000);
    expect(await engine.due(WS)).toEqual(['hourly_tag']);
    await engine.refresh(WS, ['hourly_tag', 'by_hand']);
    expect(
      await engine.updateTag(
        WS,
        'skincare_fan',
        { ...CUSTOM_TAGS.find((t) => t.key === 'skincare_fan')!, description: 'v2' },
        't',
      ),
    ).toMatchObject({ ok: true, value: { version: 2 } });
    expect(await engine.due(WS)).toEqual(['skincare_fan']);
    clock.advance(86_400_000);
    const daily = await engine.due(WS);
    expect(daily).toContain('lifecycle_stage');
    expect(daily).not.toContain('by_hand');
    clock.set(NOW);
  });

  it('an incremental refresh after new events and a merge gives what a full one gives', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(genEvent, { maxLength: 10 }), { minLength: 3, maxLength: 16 }),
        fc.array(fc.tuple(fc.nat(), genEvent), { maxLength: 12 }),
        async (spec, extra) => {
          const people = buildPeople(spec);
          await load(db, people);
          await engine.refresh(WS);
          // New events for some people, then person 1 merges into person 0 (identifiers move).
          let seq = Math.max(0, ...people.flatMap((p) => p.events.map((e) => e.seq)));
          const added = buildPeople(
            spec.map((_, i) => extra.filter(([k]) => k % spec.length === i).map(([, g]) => g)),
          );
          for (let pid = 0; pid < people.length; pid++) {
            for (const e of added[pid]!.events) {
              e.seq = ++seq;
              people[pid]!.events.push(e);
              await insertEvent(db, pid, pid, e);
            }
          }
          await db.run('UPDATE identity_nodes SET profile_id = ? WHERE workspace_id = ? AND node = 1', [
            people[0]!.profileId,
            WS,
          ]);
          await db.run(
            'UPDATE identity_profiles SET merged_into = ? WHERE workspace_id = ? AND ordinal = 1',
            [people[0]!.profileId, WS],
          );
          await db.run('UPDATE identity_state SET resolved_seq = ? WHERE workspace_id = ?', [seq, WS]);
          people[0]!.events.push(...people[1]!.events);
          const merged = people[1]!.profileId;
          people.splice(1, 1);

          const report = await engine.refresh(WS, undefined, { mode: 'auto' });
          expect(report.incremental).toEqual(
            expect.arrayContaining(['skincare_views_never', 'spend_band', 'level_text']),
          );
          expect(report.changedProfiles).toBeLessThanOrEqual(people.length);
          await expectReference(people, report.tags);
          const left = await db.query<{ n: number }>(
            'SELECT count(*)::DOUBLE AS n FROM tag_values WHERE profile_id = ?',
            [merged],
          );
          expect(left[0]!.n).toBe(0);
        },
      ),
      { numRuns: 10, seed: 7, endOnFailure: true },
    );
  }, 300_000);
});
