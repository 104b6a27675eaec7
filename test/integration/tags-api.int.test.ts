import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../support/tessera.js';

/**
 * Traits, tags and the 360° profile through the real HTTP API: events in through the collection
 * API, `POST /api/v1/tags/refresh` (fixed contract), profiles and tags out.
 */

const DAY = 86_400_000;
const ago = (days: number, hours = 0): string =>
  new Date(Date.now() - days * DAY - hours * 3_600_000).toISOString();
let n = 0;
const msg = (m: Record<string, unknown>): Record<string, unknown> => ({ messageId: `tags-${++n}`, ...m });

describe('tags API and the 360° profile', () => {
  let t: TestTessera;
  let writeKey: string;
  const profile = async (userId: string): Promise<any> => {
    const found = await t.api('GET', `/api/v1/profiles/lookup?type=user_id&value=${userId}`);
    expect(found.status).toBe(200);
    const p = await t.api('GET', `/api/v1/profiles/${found.body.profileId as string}`);
    expect(p.status).toBe(200);
    return p.body;
  };

  beforeAll(async () => {
    t = await startTestTessera({ tags: { scheduleCheckMs: 0 } });
    writeKey = (await t.newSource('web')).writeKey;
    const batch = [
      // A: two orders (one refunded order on top), skincare fan, in 上海, e-mail yes, SMS no.
      msg({
        type: 'identify',
        userId: 'A',
        traits: { city: '北京', consent: { email: true } },
        timestamp: ago(300),
      }),
      msg({
        type: 'identify',
        userId: 'A',
        traits: { city: '上海', member_level: 'gold' },
        timestamp: ago(20),
      }),
      msg({
        type: 'track',
        userId: 'A',
        event: 'Order Completed',
        properties: { order_id: 'A1', revenue: 300, products: [{ category: 'skincare' }] },
        timestamp: ago(40),
      }),
      msg({
        type: 'track',
        userId: 'A',
        event: 'Order Completed',
        properties: {
          order_id: 'A2',
          revenue: 500,
          products: [{ category: 'skincare' }, { category: 'makeup' }],
        },
        timestamp: ago(10),
      }),
      msg({
        type: 'track',
        userId: 'A',
        event: 'Order Completed',
        properties: { order_id: 'A3', revenue: 9000 },
        timestamp: ago(9),
      }),
      msg({
        type: 'track',
        userId: 'A',
        event: 'Order Refunded',
        properties: { order_id: 'A3' },
        timestamp: ago(8),
      }),
      ...[1, 2, 3].map((d) =>
        msg({
          type: 'track',
          userId: 'A',
          event: 'Product Viewed',
          properties: { category: 'skincare' },
          timestamp: ago(d),
        }),
      ),
      msg({
        type: 'track',
        userId: 'A',
        event: 'Unsubscribed',
        properties: { channel: 'sms' },
        timestamp: ago(2),
      }),
      // B: browsed anonymously, then logged in; never bought.
      msg({
        type: 'track',
        anonymousId: 'anon-B',
        event: 'Product Viewed',
        properties: { category: 'fragrance' },
        context: { library: { name: 'analytics-miniprogram', version: '1.3.2' } },
        timestamp: ago(5),
      }),
      msg({
        type: 'identify',
        userId: 'B',
        anonymousId: 'anon-B',
        traits: { city: '杭州' },
        context: { library: { name: 'analytics-miniprogram', version: '1.3.2' } },
        timestamp: ago(4),
      }),
      // C: one order 5 days ago; D: one order 200 days ago.
      msg({
        type: 'track',
        userId: 'C',
        event: 'Order Completed',
        properties: { order_id: 'C1', total: 120 },
        timestamp: ago(5),
      }),
      msg({
        type: 'track',
        userId: 'D',
        event: 'Order Completed',
        properties: { order_id: 'D1', revenue: 80 },
        timestamp: ago(200),
      }),
    ];
    const res = await t.collect('/v1/batch', { batch }, writeKey);
    expect(res.status).toBe(200);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('refresh computes every active tag and answers when done; the 360° profile shows them under their keys', async () => {
    const r = await t.api('POST', '/api/v1/tags/refresh', {});
    expect(r.status).toBe(200);
    expect(r.body.tags).toEqual(
      expect.arrayContaining(['lifecycle_stage', 'rfm_r', 'rfm_f', 'rfm_m', 'rfm_class']),
    );
    expect(r.body.profiles).toBe(4);

    const a = await profile('A');
    expect(a.tags.lifecycle_stage).toBe('活跃');
    expect(a.computedTraits).toMatchObject({
      orders: 2,
      total_revenue: 800,
      aov: 400,
      repurchases: 1,
      favourite_category: 'skincare',
    });
    expect(a.tags.top_viewed_categories_30d).toEqual(['skincare']);
    expect(a.tags.categories_viewed_3x_30d).toEqual(['skincare']);
    expect(a.tags.aov_band).toBe('高客单');
    // Buyers by last order: D, A, C; A is the middle of three: 1 + ⌊5·1/2⌋ = 3.
    expect([a.tags.rfm_r, a.tags.rfm_f, a.tags.rfm_m]).toEqual([3, 5, 5]);
    expect(a.tags.rfm_class).toBe('重要价值客户');
    expect(a.traits).toMatchObject({ city: '上海', member_level: 'gold' });
    expect(a.traitSources.city).toMatchObject({ policy: 'latest' });
    expect(a.consent).toMatchObject({
      email: { granted: true },
      sms: { granted: false, event: 'Unsubscribed' },
    });
    expect(a.segments).toEqual([]);

    const b = await profile('B');
    expect(b.tags.lifecycle_stage).toBe('潜客');
    // The channel its SDK implies; A's events say none, so A's is its source's name.
    expect(b.tags.preferred_channel).toBe('miniprogram');
    expect(a.tags.preferred_channel).toBe('web');
    expect(b.tags.rfm_r).toBeUndefined();
    // The anonymous view before the login is B's.
    expect(b.tags.top_viewed_categories_30d).toEqual(['fragrance']);
    expect((await profile('C')).tags.lifecycle_stage).toBe('新客');
    expect((await profile('D')).tags).toMatchObject({ lifecycle_stage: '流失', rfm_class: '一般挽留客户' });
  });

  it('a merge after a refresh moves the anonymous history into the known profile at the next refresh', async () => {
    await t.collect(
      '/v1/batch',
      {
        batch: [
          msg({
            type: 'track',
            anonymousId: 'anon-F',
            event: 'Product Viewed',
            properties: { category: 'makeup' },
            timestamp: ago(3),
          }),
        ],
      },
      writeKey,
    );
    await t.api('POST', '/api/v1/tags/refresh', {});
    const anon = await t.api('GET', '/api/v1/profiles/lookup?type=anonymous_id&value=anon-F');
    const before = await t.api('GET', `/api/v1/profiles/${anon.body.profileId as string}`);
    expect(before.body.tags).toMatchObject({
      lifecycle_stage: '潜客',
      top_viewed_categories_30d: ['makeup'],
    });
    expect((await profile('C')).tags.top_viewed_categories_30d).toBeUndefined();

    await t.collect(
      '/v1/batch',
      { batch: [msg({ type: 'identify', userId: 'C', anonymousId: 'anon-F', timestamp: ago(1) })] },
      writeKey,
    );
    const r = await t.api('POST', '/api/v1/tags/refresh', {});
    expect(r.body.facts.movedNodes).toBeGreaterThan(0);
    const c = await profile('C');
    expect(c.tags).toMatchObject({ lifecycle_stage: '新客', top_viewed_categories_30d: ['makeup'] });
    // The merged-away id resolves to C, and no values are left under it.
    const old = await t.db.query<{ n: number }>(
      'SELECT count(*)::DOUBLE AS n FROM tag_values WHERE profile_id = ?',
      [anon.body.profileId],
    );
    expect(old[0]!.n).toBe(0);
  });

  it('creates, validates, versions, previews, deprecates a rule tag; coverage and history', async () => {
    const def = {
      key: 'skincare_fan',
      name: { 'zh-CN': '护肤爱好者', en: 'Skincare fan' },
      category: 'interest',
      owner: 'crm-team',
      description: 'viewed skincare at least 3 times in 30 days',
      spec: {
        kind: 'rule',
        condition: {
          event: 'Product Viewed',
          where: [{ property: 'category', op: 'eq', value: 'skincare' }],
          count: { op: 'gte', value: 3 },
          within: '30d',
        },
      },
    };
    const bad = await t.api('POST', '/api/v1/tags', {
      ...def,
      key: 'Bad Key',
      spec: { kind: 'rule', condition: { event: 'X', within: 'soon' } },
    });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('tag.key');
    const unknownRef = await t.api('POST', '/api/v1/tags', {
      ...def,
      key: 'needs_missing',
      spec: { kind: 'rule', condition: { tag: 'no_such_tag', op: 'exists' } },
    });
    expect(unknownRef.status).toBe(422);
    expect(unknownRef.body.error.message).toContain('unknown tag no_such_tag');

    const created = await t.api('POST', '/api/v1/tags', def);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key: 'skincare_fan', version: 1, status: 'active' });
    expect((await t.api('POST', '/api/v1/tags', def)).status).toBe(409);

    const preview = await t.api('POST', '/api/v1/tags/preview', {
      definition: {
        ...def,
        key: 'skincare_fan_2x',
        spec: { ...def.spec, condition: { ...def.spec.condition, count: { op: 'gte', value: 1 } } },
      },
    });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      sampled: 4,
      valued: 1,
      coverage: 0.25,
      values: [{ value: true, profiles: 1 }],
    });

    await t.api('POST', '/api/v1/tags/refresh', { keys: ['skincare_fan'] });
    const got = await t.api('GET', '/api/v1/tags/skincare_fan');
    expect(got.body.stats).toMatchObject({
      profiles: 4,
      valued: 1,
      coverage: 0.25,
      values: [{ value: true, profiles: 1 }],
    });
    const lifecycle = await t.api('GET', '/api/v1/tags/lifecycle_stage');
    expect(lifecycle.body.stats.values).toEqual(
      expect.arrayContaining([
        { value: '活跃', profiles: 1 },
        { value: '潜客', profiles: 1 },
        { value: '新客', profiles: 1 },
        { value: '流失', profiles: 1 },
      ]),
    );
    const history = await t.api('GET', '/api/v1/tags/lifecycle_stage/history');
    expect(history.status).toBe(200);
    expect(history.body.days).toHaveLength(1);
    expect(history.body.days[0].values).toHaveLength(4);

    const v2 = await t.api('PUT', '/api/v1/tags/skincare_fan', {
      ...def,
      description: 'now 2 views',
      spec: { ...def.spec, condition: { ...def.spec.condition, count: { op: 'gte', value: 2 } } },
    });
    expect(v2.status).toBe(200);
    expect(v2.body.version).toBe(2);
    expect(
      (await t.api('GET', '/api/v1/tags/skincare_fan/versions')).body.versions.map((v: any) => v.version),
    ).toEqual([2, 1]);

    const deprecated = await t.api('POST', '/api/v1/tags/skincare_fan/status', { status: 'deprecated' });
    expect(deprecated.body.status).toBe('deprecated');
    const after = await t.api('POST', '/api/v1/tags/refresh', {});
    expect(after.body.tags).not.toContain('skincare_fan');
  });

  it('manual tags take a list by identifier; computed traits are managed the same way', async () => {
    expect(
      (await t.api('POST', '/api/v1/tags', { key: 'vip_list', category: 'value', spec: { kind: 'manual' } }))
        .status,
    ).toBe(201);
    const assigned = await t.api('POST', '/api/v1/tags/vip_list/assignments', {
      profiles: [
        { type: 'user_id', value: 'C', tagValue: '2026 双11' },
        { type: 'user_id', value: 'nobody' },
      ],
    });
    expect(assigned.body.assigned).toBe(1);
    expect(assigned.body.unresolved).toHaveLength(1);
    const notManual = await t.api('POST', '/api/v1/tags/lifecycle_stage/assignments', {
      profiles: [{ type: 'user_id', value: 'C' }],
    });
    expect(notManual.status).toBe(422);

    const trait = await t.api('POST', '/api/v1/traits', {
      key: 'skincare_views_30d',
      spec: {
        kind: 'aggregate',
        aggregate: {
          fn: 'count',
          event: 'Product Viewed',
          where: [{ property: 'category', op: 'eq', value: 'skincare' }],
          within: '30d',
        },
      },
    });
    expect(trait.status).toBe(201);
    const badTrait = await t.api('POST', '/api/v1/traits', {
      key: 'x',
      spec: { kind: 'aggregate', aggregate: { fn: 'sum' } },
    });
    expect(badTrait.status).toBe(422);
    expect(JSON.stringify(badTrait.body)).toContain('sum needs a property');

    await t.api('POST', '/api/v1/tags/refresh', {});
    const c = await profile('C');
    expect(c.tags.vip_list).toBe('2026 双11');
    expect((await profile('A')).computedTraits.skincare_views_30d).toBe(3);
  });

  it('lists who holds a manual tag and takes it from one person, by identifier or profile id', async () => {
    expect(
      (
        await t.api('POST', '/api/v1/tags', {
          key: 'sample_kit',
          category: 'value',
          spec: { kind: 'manual' },
        })
      ).status,
    ).toBe(201);
    const a = (await profile('A')).profileId as string;
    const b = (await profile('B')).profileId as string;
    const given = await t.api('POST', '/api/v1/tags/sample_kit/assignments', {
      profiles: [
        { profileId: a, value: '小样 A' },
        { type: 'user_id', value: 'B' },
      ],
    });
    expect(given.body).toEqual({ assigned: 2, unresolved: [] });
    const listed = await t.api('GET', '/api/v1/tags/sample_kit/assignments');
    expect(listed.status).toBe(200);
    expect(listed.body.total).toBe(2);
    expect(
      Object.fromEntries(
        (listed.body.assignments as Array<{ profileId: string; value: unknown }>).map((r) => [
          r.profileId,
          r.value,
        ]),
      ),
    ).toEqual({ [a]: '小样 A', [b]: true });
    expect(listed.body.assignments[0].assignedAt).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
    // Paged: one at a time, the total unchanged.
    const page2 = await t.api('GET', '/api/v1/tags/sample_kit/assignments?limit=1&offset=1');
    expect(page2.body.total).toBe(2);
    expect(page2.body.assignments).toHaveLength(1);
    await t.api('POST', '/api/v1/tags/refresh', { keys: ['sample_kit'] });
    expect((await profile('B')).tags.sample_kit).toBe(true);

    // B loses it (by identifier); an unknown person is reported, not an error; A keeps it.
    const removed = await t.api('POST', '/api/v1/tags/sample_kit/assignments/remove', {
      profiles: [
        { type: 'user_id', value: 'B' },
        { type: 'user_id', value: 'nobody' },
      ],
    });
    expect(removed.status).toBe(200);
    expect(removed.body.removed).toBe(1);
    expect(removed.body.unresolved).toEqual([{ index: 1, reason: expect.any(String) }]);
    // Removing again removes nothing.
    const again = await t.api('POST', '/api/v1/tags/sample_kit/assignments/remove', {
      profiles: [{ profileId: b }],
    });
    expect(again.body).toEqual({ removed: 0, unresolved: [] });
    const after = await t.api('GET', '/api/v1/tags/sample_kit/assignments');
    expect(after.body.total).toBe(1);
    expect(after.body.assignments[0].profileId).toBe(a);
    await t.api('POST', '/api/v1/tags/refresh', { keys: ['sample_kit'] });
    expect((await profile('B')).tags.sample_kit).toBeUndefined();
    expect((await profile('A')).tags.sample_kit).toBe('小样 A');

    // Computed tags hold no assignments; unknown tags are 404 to the list.
    expect((await t.api('GET', '/api/v1/tags/lifecycle_stage/assignments')).status).toBe(422);
    expect(
      (
        await t.api('POST', '/api/v1/tags/lifecycle_stage/assignments/remove', {
          profiles: [{ profileId: a }],
        })
      ).status,
    ).toBe(422);
    expect((await t.api('GET', '/api/v1/tags/no_such_tag/assignments')).status).toBe(404);
    const empty = await t.api('POST', '/api/v1/tags/sample_kit/assignments/remove', { profiles: [] });
    expect(empty.status).toBe(422);
  });

  it("lists every tag with the same coverage and distribution as each tag's own read, in one request", async () => {
    await t.api('POST', '/api/v1/tags/refresh', {});
    const listed = await t.api('GET', '/api/v1/tags?stats=true');
    expect(listed.status).toBe(200);
    const all = listed.body.tags as Array<{ key: string; stats: { summary: unknown; values: unknown[] } }>;
    expect(all.length).toBeGreaterThan(10);
    // Numeric tags (a summary) and valued ones (a distribution) are both among them.
    expect(all.some((x) => x.stats.summary !== null)).toBe(true);
    expect(all.some((x) => x.stats.values.length > 0)).toBe(true);
    for (const tag of all) {
      const one = await t.api('GET', `/api/v1/tags/${tag.key}`);
      expect(tag.stats, tag.key).toEqual(one.body.stats);
    }
    // Without stats=true the list stays as it was.
    expect((await t.api('GET', '/api/v1/tags')).body.tags[0].stats).toBeUndefined();
  });

  it('audits every change of tags, traits and assignments, and nothing that was refused', async () => {
    const entries = async (prefix: string) =>
      (await t.api('GET', `/api/v1/audit?action=${prefix}&limit=200`)).body.entries as Array<{
        action: string;
        target: string;
        detail: Record<string, unknown>;
      }>;
    const tagEntries = await entries('tag.');
    const find = (action: string, target: string) =>
      tagEntries.filter((e) => e.action === action && e.target === target).map((e) => e.detail);
    expect(find('tag.create', 'sample_kit')).toEqual([{ version: 1 }]);
    expect(find('tag.assign', 'sample_kit')).toEqual([{ assigned: 2, unresolved: 0, replace: false }]);
    expect(find('tag.unassign', 'sample_kit')).toEqual([
      { removed: 0, unresolved: 0 },
      { removed: 1, unresolved: 1 },
    ]);
    // Refused: the assignment to a computed tag, and the remove of an empty list.
    expect(find('tag.assign', 'lifecycle_stage')).toEqual([]);
    expect(find('tag.unassign', 'lifecycle_stage')).toEqual([]);
    expect(
      (await entries('trait.')).some((e) => e.action === 'trait.create' && e.target === 'skincare_views_30d'),
    ).toBe(true);
  });

  it('roles: a viewer reads tags but cannot change them', async () => {
    const key = await t.api('POST', '/api/v1/api-keys', { name: 'viewer', role: 'viewer' });
    const viewer = key.body.key as string;
    expect((await t.api('GET', '/api/v1/tags', undefined, viewer)).status).toBe(200);
    expect((await t.api('POST', '/api/v1/tags/refresh', {}, viewer)).status).toBe(403);
    expect(
      (
        await t.api(
          'POST',
          '/api/v1/tags',
          { key: 'x1', category: 'value', spec: { kind: 'manual' } },
          viewer,
        )
      ).status,
    ).toBe(403);
    expect((await t.api('GET', '/api/v1/tags/vip_list/assignments', undefined, viewer)).status).toBe(200);
    expect(
      (
        await t.api(
          'POST',
          '/api/v1/tags/vip_list/assignments/remove',
          { profiles: [{ type: 'user_id', value: 'C' }] },
          viewer,
        )
      ).status,
    ).toBe(403);
  });
});
