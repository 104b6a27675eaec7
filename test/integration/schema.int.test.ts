import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../support/tessera.js';

/** `GET /api/v1/schema`: event names, their property keys and trait keys, against what was sent. */

let t: TestTessera;
beforeAll(async () => {
  t = await startTestTessera();
});
afterAll(async () => {
  await t.stop();
});

const NAMES = ['Product Viewed', 'Order Completed', 'Coupon Claimed', '加入购物车'];
const PROPS = ['sku', 'price', 'category', '渠道'];
const TRAITS = ['city', 'plan', 'vip', '会员等级'];

describe('event schema', () => {
  it('counts each event name and lists the property and trait keys sent', async () => {
    const { writeKey } = await t.newSource('schema');
    const messages = fc.sample(
      fc.oneof(
        fc.record({
          type: fc.constant('track' as const),
          event: fc.constantFrom(...NAMES),
          properties: fc.dictionary(fc.constantFrom(...PROPS), fc.integer(), { maxKeys: 3 }),
        }),
        fc.record({
          type: fc.constant('identify' as const),
          traits: fc.dictionary(fc.constantFrom(...TRAITS), fc.string({ maxLength: 5 }), {
            minKeys: 1,
            maxKeys: 3,
          }),
        }),
      ),
      { numRuns: 120, seed: 7 },
    );
    const batch = messages.map((m, i) => ({ ...m, userId: `u-${i % 9}`, messageId: `schema-${i}` }));
    const res = await t.collect('/v1/batch', { batch }, writeKey);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.rejected).toEqual([]);

    const counts = new Map<string, number>();
    const propKeys = new Map<string, Map<string, number>>();
    const traitKeys = new Map<string, number>();
    for (const m of batch) {
      if (m.type === 'track') {
        counts.set(m.event, (counts.get(m.event) ?? 0) + 1);
        const keys = propKeys.get(m.event) ?? new Map<string, number>();
        propKeys.set(m.event, keys);
        for (const k of Object.keys(m.properties)) keys.set(k, (keys.get(k) ?? 0) + 1);
      } else for (const k of Object.keys(m.traits)) traitKeys.set(k, (traitKeys.get(k) ?? 0) + 1);
    }

    const schema = (await t.api('GET', '/api/v1/schema')).body;
    expect(new Map(schema.events.map((e: any) => [e.name, e.count]))).toEqual(counts);
    const counted = schema.events.map((e: any) => e.count);
    expect(counted).toEqual([...counted].sort((a: number, b: number) => b - a));
    for (const e of schema.events)
      expect(new Map(e.properties.map((p: any) => [p.key, p.count]))).toEqual(propKeys.get(e.name));
    expect(new Map(schema.traits.map((k: any) => [k.key, k.count]))).toEqual(traitKeys);

    const few = (await t.api('GET', '/api/v1/schema?limit=2')).body;
    expect(few.events.map((e: any) => e.name)).toEqual(schema.events.slice(0, 2).map((e: any) => e.name));
    expect((await t.api('GET', '/api/v1/schema?sample=5')).status).toBe(422);
  });
});
