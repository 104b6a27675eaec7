import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { startWebhookPeer, type WebhookPeer } from '../support/webhook-peer.js';

/**
 * The journeys API as a marketer's tools use it: definitions refused with every problem named,
 * versions, pause and archive, manual entry, template preview for a real profile, roles.
 */

const T = Date.UTC(2026, 10, 20, 2, 0, 0);
const SECRET = 'whsec_api_0123456789abcdefgh';
let n = 0;

describe('journeys API', () => {
  const clock = new ManualClock(T);
  let t: TestTessera;
  let peer: WebhookPeer;
  let writeKey: string;
  let viewerKey: string;

  const simple = (event: string, body = 'hi') => ({
    name: `on ${event}`,
    trigger: { kind: 'event', event },
    entry: { reentry: 'always' },
    start: 'pause',
    steps: {
      pause: { kind: 'wait', duration: '1h', next: 'hello' },
      hello: { kind: 'send', channel: 'webhook', template: { body } },
    },
  });
  const send = async (...messages: Array<Record<string, unknown>>): Promise<void> => {
    const batch = messages.map((m) => ({
      messageId: `api-${++n}`,
      timestamp: new Date(clock.now()).toISOString(),
      ...m,
    }));
    expect((await t.collect('/v1/batch', { batch }, writeKey)).status).toBe(200);
    await t.writer.settle();
    await t.identity.settle();
    await t.journeys.idle();
  };
  const profile = async (userId: string): Promise<string> =>
    (await t.api('GET', `/api/v1/profiles/lookup?type=user_id&value=${userId}`)).body.profileId as string;

  beforeAll(async () => {
    peer = await startWebhookPeer(SECRET, { now: () => clock.now() });
    t = await startTestTessera({ journeys: { holdoutShare: 0, caps: [] } }, undefined, { clock });
    writeKey = (await t.newSource('api')).writeKey;
    viewerKey = (await t.api('POST', '/api/v1/api-keys', { name: 'viewer', role: 'viewer' })).body
      .key as string;
    await t.api('PUT', '/api/v1/channels/webhook', {
      provider: 'webhook',
      config: { url: peer.url, secret: SECRET },
    });
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
    await peer?.close();
  });

  it('refuses a journey with every problem named by its path', async () => {
    const r = await t.api('POST', '/api/v1/journeys', {
      name: 'broken',
      trigger: { kind: 'schedule', cron: '61 * * * *' },
      start: 'first',
      steps: {
        first: { kind: 'split', condition: { trait: 'city', op: 'nope', value: 1 }, yes: 'gone', no: 'out' },
        out: { kind: 'send', channel: 'sms', template: { body: '{{ unclosed' } },
      },
    });
    expect(r.status).toBe(422);
    const paths = (r.body.error.details as Array<{ path: string }>).map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'journey.steps.first', // goes to a step that is not there
        'journey.steps.first.condition', // no such operator
        'journey.steps.out.template.body', // an unclosed output
        'journey.steps.out.template.templateId', // SMS goes out through a provider template
      ]),
    );
    const segment = await t.api('POST', '/api/v1/journeys', {
      ...simple('X'),
      trigger: { kind: 'segment_entered', segment: 'seg_missing' },
    });
    expect(segment.status).toBe(422);
    expect(segment.body.error.details).toEqual([
      { path: 'journey.trigger.segment', message: 'no segment seg_missing' },
    ]);
    const cron = await t.api('POST', '/api/v1/journeys', {
      ...simple('X'),
      trigger: { kind: 'schedule', cron: '61 * * * *' },
    });
    expect(cron.status).toBe(422);
    expect(cron.body.error.details[0].path).toBe('journey.trigger.cron');
  });

  it('keeps every version; a viewer reads but cannot change', async () => {
    const created = await t.api('POST', '/api/v1/journeys', simple('Versioned'));
    expect(created.body).toMatchObject({ version: 1, status: 'draft' });
    const id = created.body.id as string;
    expect((await t.api('PUT', `/api/v1/journeys/${id}`, simple('Versioned', 'v2'))).body.version).toBe(2);
    expect((await t.api('POST', `/api/v1/journeys/${id}/activate`)).body).toMatchObject({
      version: 3,
      status: 'active',
    });
    const versions = (await t.api('GET', `/api/v1/journeys/${id}/versions`)).body.versions;
    expect(versions.map((v: { version: number; status: string }) => `${v.version}:${v.status}`)).toEqual([
      '3:active',
      '2:draft',
      '1:draft',
    ]);
    expect((await t.api('GET', `/api/v1/journeys/${id}`, undefined, viewerKey)).status).toBe(200);
    expect((await t.api('POST', `/api/v1/journeys/${id}/pause`, undefined, viewerKey)).status).toBe(403);
    expect(
      (await t.api('GET', '/api/v1/journeys/templates', undefined, viewerKey)).body.templates,
    ).toHaveLength(5);
  });

  it('keeps one canvas layout per journey beside it, without a new version', async () => {
    const id = (await t.api('POST', '/api/v1/journeys', simple('Laid out'))).body.id as string;
    const empty = await t.api('GET', `/api/v1/journeys/${id}/layout`);
    expect(empty.body).toEqual({ positions: {}, updatedAt: null, updatedBy: null });
    const put = await t.api('PUT', `/api/v1/journeys/${id}/layout`, {
      positions: { trigger: { x: 0, y: 0 }, pause: { x: 10.4, y: 140 }, hello: { x: -220.6, y: 280 } },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    // Whole pixels, stamped with the time and the caller.
    expect(put.body.positions).toEqual({
      trigger: { x: 0, y: 0 },
      pause: { x: 10, y: 140 },
      hello: { x: -221, y: 280 },
    });
    expect(put.body.updatedAt).toBe(new Date(clock.now()).toISOString());
    expect(put.body.updatedBy).toEqual(expect.any(String));
    // Another reader (a viewer) sees the same layout; a second put replaces it whole.
    expect(
      (await t.api('GET', `/api/v1/journeys/${id}/layout`, undefined, viewerKey)).body.positions,
    ).toEqual(put.body.positions);
    await t.api('PUT', `/api/v1/journeys/${id}/layout`, { positions: { hello: { x: 1, y: 2 } } });
    expect((await t.api('GET', `/api/v1/journeys/${id}/layout`)).body.positions).toEqual({
      hello: { x: 1, y: 2 },
    });
    // The definition is untouched: still version 1.
    expect((await t.api('GET', `/api/v1/journeys/${id}`)).body.version).toBe(1);

    const bad = await t.api('PUT', `/api/v1/journeys/${id}/layout`, {
      positions: { hello: { x: 'left', y: 2 } },
    });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('positions.hello.x');
    expect(
      (
        await t.api(
          'PUT',
          `/api/v1/journeys/${id}/layout`,
          { positions: { hello: { x: 1, y: 2 } } },
          viewerKey,
        )
      ).status,
    ).toBe(403);
    expect((await t.api('GET', '/api/v1/journeys/jny_nosuch/layout')).status).toBe(404);
  });

  it('pause stops entries and lets those inside go on; archive ends everyone inside', async () => {
    const id = (await t.api('POST', '/api/v1/journeys', simple('Paused Ping', 'paused'))).body.id as string;
    await t.api('POST', `/api/v1/journeys/${id}/activate`);
    await send({ type: 'track', userId: 'p1', event: 'Paused Ping' });
    expect((await t.api('POST', `/api/v1/journeys/${id}/pause`)).body.status).toBe('paused');
    await send({ type: 'track', userId: 'p2', event: 'Paused Ping' });
    expect((await t.api('GET', `/api/v1/journeys/${id}`)).body.running).toEqual({ active: 0, waiting: 1 });
    clock.set(T + 2 * 3_600_000);
    await t.journeys.tick();
    await t.journeys.idle();
    expect(peer.received.filter((r) => r.body.body === 'paused').map((r) => r.body.to)).toEqual([
      await profile('p1'),
    ]);
    expect(
      (await t.api('POST', `/api/v1/journeys/${id}/enter`, { profileIds: [await profile('p2')] })).status,
    ).toBe(409);

    const other = (await t.api('POST', '/api/v1/journeys', simple('Archived Ping', 'archived'))).body
      .id as string;
    await t.api('POST', `/api/v1/journeys/${other}/activate`);
    await send({ type: 'track', userId: 'a1', event: 'Archived Ping' });
    expect((await t.api('POST', `/api/v1/journeys/${other}/archive`)).body.status).toBe('archived');
    clock.set(T + 4 * 3_600_000);
    await t.journeys.tick();
    await t.journeys.idle();
    expect(peer.received.some((r) => r.body.body === 'archived')).toBe(false);
    const m = (await t.api('GET', `/api/v1/journeys/${other}/metrics`)).body;
    expect(m.exits).toEqual({ archived: 1 });
    expect((await t.api('PUT', `/api/v1/journeys/${other}`, simple('Archived Ping'))).status).toBe(409);
  });

  it('enters given profiles or a whole segment, with the entry rules', async () => {
    clock.set(T + 10 * 3_600_000);
    await send(
      { type: 'identify', userId: 'm1', traits: { tier: 'gold' } },
      { type: 'identify', userId: 'm2', traits: { tier: 'gold' } },
      { type: 'identify', userId: 'm3', traits: { tier: 'silver' } },
    );
    const def = { ...simple('Never'), entry: { reentry: 'never' } };
    const id = (await t.api('POST', '/api/v1/journeys', def)).body.id as string;
    await t.api('POST', `/api/v1/journeys/${id}/activate`);
    const seg = await t.api('POST', '/api/v1/segments', {
      name: 'gold',
      condition: { trait: 'tier', op: 'eq', value: 'gold' },
    });
    expect((await t.api('POST', `/api/v1/journeys/${id}/enter`, { segment: seg.body.id })).body).toEqual({
      entered: 2,
    });
    // Never twice: m1 again enters nobody; m3 is new.
    const again = await t.api('POST', `/api/v1/journeys/${id}/enter`, {
      profileIds: [await profile('m1'), await profile('m3')],
    });
    expect(again.body).toEqual({ entered: 1 });
    expect((await t.api('POST', `/api/v1/journeys/${id}/enter`, { segment: 'seg_nope' })).status).toBe(404);
  });

  it('previews a template for a chosen profile and names what it lacks', async () => {
    await send({ type: 'identify', userId: 'pv', traits: { name: '顾小北', city: '杭州' } });
    const r = await t.api('POST', '/api/v1/journeys/preview', {
      profileId: await profile('pv'),
      template: {
        subject: '{{ traits.name }}，{{ traits.city }}门店上新',
        html: '<p>{{ traits.nickname | default: "朋友" }} &lt;{{ event.properties.sku }}&gt;</p>',
      },
      event: { name: 'Product Viewed', properties: { sku: 'A<1>' } },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.rendered.subject).toBe('顾小北，杭州门店上新');
    expect(r.body.rendered.html).toBe('<p>朋友 &lt;A&lt;1&gt;&gt;</p>');
    expect(r.body.missing).toEqual(['traits.nickname']);
    const bad = await t.api('POST', '/api/v1/journeys/preview', {
      profileId: 'x',
      template: { body: '{% include "x" %}' },
    });
    expect(bad.status).toBe(422);
  });

  it('test-sends a step to a chosen profile now, outside the journey and its metrics', async () => {
    await send({ type: 'identify', userId: 'tester', traits: { name: '测试员' } });
    const def = simple('Test Only', 'hello {{ traits.name }}');
    const id = (await t.api('POST', '/api/v1/journeys', def)).body.id as string;
    const before = peer.received.length;
    const r = await t.api('POST', `/api/v1/journeys/${id}/test-send`, {
      stepId: 'hello',
      profileId: await profile('tester'),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.outcome.kind).toBe('sent');
    expect(peer.received.slice(before)).toEqual([
      expect.objectContaining({
        key: expect.stringMatching(/^test:/),
        body: expect.objectContaining({ body: 'hello 测试员' }),
      }),
    ]);
    expect((await t.api('GET', `/api/v1/journeys/${id}/metrics`)).body.entered).toBe(0);
    const wrong = await t.api('POST', `/api/v1/journeys/${id}/test-send`, {
      stepId: 'pause',
      profileId: 'x',
    });
    expect(wrong.status).toBe(422);
  });

  it('shows channel credentials only redacted, and the OpenAPI document lists the journey routes', async () => {
    const ch = (await t.api('GET', '/api/v1/channels/webhook')).body;
    expect(JSON.stringify(ch)).not.toContain(SECRET);
    expect(ch.config.secret).toMatch(/^••••/);
    const doc = (await t.api('GET', '/api/v1/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/journeys',
        '/api/v1/journeys/{id}/metrics',
        '/api/v1/channels/{channel}',
        '/api/v1/suppressions',
      ]),
    );
  });
});
