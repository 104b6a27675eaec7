import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../support/tessera.js';

let t: TestTessera;
let writeKey: string;

beforeAll(async () => {
  t = await startTestTessera();
  ({ writeKey } = await t.newSource('web'));
});
afterAll(async () => {
  await t.stop();
});

const basic = (key: string): string => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

async function post(
  path: string,
  body: Buffer | string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: { authorization: basic(writeKey), 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function storedById(messageId: string): Promise<any[]> {
  const res = await t.api('GET', `/api/v1/events?messageId=${encodeURIComponent(messageId)}`);
  expect(res.status).toBe(200);
  return res.body.events;
}

describe('bad input gets a clear 4xx JSON error naming the problem, and the server stays up', () => {
  const deep = (n: number): string => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
  const cases: Array<{
    name: string;
    path: string;
    body: () => Buffer | string;
    headers?: Record<string, string>;
    status: number;
    code: string;
    mentions: RegExp;
  }> = [
    {
      name: 'malformed JSON',
      path: '/v1/track',
      body: () => '{"event": "x", ',
      status: 400,
      code: 'invalid_json',
      mentions: /not valid JSON/,
    },
    {
      name: 'empty body',
      path: '/v1/batch',
      body: () => '',
      status: 400,
      code: 'invalid_json',
      mentions: /empty/,
    },
    {
      name: 'oversize batch (> 500 KB)',
      path: '/v1/batch',
      body: () =>
        JSON.stringify({
          batch: [{ type: 'track', event: 'x', userId: 'u', properties: { pad: 'x'.repeat(520 * 1024) } }],
        }),
      status: 413,
      code: 'payload_too_large',
      mentions: /512000 bytes/,
    },
    {
      name: 'oversize single event (> 32 KB)',
      path: '/v1/track',
      body: () => JSON.stringify({ event: 'x', userId: 'u', properties: { pad: 'x'.repeat(33 * 1024) } }),
      status: 413,
      code: 'payload_too_large',
      mentions: /32768 bytes/,
    },
    {
      name: 'gzip bomb (small compressed, huge decompressed)',
      path: '/v1/batch',
      body: () => gzipSync(Buffer.from(JSON.stringify({ batch: [{ pad: ' '.repeat(5 * 1024 * 1024) }] }))),
      headers: { 'content-encoding': 'gzip' },
      status: 413,
      code: 'payload_too_large',
      mentions: /decompression/,
    },
    {
      name: 'missing write key',
      path: '/v1/track',
      body: () => '{"event":"x","userId":"u"}',
      headers: { authorization: '' },
      status: 401,
      code: 'unauthorized',
      mentions: /missing write key/,
    },
    {
      name: 'bad write key',
      path: '/v1/track',
      body: () => '{"event":"x","userId":"u"}',
      headers: { authorization: basic('wk_nope') },
      status: 401,
      code: 'unauthorized',
      mentions: /invalid/,
    },
    {
      name: 'non-Basic auth',
      path: '/v1/track',
      body: () => '{"event":"x","userId":"u"}',
      headers: { authorization: 'Bearer abc' },
      status: 401,
      code: 'unauthorized',
      mentions: /HTTP Basic/,
    },
    {
      name: 'invalid UTF-8',
      path: '/v1/track',
      body: () => Buffer.from([0x7b, 0x22, 0x65, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
      status: 400,
      code: 'invalid_utf8',
      mentions: /UTF-8/,
    },
    {
      name: 'deep nesting',
      path: '/v1/track',
      body: () => deep(200),
      status: 400,
      code: 'too_deep',
      mentions: /64 levels/,
    },
    {
      name: 'unsupported encoding',
      path: '/v1/track',
      body: () => '{}',
      headers: { 'content-encoding': 'compress' },
      status: 415,
      code: 'unsupported_encoding',
      mentions: /compress/,
    },
    {
      name: 'corrupt gzip',
      path: '/v1/track',
      body: () => Buffer.from([0x1f, 0x8b, 1, 2, 3, 4]),
      status: 400,
      code: 'bad_request',
      mentions: /gzip/,
    },
    {
      name: 'batch without a batch array',
      path: '/v1/batch',
      body: () => '{"events": []}',
      status: 400,
      code: 'bad_request',
      mentions: /"batch" array/,
    },
    {
      name: 'not an object',
      path: '/v1/track',
      body: () => '[1,2]',
      status: 400,
      code: 'invalid_message',
      mentions: /JSON object/,
    },
    {
      name: 'track without event',
      path: '/v1/track',
      body: () => '{"userId":"u1"}',
      status: 400,
      code: 'missing_event',
      mentions: /"event"/,
    },
    {
      name: 'no identity',
      path: '/v1/track',
      body: () => '{"event":"E"}',
      status: 400,
      code: 'missing_identity',
      mentions: /userId/,
    },
    {
      name: 'wrong type of properties',
      path: '/v1/track',
      body: () => '{"event":"E","userId":"u","properties":[1]}',
      status: 400,
      code: 'invalid_field_type',
      mentions: /"properties" must be an object/,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const headers = { ...c.headers };
      const res =
        headers.authorization === ''
          ? await fetch(`${t.url}${c.path}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: c.body(),
            }).then(async (r) => ({
              status: r.status,
              body: JSON.parse(await r.text()),
            }))
          : await post(c.path, c.body(), headers);
      expect(res.status).toBe(c.status);
      expect(res.body.error.code).toBe(c.code);
      expect(res.body.error.message).toMatch(c.mentions);
      const health = await fetch(`${t.url}/api/v1/health`);
      expect(health.status).toBe(200);
    });
  }

  it('unknown paths get a JSON 404', async () => {
    const res = await post('/v1/nope', '{}');
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({ code: 'not_found', message: 'no route POST /v1/nope' });
    const api = await t.api('GET', '/api/v1/nothing-here');
    expect(api.status).toBe(404);
  });
});

describe('batches', () => {
  it('stores the valid events of a batch and rejects the invalid ones with reasons', async () => {
    const batch = [
      { type: 'track', messageId: 'mix-1', userId: 'u1', event: 'Product Viewed', properties: { sku: 'A' } },
      { type: 'track', messageId: 'mix-2', userId: 'u1' },
      { type: 'identify', messageId: 'mix-3', traits: { name: 'no id' } },
      { type: 'track', messageId: 'mix-4', anonymousId: 'a1', event: 'X', properties: 'oops' },
      { type: 'shout', messageId: 'mix-5', userId: 'u1' },
      {
        type: 'identify',
        messageId: 'mix-6',
        userId: 'u2',
        traits: { phone: '138 0013 8000', email: ' Ann@Example.COM ' },
      },
      { type: 'identify', messageId: 'mix-7', userId: 'u3', traits: { phone: '12345' } },
      { type: 'page', messageId: 'mix-8', anonymousId: 'a2', name: 'Home', timestamp: 'yesterday-ish' },
    ];
    const res = await post('/v1/batch', JSON.stringify({ batch }));
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected.map((r: any) => [r.index, r.messageId, r.code])).toEqual([
      [1, 'mix-2', 'missing_event'],
      [2, 'mix-3', 'missing_identity'],
      [3, 'mix-4', 'invalid_field_type'],
      [4, 'mix-5', 'invalid_type'],
      [6, 'mix-7', 'invalid_phone'],
      [7, 'mix-8', 'invalid_timestamp'],
    ]);
    expect(await storedById('mix-1')).toHaveLength(1);
    const [identified] = await storedById('mix-6');
    expect(identified.traits).toEqual({ phone: '+8613800138000', email: 'ann@example.com' });
    for (const id of ['mix-2', 'mix-3', 'mix-4', 'mix-7', 'mix-8'])
      expect(await storedById(id)).toHaveLength(0);

    const rejected = await t.api('GET', '/api/v1/rejected?limit=100');
    const byRef = new Map(rejected.body.records.map((r: any) => [r.originRef, r]));
    expect((byRef.get('batch[1]') as any).payload).toEqual(batch[1]);
    expect((byRef.get('batch[6]') as any).reason).toMatch(/traits\.phone/);
  });

  it('an all-invalid batch is a 400 that still lists each reason, and the records are kept', async () => {
    const res = await post('/v1/batch', JSON.stringify({ batch: [{ type: 'track', messageId: 'bad-a' }] }));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('all_rejected');
    expect(res.body.rejected[0]).toMatchObject({ index: 0, messageId: 'bad-a', code: 'missing_event' });
  });

  it('a replayed messageId is stored once', async () => {
    const msg = {
      type: 'track',
      messageId: 'dup-1',
      userId: 'u9',
      event: 'Order Completed',
      properties: { order_id: 'o1', revenue: 10 },
    };
    const first = await post('/v1/batch', JSON.stringify({ batch: [msg, msg] }));
    expect(first.body).toMatchObject({ accepted: 1, duplicates: 1 });
    const again = await post('/v1/track', JSON.stringify(msg));
    expect(again.body).toMatchObject({ success: true, duplicate: true });
    expect(await storedById('dup-1')).toHaveLength(1);
  });

  it('accepts gzip bodies labelled as form data, and the write key in the body', async () => {
    const body = gzipSync(
      JSON.stringify({
        writeKey,
        batch: [{ type: 'screen', messageId: 'gz-1', anonymousId: 'a', name: 'Home' }],
      }),
    );
    const res = await fetch(`${t.url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(res.status).toBe(200);
    const [stored] = await storedById('gz-1');
    expect(stored).toMatchObject({ type: 'screen', name: 'Home', anonymousId: 'a' });
    expect(JSON.stringify(stored)).not.toContain(writeKey);
  });

  it('corrects client clock skew as Segment documents: timestamp = receivedAt - (sentAt - originalTimestamp)', async () => {
    // The client clock runs 1 hour ahead; the event happened 5 minutes before it was sent.
    const clientNow = Date.now() + 3_600_000;
    const body = {
      sentAt: new Date(clientNow).toISOString(),
      batch: [
        {
          type: 'track',
          messageId: 'skew-1',
          userId: 'u',
          event: 'E',
          timestamp: new Date(clientNow - 300_000).toISOString(),
        },
      ],
    };
    const before = Date.now();
    await post('/v1/batch', JSON.stringify(body));
    const after = Date.now();
    const [stored] = await storedById('skew-1');
    const ts = Date.parse(stored.timestamp);
    expect(ts).toBeGreaterThanOrEqual(before - 300_000 - 5);
    expect(ts).toBeLessThanOrEqual(after - 300_000 + 5);
    expect(Date.parse(stored.originalTimestamp)).toBe(clientNow - 300_000);
    expect(Date.parse(stored.receivedAt) - ts).toBe(300_000);
  });

  it('/v1/import keeps historical timestamps as sent (no clock-skew correction)', async () => {
    const body = {
      sentAt: '2025-11-11T00:10:00+08:00',
      batch: [
        {
          type: 'track',
          messageId: 'hist-1',
          userId: 'u',
          event: 'Order Completed',
          timestamp: '2025-11-11T00:01:00+08:00',
        },
      ],
    };
    expect((await post('/v1/import', JSON.stringify(body))).status).toBe(200);
    const [stored] = await storedById('hist-1');
    expect(stored.timestamp).toBe('2025-11-10T16:01:00.000Z');
  });

  it('keeps context (ip, library, device, os, campaign) and fills context.ip from the request', async () => {
    const context = {
      library: { name: 'analytics.js', version: '5.0.0' },
      userAgent: 'Mozilla/5.0',
      device: { id: 'dev-1', type: 'ios' },
      os: { name: 'iOS', version: '17' },
      campaign: { source: 'wechat', medium: 'social', name: '618' },
    };
    await post(
      '/v1/page',
      JSON.stringify({ messageId: 'ctx-1', anonymousId: 'a', name: 'Landing', context }),
    );
    const [stored] = await storedById('ctx-1');
    expect(stored.context).toMatchObject(context);
    expect(stored.context.ip).toMatch(/127\.0\.0\.1/);
  });
});

describe('rejected records are replayable once the rules or the data are fixed', () => {
  it('replays with a corrected payload', async () => {
    await post('/v1/track', JSON.stringify({ messageId: 'fix-1', userId: 'u', event: '' }));
    const list = await t.api('GET', '/api/v1/rejected?code=missing_event');
    const record = list.body.records.find((r: any) => r.payload.messageId === 'fix-1');
    expect(record.status).toBe('open');
    const replay = await t.api('POST', '/api/v1/rejected/replay', {
      ids: [record.id],
      payload: { type: 'track', messageId: 'fix-1', userId: 'u', event: 'Fixed' },
    });
    expect(replay.body).toMatchObject({ attempted: 1, accepted: 1, stillRejected: 0 });
    expect((await storedById('fix-1'))[0].event).toBe('Fixed');
    const after = await t.api('GET', `/api/v1/rejected?status=replayed`);
    expect(after.body.records.map((r: any) => r.id)).toContain(record.id);
  });

  it('a replay that still fails keeps the record open with the new reason', async () => {
    await post(
      '/v1/identify',
      JSON.stringify({ messageId: 'fix-2', userId: 'u', traits: { email: 'not-an-email' } }),
    );
    const list = await t.api('GET', '/api/v1/rejected?code=invalid_email');
    const record = list.body.records.find((r: any) => r.payload.messageId === 'fix-2');
    const replay = await t.api('POST', '/api/v1/rejected/replay', { ids: [record.id] });
    expect(replay.body).toMatchObject({ attempted: 1, accepted: 0, stillRejected: 1 });
    const again = await t.api('GET', '/api/v1/rejected?code=invalid_email');
    expect(again.body.records.find((r: any) => r.id === record.id)).toMatchObject({
      status: 'open',
      attempts: 1,
    });
  });
});

describe('management API', () => {
  it('needs an API key and the right role', async () => {
    expect((await t.api('GET', '/api/v1/sources', undefined, 'tsk_wrong')).status).toBe(401);
    const viewer = await t.api('POST', '/api/v1/api-keys', { name: 'v', role: 'viewer' });
    expect(viewer.status).toBe(201);
    const asViewer = await t.api('POST', '/api/v1/sources', { name: 'x' }, viewer.body.key);
    expect(asViewer.status).toBe(403);
    expect(asViewer.body.error.message).toMatch(/needs the admin role/);
    expect((await t.api('GET', '/api/v1/sources', undefined, viewer.body.key)).status).toBe(200);
    expect((await t.api('GET', '/api/v1/events', undefined, viewer.body.key)).status).toBe(403);
  });

  it('validates inputs and names the bad field', async () => {
    const res = await t.api('POST', '/api/v1/sources', { name: '' });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/body\.name/);
    const q = await t.api('GET', '/api/v1/events?limit=5000');
    expect(q.status).toBe(422);
    expect(q.body.error.message).toMatch(/query\.limit/);
  });

  it('serves an OpenAPI document that declares a role on every operation', async () => {
    const res = await fetch(`${t.url}/api/v1/openapi.json`);
    const doc = (await res.json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.values(doc.paths).flatMap((p: any) => Object.values(p)) as any[];
    expect(ops.length).toBeGreaterThanOrEqual(10);
    for (const op of ops)
      expect(['public', 'viewer', 'analyst', 'marketer', 'admin']).toContain(op['x-tessera-role']);
    expect(doc.paths['/api/v1/events'].get.parameters.map((p: any) => p.name)).toEqual(
      expect.arrayContaining(['messageId', 'userId', 'anonymousId', 'type', 'event', 'limit']),
    );
  });

  it('shows a write key once and only a hint afterwards', async () => {
    const created = await t.api('POST', '/api/v1/sources', { name: 'pos', kind: 'pos' });
    expect(created.body.writeKey).toMatch(/^wk_[0-9A-Za-z]{32}$/);
    const list = await t.api('GET', '/api/v1/sources');
    const listed = list.body.sources.find((s: any) => s.id === created.body.id);
    expect(JSON.stringify(listed)).not.toContain(created.body.writeKey);
    expect(listed.writeKeyHint).toBe(`wk_…${created.body.writeKey.slice(-4)}`);
  });
});
