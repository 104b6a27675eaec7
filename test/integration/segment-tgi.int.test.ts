import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TgiValue } from '../../src/segments/index.js';
import { startTestTessera, type TestTessera } from '../support/tessera.js';

/**
 * A segment's TGI on the demo brand through the real API, against a reference computed from
 * what the API says elsewhere: each member's tag values from the member list, and each value's
 * population from the tag's own distribution.
 */

let t: TestTessera;
let segment: string;

beforeAll(async () => {
  t = await startTestTessera({ demo: true, demoPeople: 300 });
  await t.demo;
  expect((await t.api('POST', '/api/v1/tags/refresh', {})).status).toBe(200);
  // Buyers: those with at least one order.
  const created = await t.api('POST', '/api/v1/segments', {
    name: '下过单的人',
    condition: { event: 'Order Completed', count: { op: 'gte', value: 1 } },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  segment = created.body.id as string;
  // A multi-valued tag: a manual list of interests, two at most per person.
  expect(
    (
      await t.api('POST', '/api/v1/tags', {
        key: 'interest_list',
        category: 'interest',
        spec: { kind: 'manual' },
      })
    ).status,
  ).toBe(201);
  const sample = (await t.api('POST', '/api/v1/segments/preview', { condition: { all: [] }, sample: 120 }))
    .body.sample as Array<{ profileId: string }>;
  const choices = [['护肤'], ['彩妆', '护肤'], ['香水'], ['彩妆']];
  const assigned = await t.api('POST', '/api/v1/tags/interest_list/assignments', {
    profiles: sample.map((s, i) => ({ profileId: s.profileId, value: choices[i % choices.length] })),
  });
  expect(assigned.body.assigned).toBe(120);
  expect((await t.api('POST', '/api/v1/tags/refresh', { keys: ['interest_list'] })).status).toBe(200);
});

afterAll(async () => {
  await t?.stop();
});

async function memberValues(tag: string): Promise<unknown[]> {
  const values: unknown[] = [];
  let after: string | null = null;
  do {
    const page = await t.api(
      'GET',
      `/api/v1/segments/${segment}/members?limit=1000&tags=${tag}${after ? `&after=${after}` : ''}`,
    );
    expect(page.status).toBe(200);
    for (const m of page.body.members as Array<{ tags: Record<string, unknown> }>) values.push(m.tags[tag]);
    after = page.body.next as string | null;
  } while (after);
  return values;
}

describe('segment TGI', () => {
  for (const tag of ['lifecycle_stage', 'rfm_class', 'aov_band', 'interest_list']) {
    it(`${tag}: each value's TGI is its share among members over its share among everybody`, async () => {
      const report = await t.api('GET', `/api/v1/segments/${segment}/tgi?tag=${tag}`);
      expect(report.status, JSON.stringify(report.body)).toBe(200);
      const stats = (await t.api('GET', `/api/v1/tags/${tag}`)).body.stats as {
        profiles: number;
        values: Array<{ value: unknown; profiles: number }>;
      };
      const held = await memberValues(tag);
      expect(report.body.size).toBe(held.length);
      expect(report.body.population).toBe(stats.profiles);
      expect(report.body.values.length).toBeGreaterThan(1);
      const key = (v: unknown) => JSON.stringify(v);
      for (const v of report.body.values as TgiValue[]) {
        const members = held.filter((h) =>
          Array.isArray(h) ? h.some((x) => key(x) === key(v.value)) : key(h) === key(v.value),
        ).length;
        const population = stats.values.find((s) => key(s.value) === key(v.value))!.profiles;
        expect(v.members, key(v.value)).toBe(members);
        expect(v.population, key(v.value)).toBe(population);
        expect(v.tgi!).toBeCloseTo((100 * (members / held.length)) / (population / stats.profiles), 9);
      }
      // Every value anybody holds is there.
      expect(new Set((report.body.values as TgiValue[]).map((v) => key(v.value)))).toEqual(
        new Set(stats.values.map((s) => key(s.value))),
      );
    });
  }

  it('names an unknown tag or segment, and a malformed key', async () => {
    expect((await t.api('GET', `/api/v1/segments/${segment}/tgi?tag=no_such_tag`)).status).toBe(404);
    expect((await t.api('GET', '/api/v1/segments/seg_nosuch/tgi?tag=rfm_class')).status).toBe(404);
    const bad = await t.api('GET', `/api/v1/segments/${segment}/tgi?tag=DROP%20TABLE`);
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('not a tag key');
  });
});
