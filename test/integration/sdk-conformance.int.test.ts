import { Analytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../support/tessera.js';

/**
 * The real SDKs, unchanged, against a running Tessera: every message stored exactly once,
 * with its fields intact.
 */
let t: TestTessera;

beforeAll(async () => {
  t = await startTestTessera();
});
afterAll(async () => {
  await t.stop();
});

async function stored(messageId: string): Promise<any[]> {
  const res = await t.api('GET', `/api/v1/events?messageId=${encodeURIComponent(messageId)}`);
  return res.body.events;
}

const ts = new Date('2026-05-07T08:49:00.000Z');

describe('@segment/analytics-node', () => {
  it('identify, track, page, screen, group and alias are each stored once with their fields', async () => {
    const { writeKey } = await t.newSource('segment-node');
    const analytics = new Analytics({ writeKey, host: t.url, flushAt: 3, flushInterval: 50, maxRetries: 1 });
    const ids: Record<string, string> = {};
    const remember = (name: string) => (err: unknown, ctx?: { event: { messageId?: string } }) => {
      if (err) throw err as Error;
      ids[name] = ctx!.event.messageId!;
    };
    analytics.identify(
      {
        userId: 'u_100',
        traits: { name: '王小明', phone: '13800138000', email: 'XM@Example.com' },
        timestamp: ts,
      },
      remember('identify'),
    );
    analytics.track(
      {
        userId: 'u_100',
        event: 'Order Completed',
        properties: { order_id: 'o-1', revenue: 299.5, products: [{ sku: 'A1', category: 'skincare' }] },
        timestamp: ts,
        context: { campaign: { source: 'wechat', medium: 'social', name: '618' } },
      },
      remember('track'),
    );
    analytics.page(
      { anonymousId: 'anon-1', name: 'Home', properties: { url: 'https://brand.example/' }, timestamp: ts },
      remember('page'),
    );
    analytics.screen(
      { userId: 'u_100', name: 'Cart', properties: { items: 2 }, timestamp: ts },
      remember('screen'),
    );
    analytics.group(
      { userId: 'u_100', groupId: 'store-021', traits: { city: '上海' }, timestamp: ts },
      remember('group'),
    );
    analytics.alias({ userId: 'u_100', previousId: 'anon-1', timestamp: ts }, remember('alias'));
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(Object.keys(ids).sort()).toEqual(['alias', 'group', 'identify', 'page', 'screen', 'track']);

    const byName: Record<string, any> = {};
    for (const [name, id] of Object.entries(ids)) {
      const rows = await stored(id);
      expect(rows, name).toHaveLength(1);
      byName[name] = rows[0];
      expect(rows[0].type).toBe(name);
      expect(Date.parse(rows[0].originalTimestamp)).toBe(ts.getTime());
      expect(rows[0].context.library.name).toBe('@segment/analytics-node');
    }
    expect(byName.identify.traits).toEqual({
      name: '王小明',
      phone: '+8613800138000',
      email: 'xm@example.com',
    });
    expect(byName.track).toMatchObject({
      userId: 'u_100',
      event: 'Order Completed',
      properties: { order_id: 'o-1', revenue: 299.5, products: [{ sku: 'A1', category: 'skincare' }] },
    });
    expect(byName.track.context.campaign).toEqual({ source: 'wechat', medium: 'social', name: '618' });
    expect(byName.page).toMatchObject({
      anonymousId: 'anon-1',
      name: 'Home',
      properties: { url: 'https://brand.example/' },
    });
    expect(byName.screen).toMatchObject({ userId: 'u_100', name: 'Cart', properties: { items: 2 } });
    expect(byName.group).toMatchObject({ userId: 'u_100', groupId: 'store-021', traits: { city: '上海' } });
    expect(byName.alias).toMatchObject({ userId: 'u_100', previousId: 'anon-1' });
  });

  it('messages sent again with the same messageId (a client retry) are stored once', async () => {
    const { writeKey } = await t.newSource('segment-node-retry');
    for (let round = 0; round < 2; round++) {
      const analytics = new Analytics({ writeKey, host: t.url, flushAt: 10, flushInterval: 50 });
      for (let i = 0; i < 25; i++)
        analytics.track({ messageId: `retry-${i}`, userId: `u${i}`, event: 'Product Viewed' });
      await analytics.closeAndFlush({ timeout: 10_000 });
    }
    for (let i = 0; i < 25; i++) expect(await stored(`retry-${i}`)).toHaveLength(1);
  });
});

describe('@rudderstack/rudder-sdk-node (gzip bodies, labelled as form data)', () => {
  it('identify, track, page, screen, group and alias are each stored once with their fields', async () => {
    const { writeKey } = await t.newSource('rudder-node');
    const client = new RudderAnalytics(writeKey, {
      dataPlaneUrl: t.url,
      flushAt: 2,
      flushInterval: 50,
      logLevel: 'error',
    });
    const sent: Array<[string, Record<string, any>]> = [
      [
        'identify',
        {
          messageId: 'rs-identify',
          userId: 'u_200',
          traits: { name: 'Ann Lee', email: 'ann@example.com', gender: '女' },
          timestamp: ts,
        },
      ],
      [
        'track',
        {
          messageId: 'rs-track',
          userId: 'u_200',
          event: 'Product Added',
          properties: { sku: 'B2', price: 120 },
          timestamp: ts,
        },
      ],
      [
        'page',
        {
          messageId: 'rs-page',
          anonymousId: 'anon-2',
          name: 'PDP',
          properties: { path: '/p/b2' },
          timestamp: ts,
        },
      ],
      [
        'screen',
        { messageId: 'rs-screen', anonymousId: 'anon-2', name: 'Home', properties: {}, timestamp: ts },
      ],
      [
        'group',
        {
          messageId: 'rs-group',
          userId: 'u_200',
          groupId: 'g-1',
          traits: { name: 'VIP club' },
          timestamp: ts,
        },
      ],
      ['alias', { messageId: 'rs-alias', userId: 'u_200', previousId: 'anon-2', timestamp: ts }],
    ];
    for (const [method, message] of sent) (client as any)[method](message);
    await client.flush();
    for (const [method, message] of sent) {
      const rows = await stored(message.messageId);
      expect(rows, method).toHaveLength(1);
      const row = rows[0];
      expect(row.type).toBe(method);
      expect(Date.parse(row.originalTimestamp)).toBe(ts.getTime());
      expect(row.context.library.name).toBe('analytics-node'); // what rudder-sdk-node calls itself
      for (const key of ['userId', 'anonymousId', 'event', 'name', 'groupId', 'previousId', 'properties']) {
        if (message[key] !== undefined) expect(row[key], `${method}.${key}`).toEqual(message[key]);
      }
    }
    expect((await stored('rs-identify'))[0].traits).toEqual({
      name: 'Ann Lee',
      email: 'ann@example.com',
      gender: 'female',
    });
  });
});
