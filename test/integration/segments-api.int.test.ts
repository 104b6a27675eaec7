import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/channels/webhook/deliver.js';
import { startTestTessera, type TestTessera } from '../support/tessera.js';

/**
 * Segments through the real HTTP API: events in through the collection API, segments previewed,
 * saved, listed, overlapped, snapshotted, exported and synced to a real local webhook that checks
 * the signature; real-time membership and `Segment Entered` / `Segment Exited` in the event stream.
 */

const DAY = 86_400_000;
const ago = (days: number): string => new Date(Date.now() - days * DAY).toISOString();
let n = 0;
const msg = (m: Record<string, unknown>): Record<string, unknown> => ({ messageId: `seg-${++n}`, ...m });
const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

const viewed = (userId: string, days: number, category = 'skincare') =>
  msg({ type: 'track', userId, event: 'Product Viewed', properties: { category }, timestamp: ago(days) });

const SKINCARE_FAN = {
  all: [
    { trait: 'city', op: 'eq', value: '上海' },
    {
      event: 'Product Viewed',
      where: [{ property: 'category', op: 'eq', value: 'skincare' }],
      count: { op: 'gte', value: 3 },
      within: '30d',
    },
    { event: 'Order Completed', within: '30d', count: { op: 'eq', value: 0 } },
  ],
};

async function waitFor<T>(probe: () => Promise<T | null | undefined>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null && v !== undefined) return v;
    if (Date.now() > until) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('segments API', () => {
  let t: TestTessera;
  let writeKey: string;
  const pid = async (userId: string): Promise<string> =>
    (await t.api('GET', `/api/v1/profiles/lookup?type=user_id&value=${userId}`)).body.profileId as string;

  beforeAll(async () => {
    t = await startTestTessera();
    writeKey = (await t.newSource('web')).writeKey;
    const batch = [
      msg({
        type: 'identify',
        userId: 'A',
        traits: { city: '上海', phone: '13817263549', email: 'A@Brand.cn' },
      }),
      msg({ type: 'identify', userId: 'B', traits: { city: '上海', phone: '+86 139 5551 2837' } }),
      msg({ type: 'identify', userId: 'C', traits: { city: '北京', email: 'c@brand.cn' } }),
      msg({ type: 'identify', userId: 'D', traits: { city: '上海' } }),
      viewed('A', 1),
      viewed('A', 2),
      viewed('A', 3),
      viewed('B', 1),
      viewed('B', 40),
      viewed('B', 41),
      viewed('C', 1),
      viewed('C', 1),
      viewed('C', 1),
      viewed('D', 1),
      viewed('D', 2),
      viewed('D', 3),
      msg({
        type: 'track',
        userId: 'D',
        event: 'Order Completed',
        properties: { order_id: 'D1', revenue: 99 },
        timestamp: ago(5),
      }),
    ];
    expect((await t.collect('/v1/batch', { batch }, writeKey)).status).toBe(200);
  });
  afterAll(async () => {
    await t.stop();
  });

  it('previews a condition (fixed contract) and names the bad node of a broken one', async () => {
    const r = await t.api('POST', '/api/v1/segments/preview', { condition: SKINCARE_FAN });
    expect(r.status).toBe(200);
    expect(r.body.count).toBe(1);
    expect(r.body.sample).toEqual([{ profileId: await pid('A') }]);

    const bad = await t.api('POST', '/api/v1/segments/preview', {
      condition: {
        all: [
          { trait: 'city', op: 'eq', value: '上海' },
          { event: 'X', count: { op: 'gte', value: [1, 2] } },
        ],
      },
    });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('condition.all[1]');
  });

  it('saves a dynamic segment, lists members with traits, and shows it on the profile', async () => {
    const created = await t.api('POST', '/api/v1/segments', {
      name: '上海护肤未购',
      condition: SKINCARE_FAN,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'dynamic', realtime: true, size: 1, version: 1 });
    const id = created.body.id as string;
    const members = await t.api('GET', `/api/v1/segments/${id}/members?traits=city`);
    expect(members.body.members).toEqual([
      expect.objectContaining({ profileId: await pid('A'), traits: { city: '上海' } }),
    ]);
    const profile = await t.api('GET', `/api/v1/profiles/${await pid('A')}`);
    expect(profile.body.segments).toEqual([expect.objectContaining({ id, name: '上海护肤未购' })]);
    const list = await t.api('GET', '/api/v1/segments');
    expect(list.body.segments.map((s: { id: string }) => s.id)).toContain(id);
  });

  it('follows events in real time: an event posted enters its profile within 1 s, with Segment Entered', async () => {
    const created = await t.api('POST', '/api/v1/segments', { name: 'B fans', condition: SKINCARE_FAN });
    const id = created.body.id as string;
    const b = await pid('B');
    expect(created.body.size).toBe(1);
    const sent = Date.now();
    // B has one recent view; two more make three within 30 days.
    expect((await t.collect('/v1/batch', { batch: [viewed('B', 0), viewed('B', 0)] }, writeKey)).status).toBe(
      200,
    );
    await waitFor(async () => {
      const m = await t.api('GET', `/api/v1/segments/${id}/members`);
      return m.body.members.some((x: { profileId: string }) => x.profileId === b) ? true : null;
    }, 1000);
    const entered = await waitFor(async () => {
      const e = await t.api('GET', '/api/v1/events?event=Segment%20Entered&userId=B');
      return (
        e.body.events.find((x: { properties: { segment_id: string } }) => x.properties.segment_id === id) ??
        null
      );
    }, 1000);
    const latency = Date.now() - sent;
    expect(latency).toBeLessThan(1000);
    expect(entered.properties).toMatchObject({ segment_name: 'B fans', reason: 'realtime', profile_id: b });
    // The membership event is an ordinary event of the person.
    const timeline = await t.api('GET', `/api/v1/profiles/${b}/events?limit=50`);
    expect(JSON.stringify(timeline.body)).toContain('Segment Entered');
  });

  it('removes a member when its rolling window passes, with no event, and says Segment Exited', async () => {
    const created = await t.api('POST', '/api/v1/segments', {
      name: 'just clicked',
      condition: { event: 'Banner Clicked', within: '2s' },
    });
    const id = created.body.id as string;
    const clickedAt = Date.now();
    await t.collect(
      '/v1/track',
      msg({ userId: 'C', event: 'Banner Clicked', timestamp: new Date(clickedAt).toISOString() }),
      writeKey,
    );
    const c = await pid('C');
    const isMember = async () =>
      (await t.api('GET', `/api/v1/segments/${id}/members`)).body.members.some(
        (x: { profileId: string }) => x.profileId === c,
      );
    await waitFor(async () => ((await isMember()) ? true : null), 1000);
    await waitFor(async () => ((await isMember()) ? null : true), 10_000);
    const late = Date.now() - (clickedAt + 2000);
    expect(late).toBeLessThan(60_000);
    const exited = await waitFor(async () => {
      const e = await t.api('GET', '/api/v1/events?event=Segment%20Exited&userId=C');
      return (
        e.body.events.find((x: { properties: { segment_id: string } }) => x.properties.segment_id === id) ??
        null
      );
    }, 2000);
    expect(exited.properties.reason).toBe('expired');
    const sizes = await t.api('GET', `/api/v1/segments/${id}/sizes`);
    expect(sizes.body.sizes.map((s: { size: number }) => s.size)).toEqual([1, 0]);
  });

  it('static lists by identifier, snapshots, overlap', async () => {
    const list = await t.api('POST', '/api/v1/segments', {
      name: 'VIP list',
      members: {
        identifiers: [
          { type: 'phone', value: '138 1726 3549' },
          { type: 'email', value: 'c@brand.cn' },
          { type: 'phone', value: '13700000000' },
          { type: 'phone', value: 'not a phone' },
        ],
      },
    });
    expect(list.status).toBe(201);
    expect(list.body).toMatchObject({ kind: 'static', size: 2, list: { matched: 2, unmatched: 2 } });
    const shanghai = await t.api('POST', '/api/v1/segments', {
      name: 'in 上海',
      condition: { trait: 'city', op: 'eq', value: '上海' },
      realtime: false,
    });
    expect(shanghai.body.size).toBe(3);
    const o = await t.api(
      'GET',
      `/api/v1/segments/${list.body.id as string}/overlap/${shanghai.body.id as string}`,
    );
    expect(o.body).toMatchObject({ both: 1, union: 4, a: { size: 2, only: 1 }, b: { size: 3, only: 2 } });
    const snap = await t.api('POST', `/api/v1/segments/${shanghai.body.id as string}/snapshot`, {
      name: '上海 today',
    });
    expect(snap.status).toBe(201);
    expect(snap.body).toMatchObject({
      kind: 'static',
      size: 3,
      origin: { kind: 'snapshot', of: shanghai.body.id },
    });
    const edit = await t.api('POST', `/api/v1/segments/${list.body.id as string}/members`, {
      add: { identifiers: [{ type: 'user_id', value: 'D' }] },
      remove: { profileIds: [await pid('C')] },
    });
    expect(edit.body.size).toBe(2);
    const dynamicEdit = await t.api('POST', `/api/v1/segments/${shanghai.body.id as string}/members`, {
      add: { profileIds: [await pid('C')] },
    });
    expect(dynamicEdit.status).toBe(409);
  });

  it('exports members as CSV with hashed identifiers in the platforms’ form, and audits it', async () => {
    const seg = await t.api('POST', '/api/v1/segments', {
      name: 'A and B',
      condition: { trait: 'phone', op: 'exists' },
      realtime: false,
    });
    const res = await fetch(`${t.url}/api/v1/segments/${seg.body.id as string}/export`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer tsk_test_bootstrap_key_0123456789',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        identifiers: [
          { type: 'phone', hash: 'sha256' },
          { type: 'phone', hash: 'md5' },
          { type: 'email', hash: 'md5' },
        ],
        traits: ['city'],
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const csv = await res.text();
    // One line per row after the header, with no blank line anywhere (spreadsheet imports stop at one).
    expect(csv).not.toMatch(/\n\n/);
    expect(csv.endsWith('\n')).toBe(true);
    const rows = Papa.parse<Record<string, string>>(csv.trimEnd(), { header: true }).data;
    const byPhone = new Map(rows.map((r) => [r.phone_md5, r]));
    expect(rows).toHaveLength(2);
    expect(byPhone.get(md5('13817263549'))).toMatchObject({
      phone_sha256: sha256('13817263549'),
      email_md5: md5('a@brand.cn'),
      city: '上海',
    });
    expect(byPhone.get(md5('13955512837'))).toMatchObject({ email_md5: '', city: '上海' });
    const audit = await t.api('GET', '/api/v1/audit?action=segment.export');
    expect(audit.body.entries[0]).toMatchObject({
      action: 'segment.export',
      target: seg.body.id,
      detail: { rows: 2 },
    });
  });

  it('syncs adds and removes to a signed webhook, retrying, with every delivery recorded', async () => {
    const received: Array<{
      add: Array<{ profileId: string; identifiers: Record<string, string[]> }>;
      remove: Array<{ profileId: string }>;
    }> = [];
    let secret = '';
    let failNext = 2;
    const server: Server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const ok = verifySignature(
          secret,
          Number(req.headers['x-tessera-timestamp']),
          body,
          String(req.headers['x-tessera-signature']),
        );
        if (!ok) {
          res.writeHead(401).end('bad signature');
          return;
        }
        if (failNext-- > 0) {
          res.writeHead(503).end('busy');
          return;
        }
        received.push(JSON.parse(body));
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/audience`;
      const seg = await t.api('POST', '/api/v1/segments', {
        name: 'sync me',
        members: {
          identifiers: [
            { type: 'user_id', value: 'A' },
            { type: 'user_id', value: 'B' },
          ],
        },
      });
      const id = seg.body.id as string;
      const dst = await t.api('POST', `/api/v1/segments/${id}/destinations`, {
        name: 'Tencent Ads bridge',
        url,
        columns: { identifiers: [{ type: 'phone', hash: 'md5' }] },
        retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 50 },
      });
      expect(dst.status).toBe(201);
      secret = dst.body.secret as string;
      const first = await t.api('POST', `/api/v1/segments/${id}/destinations/${dst.body.id as string}/sync`);
      expect(first.body).toMatchObject({ status: 'delivered', added: 2, removed: 0 });
      expect(received[0]!.add.map((a) => a.identifiers.phone_md5)).toEqual(
        expect.arrayContaining([[md5('13817263549')], [md5('13955512837')]]),
      );
      await t.api('POST', `/api/v1/segments/${id}/members`, {
        remove: { identifiers: [{ type: 'user_id', value: 'B' }] },
      });
      // The change follows by itself: the destination is sent the removal without being asked.
      await waitFor(async () => (received.length >= 2 ? true : null), 5000);
      expect(received[1]!.add).toEqual([]);
      expect(received[1]!.remove).toEqual([expect.objectContaining({ profileId: await pid('B') })]);
      const third = await t.api('POST', `/api/v1/segments/${id}/destinations/${dst.body.id as string}/sync`);
      expect(third.body.status).toBe('nothing_to_send');
      const deliveries = await t.api(
        'GET',
        `/api/v1/segments/${id}/destinations/${dst.body.id as string}/deliveries`,
      );
      expect(deliveries.body.deliveries.map((d: { attempts: unknown[] }) => d.attempts.length)).toEqual([
        1, 3,
      ]);
      const listed = await t.api('GET', `/api/v1/segments/${id}/destinations`);
      expect(JSON.stringify(listed.body)).not.toContain(secret);
    } finally {
      server.close();
    }
  });
});
