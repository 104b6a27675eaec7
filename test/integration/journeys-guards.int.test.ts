import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inHoldout } from '../../src/journeys/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { startWebhookPeer, type WebhookPeer } from '../support/webhook-peer.js';

/**
 * What is checked before every marketing send, through the running product: quiet hours in the
 * person's own zone (the send waits, it is not dropped), frequency caps across journeys,
 * consent per channel from the person's own events, the suppression list, and the global
 * holdout (the same people held out of every journey, measured against the rest).
 */

const SECRET = 'whsec_guards_0123456789abcd';
const MIN = 60_000;
const HOUR = 60 * MIN;
let n = 0;

async function setUp(
  clock: ManualClock,
  journeys: Record<string, unknown>,
): Promise<{ t: TestTessera; peer: WebhookPeer; writeKey: string }> {
  const peer = await startWebhookPeer(SECRET, { now: () => clock.now() });
  const t = await startTestTessera({ journeys }, undefined, { clock });
  const r = await t.api('PUT', '/api/v1/channels/webhook', {
    provider: 'webhook',
    config: { url: peer.url, secret: SECRET },
  });
  expect(r.status).toBe(200);
  return { t, peer, writeKey: (await t.newSource('guards')).writeKey };
}

function helpers(get: () => { t: TestTessera; writeKey: string }, clock: ManualClock) {
  const settle = async (): Promise<void> => {
    const { t } = get();
    for (let i = 0; i < 2; i++) {
      await t.writer.settle();
      await t.identity.settle();
      await t.journeys.idle();
    }
  };
  return {
    settle,
    send: async (...messages: Array<Record<string, unknown>>): Promise<void> => {
      const { t, writeKey } = get();
      const batch = messages.map((m) => ({
        messageId: `guard-${++n}`,
        timestamp: new Date(clock.now()).toISOString(),
        ...m,
      }));
      expect((await t.collect('/v1/batch', { batch }, writeKey)).status).toBe(200);
      await settle();
    },
    journey: async (event: string, reentry = 'always'): Promise<string> => {
      const { t } = get();
      const r = await t.api('POST', '/api/v1/journeys', {
        name: `on ${event}`,
        trigger: { kind: 'event', event },
        entry: { reentry },
        start: 'hello',
        steps: {
          hello: { kind: 'send', channel: 'webhook', template: { body: `${event} for {{ profile.id }}` } },
        },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect((await t.api('POST', `/api/v1/journeys/${r.body.id}/activate`)).status).toBe(200);
      return r.body.id as string;
    },
    outcomes: async (id: string): Promise<Record<string, number>> => {
      const m = (await get().t.api('GET', `/api/v1/journeys/${id}/metrics`)).body;
      return m.steps.find((s: { stepId: string }) => s.stepId === 'hello').outcomes as Record<string, number>;
    },
    profile: async (userId: string): Promise<string> =>
      (await get().t.api('GET', `/api/v1/profiles/lookup?type=user_id&value=${userId}`)).body
        .profileId as string,
  };
}

describe('guards before every send', () => {
  // 2026-11-20 22:30 in Shanghai: inside the default quiet hours (21:00–08:00).
  const clock = new ManualClock(Date.UTC(2026, 10, 20, 14, 30));
  let env: { t: TestTessera; peer: WebhookPeer; writeKey: string };
  const h = helpers(() => env, clock);
  const to = (): string[] => env.peer.received.map((r) => r.body.to as string);

  beforeAll(async () => {
    env = await setUp(clock, {
      holdoutShare: 0,
      quietHours: { start: '21:00', end: '08:00' },
      caps: [{ channel: null, max: 2, window: '1d' }],
    });
  }, 60_000);
  afterAll(async () => {
    await env?.t.stop();
    await env?.peer.close();
  });

  it('quiet hours delay a send to 08:00 in the person’s own zone, and do not drop it', async () => {
    const id = await h.journey('Night Ping');
    await h.send(
      { type: 'identify', userId: 'shanghai' },
      { type: 'identify', userId: 'london', traits: { timezone: 'Europe/London' } },
      { type: 'track', userId: 'shanghai', event: 'Night Ping' },
      { type: 'track', userId: 'london', event: 'Night Ping' },
    );
    // 14:30 in London is no quiet time: that one goes now.
    expect(to()).toEqual([await h.profile('london')]);
    expect(await h.outcomes(id)).toEqual({ delayed: 1, sent: 1 });
    clock.set(Date.UTC(2026, 10, 20, 23, 59)); // 07:59 in Shanghai
    await env.t.journeys.tick();
    await h.settle();
    expect(env.peer.received).toHaveLength(1);
    clock.set(Date.UTC(2026, 10, 21, 0, 0)); // 08:00
    await env.t.journeys.tick();
    await h.settle();
    expect(to()).toEqual([await h.profile('london'), await h.profile('shanghai')]);
    expect(await h.outcomes(id)).toEqual({ delayed: 1, sent: 2 });
  });

  it('a frequency cap counts sends across journeys: the third message of the day is not sent', async () => {
    clock.set(Date.UTC(2026, 10, 21, 3, 0)); // 11:00 in Shanghai
    const a = await h.journey('Offer A');
    const b = await h.journey('Offer B');
    const before = env.peer.received.length;
    await h.send(
      { type: 'identify', userId: 'capped' },
      { type: 'track', userId: 'capped', event: 'Offer A' },
    );
    clock.advance(HOUR);
    await h.send({ type: 'track', userId: 'capped', event: 'Offer B' });
    clock.advance(HOUR);
    await h.send({ type: 'track', userId: 'capped', event: 'Offer A' });
    expect(env.peer.received.length - before).toBe(2);
    expect(await h.outcomes(a)).toEqual({ sent: 1, capped: 1 });
    expect(await h.outcomes(b)).toEqual({ sent: 1 });
    // A day after the first send one place is free again.
    clock.set(Date.UTC(2026, 10, 22, 3, 0) + MIN);
    await h.send({ type: 'track', userId: 'capped', event: 'Offer B' });
    expect(env.peer.received.length - before).toBe(3);
  });

  it('consent per channel: a person who said no to the channel gets nothing until they say yes', async () => {
    clock.set(Date.UTC(2026, 10, 23, 3, 0));
    const id = await h.journey('News');
    const before = env.peer.received.length;
    await h.send(
      { type: 'identify', userId: 'private', traits: { consent: { webhook: false } } },
      { type: 'track', userId: 'private', event: 'News' },
    );
    expect(env.peer.received.length).toBe(before);
    expect(await h.outcomes(id)).toEqual({ suppressed: 1 });
    clock.advance(HOUR);
    await h.send(
      { type: 'track', userId: 'private', event: 'Subscribed', properties: { channel: 'webhook' } },
      { type: 'track', userId: 'private', event: 'News' },
    );
    expect(env.peer.received.length).toBe(before + 1);
    clock.advance(HOUR);
    await h.send(
      { type: 'track', userId: 'private', event: 'Unsubscribed', properties: { channel: 'webhook' } },
      { type: 'track', userId: 'private', event: 'News' },
    );
    expect(env.peer.received.length).toBe(before + 1);
    expect(await h.outcomes(id)).toEqual({ suppressed: 2, sent: 1 });
  });

  it('the suppression list stops every message to an address until it is lifted', async () => {
    clock.set(Date.UTC(2026, 10, 24, 3, 0));
    const id = await h.journey('Alert');
    await h.send({ type: 'identify', userId: 'listed' });
    const address = await h.profile('listed');
    const add = await env.t.api('POST', '/api/v1/suppressions', {
      channel: 'webhook',
      address,
      reason: 'complaint',
    });
    expect(add.status).toBe(201);
    expect((await env.t.api('GET', '/api/v1/suppressions')).body.suppressions).toEqual([
      expect.objectContaining({ channel: 'webhook', address: address.toLowerCase(), reason: 'complaint' }),
    ]);
    const before = env.peer.received.length;
    await h.send({ type: 'track', userId: 'listed', event: 'Alert' });
    expect(env.peer.received.length).toBe(before);
    expect((await env.t.api('DELETE', '/api/v1/suppressions', { channel: 'webhook', address })).status).toBe(
      200,
    );
    clock.advance(HOUR);
    await h.send({ type: 'track', userId: 'listed', event: 'Alert' });
    expect(env.peer.received.length).toBe(before + 1);
    expect(await h.outcomes(id)).toEqual({ suppressed: 1, sent: 1 });
    const audit = (await env.t.api('GET', '/api/v1/audit?limit=50')).body.entries as Array<{
      action: string;
    }>;
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['suppression.add', 'suppression.remove']),
    );
  });
});

describe('the global holdout', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 20, 3, 0));
  let env: { t: TestTessera; peer: WebhookPeer; writeKey: string };
  const h = helpers(() => env, clock);
  const PEOPLE = 300;

  beforeAll(async () => {
    env = await setUp(clock, { holdoutShare: 0.3, caps: [] });
  }, 60_000);
  afterAll(async () => {
    await env?.t.stop();
    await env?.peer.close();
  });

  it('holds the same people out of every journey and compares their conversion with the rest', async () => {
    const ids = Array.from({ length: PEOPLE }, (_, i) => `h${i}`);
    const a = await h.journey('Launch', 'never');
    const def = (await env.t.api('GET', `/api/v1/journeys/${a}`)).body.definition;
    const put = await env.t.api('PUT', `/api/v1/journeys/${a}`, {
      ...def,
      goal: { event: 'Order Completed', within: '7d' },
    });
    expect(put.status).toBe(200);
    const b = await h.journey('Launch', 'never');
    await h.send(...ids.map((u) => ({ type: 'identify', userId: u })));
    await h.send(...ids.map((u) => ({ type: 'track', userId: u, event: 'Launch' })));
    const profiles = await Promise.all(ids.map((u) => h.profile(u)));
    const held = new Set(profiles.filter((p) => inHoldout(p, 0.3)));
    expect(held.size).toBeGreaterThan(PEOPLE * 0.2);
    expect(held.size).toBeLessThan(PEOPLE * 0.4);
    const got = env.peer.received.map((r) => r.body.to as string);
    // Each treated person gets one message from each journey; no held-out person gets any.
    expect(got).toHaveLength(2 * (PEOPLE - held.size));
    expect(got.some((p) => held.has(p))).toBe(false);
    expect(await h.outcomes(a)).toEqual({ held_out: held.size, sent: PEOPLE - held.size });
    expect(await h.outcomes(b)).toEqual({ held_out: held.size, sent: PEOPLE - held.size });

    // Every third person buys; the holdout buys just the same (the message did nothing).
    clock.advance(HOUR);
    await h.send(
      ...ids
        .filter((_, i) => i % 3 === 0)
        .map((u) => ({ type: 'track', userId: u, event: 'Order Completed', properties: { revenue: 100 } })),
    );
    const m = (await env.t.api('GET', `/api/v1/journeys/${a}/metrics`)).body;
    const buyers = new Set(profiles.filter((_, i) => i % 3 === 0));
    const heldBuyers = [...held].filter((p) => buyers.has(p)).length;
    expect(m.converted).toBe(buyers.size);
    expect(m.holdout.holdout).toMatchObject({ entered: held.size, converted: heldBuyers });
    expect(m.holdout.treated).toMatchObject({
      entered: PEOPLE - held.size,
      converted: buyers.size - heldBuyers,
      revenuePerProfile: ((buyers.size - heldBuyers) * 100) / (PEOPLE - held.size),
    });
    expect(m.holdout.test.pValue).toBeGreaterThan(0);
    expect(m.holdout.test.pValue).toBeLessThanOrEqual(1);
    expect(m.holdout.test.interval[0]).toBeLessThan(m.holdout.test.difference);
    expect(m.holdout.test.interval[1]).toBeGreaterThan(m.holdout.test.difference);

    // The programme as a whole: every profile, held out or not, whatever journeys it was in.
    const programme = (await env.t.api('GET', '/api/v1/journeys/programme?event=Order%20Completed&within=7d'))
      .body;
    expect(programme).toMatchObject({
      share: 0.3,
      holdout: { size: held.size, conversions: heldBuyers },
      treated: { size: PEOPLE - held.size, conversions: buyers.size - heldBuyers },
    });
    expect(programme.test.difference).toBeCloseTo(
      (buyers.size - heldBuyers) / (PEOPLE - held.size) - heldBuyers / held.size,
      10,
    );
  });
});
