import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { startTestTessera, type TestTessera } from '../support/tessera.js';

/**
 * Real-time segments as scenarios on an injected clock: events in through the collection API,
 * the clock moved, the expiry check run (`tick`), membership and its events out. Then merges,
 * tags, and a restart that finds windows passed while it was down.
 */

const T = Date.UTC(2026, 10, 20, 2, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;
let n = 0;
const at = (ms: number): string => new Date(ms).toISOString();

describe('real-time segments, scenario by scenario', () => {
  const clock = new ManualClock(T);
  let t: TestTessera;
  let writeKey: string;
  const ids: Record<string, string> = {};

  const send = async (...messages: Array<Record<string, unknown>>): Promise<void> => {
    const batch = messages.map((m) => ({ messageId: `live-${++n}`, ...m }));
    expect((await t.collect('/v1/batch', { batch }, writeKey)).status).toBe(200);
    await t.writer.settle();
    await t.identity.settle();
  };
  const track = (
    who: Record<string, string>,
    event: string,
    ms: number,
    properties: Record<string, unknown> = {},
  ) => ({
    type: 'track',
    ...who,
    event,
    properties,
    timestamp: at(ms),
  });
  const members = async (id: string): Promise<string[]> => {
    await t.segments.flush();
    const r = await t.api('GET', `/api/v1/segments/${id}/members`);
    return (r.body.members as Array<{ profileId: string }>).map((m) => m.profileId).sort();
  };
  const profile = async (userId: string): Promise<string> =>
    (await t.api('GET', `/api/v1/profiles/lookup?type=user_id&value=${userId}`)).body.profileId as string;
  const membershipEvents = async (userId: string, segmentId: string): Promise<string[]> => {
    await t.segments.flush();
    await t.writer.settle();
    const r = await t.api('GET', `/api/v1/events?userId=${userId}&limit=200`);
    return (r.body.events as Array<{ event: string; properties?: { segment_id?: string; reason?: string } }>)
      .filter((e) => e.properties?.segment_id === segmentId)
      .map((e) => `${e.event}:${e.properties?.reason}`);
  };
  const create = async (body: Record<string, unknown>): Promise<string> => {
    const r = await t.api('POST', '/api/v1/segments', body);
    expect(r.status).toBe(201);
    ids[body.name as string] = r.body.id as string;
    return r.body.id as string;
  };

  beforeAll(async () => {
    t = await startTestTessera({ segments: { tickMs: 0 } }, undefined, { clock });
    writeKey = (await t.newSource('web')).writeKey;
  });
  afterAll(async () => {
    await t.stop();
  });

  it('a rolling window: enters on the second view within 1 h, leaves the moment the first one is 1 h old', async () => {
    const seg = await create({
      name: 'two views in 1h',
      condition: { event: 'Product Viewed', count: { op: 'gte', value: 2 }, within: '1h' },
    });
    await send(track({ userId: 'ann' }, 'Product Viewed', T));
    expect(await members(seg)).toEqual([]);
    clock.set(T + 10 * MIN);
    await send(track({ userId: 'ann' }, 'Product Viewed', T + 10 * MIN));
    const ann = await profile('ann');
    expect(await members(seg)).toEqual([ann]);
    clock.set(T + HOUR);
    t.segments.live.tick();
    expect(await members(seg)).toEqual([ann]);
    clock.set(T + HOUR + 1);
    t.segments.live.tick();
    expect(await members(seg)).toEqual([]);
    expect(await membershipEvents('ann', seg)).toEqual([
      'Segment Exited:expired',
      'Segment Entered:realtime',
    ]);
  });

  it('an abandoned checkout: a member once 3 h pass without an order, not when the order came in time', async () => {
    clock.set(T + 2 * HOUR);
    const seg = await create({
      name: 'abandoned checkout',
      condition: {
        sequence: [{ event: 'Checkout Started' }, { event: 'Order Completed' }],
        within: '3h',
        completed: false,
      },
    });
    const start = T + 2 * HOUR;
    await send(
      track({ userId: 'bob' }, 'Checkout Started', start),
      track({ userId: 'cat' }, 'Checkout Started', start),
      track({ userId: 'cat' }, 'Order Completed', start + HOUR, { order_id: 'c1' }),
    );
    expect(await members(seg)).toEqual([]);
    clock.set(start + 3 * HOUR - 1);
    t.segments.live.tick();
    expect(await members(seg)).toEqual([]);
    clock.set(start + 3 * HOUR);
    t.segments.live.tick();
    const bob = await profile('bob');
    expect(await members(seg)).toEqual([bob]);
    // An order after the window does not undo the abandonment.
    clock.set(start + 3 * HOUR + MIN);
    await send(track({ userId: 'bob' }, 'Order Completed', start + 3 * HOUR + MIN, { order_id: 'b1' }));
    expect(await members(seg)).toEqual([bob]);
  });

  it('a merge: two fragments that each viewed once become one member when identify links them', async () => {
    clock.set(T + 10 * HOUR);
    const seg = await create({
      name: 'two coupons today',
      condition: { event: 'Coupon Viewed', count: { op: 'gte', value: 2 }, within: '1d' },
    });
    await send(
      track({ anonymousId: 'dev-1' }, 'Coupon Viewed', T + 10 * HOUR),
      track({ userId: 'dan' }, 'Coupon Viewed', T + 10 * HOUR),
    );
    expect(await members(seg)).toEqual([]);
    await send({ type: 'identify', userId: 'dan', anonymousId: 'dev-1', timestamp: at(T + 10 * HOUR + MIN) });
    expect(await members(seg)).toEqual([await profile('dan')]);
  });

  it('a trait and a tag: follows identify traits at once and tags at each refresh', async () => {
    clock.set(T + 11 * HOUR);
    const seg = await create({
      name: 'Shanghai buyers',
      condition: {
        all: [
          { trait: 'city', op: 'eq', value: '上海' },
          { tag: 'lifecycle_stage', op: 'in', value: ['新客', '活跃'] },
        ],
      },
    });
    await send({ type: 'identify', userId: 'eve', traits: { city: '上海' }, timestamp: at(T + 11 * HOUR) });
    expect(await members(seg)).toEqual([]);
    await send(track({ userId: 'eve' }, 'Order Completed', T + 11 * HOUR, { order_id: 'e1', revenue: 10 }));
    expect(await members(seg)).toEqual([]);
    expect((await t.api('POST', '/api/v1/tags/refresh', {})).status).toBe(200);
    await t.segments.flush();
    const eve = await profile('eve');
    await waitUntil(async () => (await members(seg)).includes(eve));
    await send({
      type: 'identify',
      userId: 'eve',
      traits: { city: '杭州' },
      timestamp: at(T + 11 * HOUR + MIN),
    });
    expect(await members(seg)).toEqual([]);
  });

  it('a filter that moves with the clock: loaded from history, and followed as time passes', async () => {
    const now = T + 12 * HOUR;
    clock.set(now);
    const expires = now + 30 * MIN;
    await send(track({ userId: 'fay' }, 'Coupon Claimed', now, { expires_at: at(expires) }));
    // Created after the event: the load reads it from the store.
    const seg = await create({
      name: 'coupon expired today',
      condition: {
        event: 'Coupon Claimed',
        where: [{ property: 'expires_at', op: 'within_last', value: '1d' }],
      },
    });
    expect(await members(seg)).toEqual([]);
    clock.set(expires);
    t.segments.live.tick();
    const fay = await profile('fay');
    expect(await members(seg)).toEqual([fay]);
    clock.set(expires + 24 * HOUR);
    t.segments.live.tick();
    expect(await members(seg)).toEqual([fay]);
    clock.set(expires + 24 * HOUR + 1);
    t.segments.live.tick();
    expect(await members(seg)).toEqual([]);
  });

  it('a segment of a segment: a live segment follows the list it reads as the list changes', async () => {
    const now = clock.now();
    const list = await create({ name: 'VIP', members: { identifiers: [{ type: 'user_id', value: 'ann' }] } });
    const seg = await create({
      name: 'VIP visited a store',
      condition: { all: [{ segment: list }, { event: 'Store Visited', within: '1d' }] },
    });
    await send(
      track({ userId: 'hal' }, 'Store Visited', now),
      track({ userId: 'ann' }, 'Store Visited', now),
    );
    const hal = await profile('hal');
    const ann = await profile('ann');
    expect(await members(seg)).toEqual([ann]);
    const edit = await t.api('POST', `/api/v1/segments/${list}/members`, {
      add: { identifiers: [{ type: 'user_id', value: 'hal' }] },
      remove: { identifiers: [{ type: 'user_id', value: 'ann' }] },
    });
    expect(edit.status).toBe(200);
    expect(await members(seg)).toEqual([hal]);
  });

  it('a restart: membership survives, and windows that passed while down are applied on load', async () => {
    const now = clock.now();
    const recent = await create({
      name: 'active in the last hour',
      condition: { event: 'App Opened', within: '1h' },
    });
    await send(track({ userId: 'gus' }, 'App Opened', now));
    const gus = await profile('gus');
    const bob = await profile('bob');
    expect(await members(recent)).toEqual([gus]);
    expect(await members(ids['abandoned checkout']!)).toEqual([bob]);
    await t.stop({ keepData: true });
    clock.set(now + 2 * HOUR);
    t = await startTestTessera({ segments: { tickMs: 0 } }, t.dataDir, { clock });
    await t.segments.ready;
    expect(await members(ids['abandoned checkout']!)).toEqual([bob]);
    expect(await members(recent)).toEqual([]);
    expect(await membershipEvents('gus', recent)).toEqual([
      'Segment Exited:refresh',
      'Segment Entered:realtime',
    ]);
    const info = await t.api('GET', `/api/v1/segments/${recent}`);
    expect(info.body).toMatchObject({ live: true, size: 0 });
  });
});

async function waitUntil(probe: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}
