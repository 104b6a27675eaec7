import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../support/tessera.js';

/**
 * Personal data is masked for roles below the workspace's `piiRole` (marketer by default) in
 * every read of people: the 360° profile, identifiers, timelines, stored events, segment members.
 */
describe('personal data by role', () => {
  let t: TestTessera;
  let analyst: string;
  let marketer: string;
  let profileId: string;

  beforeAll(async () => {
    t = await startTestTessera({ governance: { pii: { vip_code: 'id' } } });
    analyst = (await t.api('POST', '/api/v1/api-keys', { name: 'analyst', role: 'analyst' })).body
      .key as string;
    marketer = (await t.api('POST', '/api/v1/api-keys', { name: 'marketer', role: 'marketer' })).body
      .key as string;
    const { writeKey } = await t.newSource('pii');
    const r = await t.collect(
      '/v1/identify',
      {
        messageId: 'pii-1',
        userId: 'u-pii',
        traits: {
          name: '王小明',
          phone: '13924681357',
          email: 'wang.xm@163.com',
          city: '杭州',
          vip_code: 'VIP-000123',
        },
        context: { externalIds: [{ type: 'wechat_openid', id: 'oWx1234567890' }] },
      },
      writeKey,
    );
    expect(r.status).toBe(200);
    await t.writer.settle();
    await t.identity.settle();
    profileId = (await t.api('GET', '/api/v1/profiles/lookup?type=user_id&value=u-pii')).body
      .profileId as string;
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
  });

  it('masks the 360° profile for an analyst and shows it to a marketer', async () => {
    const masked = (await t.api('GET', `/api/v1/profiles/${profileId}`, undefined, analyst)).body;
    expect(masked.traits).toMatchObject({
      name: '王**',
      phone: '+86139****1357',
      email: 'w***@163.com',
      city: '杭州',
      vip_code: 'VI****23',
    });
    const ids = Object.fromEntries(
      masked.identifiers.map((i: { type: string; value: string }) => [i.type, i.value]),
    );
    expect(ids).toMatchObject({
      user_id: 'u-pii',
      phone: '+86139****1357',
      email: 'w***@163.com',
      wechat_openid: 'oW****90',
    });
    expect(JSON.stringify(masked)).not.toContain('24681357');
    const clear = (await t.api('GET', `/api/v1/profiles/${profileId}`, undefined, marketer)).body;
    expect(clear.traits).toMatchObject({ name: '王小明', phone: '+8613924681357', vip_code: 'VIP-000123' });
  });

  it('masks stored events, the timeline and the identifier list the same way', async () => {
    const events = (await t.api('GET', '/api/v1/events?userId=u-pii', undefined, analyst)).body.events;
    expect(events[0].traits).toMatchObject({ phone: '+86139****1357', email: 'w***@163.com', city: '杭州' });
    expect(events[0].context.externalIds).toEqual([{ type: 'wechat_openid', id: 'oW****90' }]);
    const timeline = (await t.api('GET', `/api/v1/profiles/${profileId}/events`, undefined, analyst)).body
      .events;
    expect(JSON.stringify(timeline)).not.toContain('13924681357');
    const identifiers = (await t.api('GET', `/api/v1/profiles/${profileId}/identifiers`, undefined, analyst))
      .body;
    expect(JSON.stringify(identifiers)).not.toContain('wang.xm');
    const clear = (await t.api('GET', '/api/v1/events?userId=u-pii', undefined, marketer)).body.events;
    expect(clear[0].traits.phone).toBe('+8613924681357');
  });

  it('masks the traits of segment members', async () => {
    const seg = await t.api('POST', '/api/v1/segments', {
      name: 'hz',
      condition: { trait: 'city', op: 'eq', value: '杭州' },
    });
    const page = await t.api(
      'GET',
      `/api/v1/segments/${seg.body.id}/members?traits=phone,city`,
      undefined,
      analyst,
    );
    expect(page.body.members).toEqual([
      expect.objectContaining({ profileId, traits: { phone: '+86139****1357', city: '杭州' } }),
    ]);
  });
});
