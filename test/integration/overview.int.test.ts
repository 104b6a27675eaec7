import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { startTestTessera, type TestTessera } from '../support/tessera.js';

/** The console's overview in one call: people, identified share, events by day, sources' health, distributions. */
describe('GET /api/v1/overview', () => {
  // 2026-11-20 10:00 in Shanghai.
  const clock = new ManualClock(Date.UTC(2026, 10, 20, 2, 0, 0));
  let t: TestTessera;

  beforeAll(async () => {
    t = await startTestTessera({}, undefined, { clock });
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
  });

  it('counts people, the identified among them, events today and each source’s health', async () => {
    const web = await t.newSource('web');
    const crm = await t.newSource('crm');
    const batch = [
      { type: 'identify', userId: 'u1', traits: { phone: '13924681357' } },
      { type: 'track', anonymousId: 'anon-1', event: 'Page Viewed' },
      { type: 'track', anonymousId: 'anon-2', event: 'Page Viewed' },
      { type: 'track', userId: 'u1', event: 'Order Completed', properties: { revenue: 10 } },
    ].map((m, i) => ({ ...m, messageId: `ov-${i}` }));
    expect((await t.collect('/v1/batch', { batch }, web.writeKey)).status).toBe(200);
    // One good record and one with a phone that is no phone (rejected).
    await t.collect(
      '/v1/identify',
      { messageId: 'ov-crm-1', userId: 'u2', traits: { name: 'x' } },
      crm.writeKey,
    );
    await t.collect(
      '/v1/identify',
      { messageId: 'ov-crm-2', userId: 'u3', traits: { phone: 'not a phone' } },
      crm.writeKey,
    );
    await t.writer.settle();
    await t.identity.settle();
    await t.api('POST', '/api/v1/tags/refresh');
    const o = (await t.api('GET', '/api/v1/overview')).body;
    expect(o.people).toBe(4); // u1, anon-1, anon-2, u2
    expect(o.identified).toBe(2);
    expect(o.eventsToday).toBe(5);
    expect(o.events7d).toHaveLength(7);
    expect(o.events7d[6]).toEqual({ day: '2026-11-20', events: 5 });
    const byName = Object.fromEntries(o.sources.map((s: { name: string }) => [s.name, s]));
    expect(byName.web).toMatchObject({ eventsToday: 4, rejectedToday: 0, status: 'enabled' });
    expect(byName.crm).toMatchObject({ eventsToday: 1, rejectedToday: 1 });
    expect(byName.web.lastEventAt).toBe('2026-11-20T02:00:00.000Z');
    const stages = Object.fromEntries(
      o.lifecycle.map((v: { value: string; profiles: number }) => [v.value, v.profiles]),
    );
    expect(stages['新客']).toBe(1);
    expect(stages['潜客']).toBe(3);
    expect(o.rfm.reduce((n: number, v: { profiles: number }) => n + v.profiles, 0)).toBe(1);
  });
});
