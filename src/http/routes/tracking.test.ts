import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  receiptUrls,
  TrackingSigner,
  trackingLinks,
  type FeedbackKind,
  type FeedbackSink,
  type TrackingLinks,
} from '../../journeys/tracking.js';
import { buildServer } from '../server.js';
import type { CollectRouteDeps } from './collect.js';
import { pickLang, registerTrackingForms, trackingRoutes } from './tracking.js';

interface Call {
  workspaceId: string;
  key: string;
  kind: FeedbackKind;
  detail: Record<string, unknown>;
}

/** Remembers feedback for the sends it knows; provider ids map to keys. */
class MemorySink implements FeedbackSink {
  calls: Call[] = [];
  constructor(
    private readonly sends: Set<string>,
    private readonly providerIds: Map<string, string>,
  ) {}
  async feedback(workspaceId: string, key: string, kind: FeedbackKind, detail: Record<string, unknown>) {
    if (!this.sends.has(`${workspaceId}/${key}`)) return false;
    this.calls.push({ workspaceId, key, kind, detail });
    return true;
  }
  async keyForProviderMessage(workspaceId: string, provider: string, id: string) {
    return this.providerIds.get(`${workspaceId}/${provider}/${id}`) ?? null;
  }
}

const WS = 'ws_default';
const KEY = 'j_abc:v2:remind:p_123:1';
const LONG_KEY = `j_${'x'.repeat(190)}:1`;
const signer = new TrackingSigner(Buffer.alloc(32, 3));
const sink = new MemorySink(
  new Set([`${WS}/${KEY}`, `${WS}/${LONG_KEY}`, `${WS}/k_sms1`, `${WS}/k_sms2`, `${WS}/k_out`]),
  new Map([
    [`${WS}/tencent-sms/sid-1`, 'k_sms1'],
    [`${WS}/aliyun-sms/900^0`, 'k_sms2'],
    [`${WS}/webhook/m-9`, KEY],
  ]),
);

let app: FastifyInstance;
let base: string;
let links: TrackingLinks;
let receipts: ReturnType<typeof receiptUrls>;

beforeAll(async () => {
  app = buildServer({
    logger: pino({ level: 'silent' }),
    // The collection API is not exercised here: its limits are read at boot, nothing else.
    collect: { limits: { maxEventBytes: 1024, maxBatchBytes: 1024, maxDepth: 8 } } as CollectRouteDeps,
    routes: trackingRoutes({
      signer,
      sink,
      now: () => 1_700_000_000_000,
      lang: 'zh-CN',
      publicUrl: () => base,
    }),
    authenticate: () => undefined,
  });
  registerTrackingForms(app);
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  links = trackingLinks(signer, base, WS, KEY);
  receipts = receiptUrls(signer, base, WS);
});
afterAll(async () => {
  await app.close();
});
beforeEach(() => {
  sink.calls = [];
});

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('open pixel', () => {
  it('records an open and answers a no-store 1×1 GIF', async () => {
    const res = await fetch(links.openPixel, { headers: { 'user-agent': 'Mail/1.0' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/gif');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect([bytes.readUInt16LE(6), bytes.readUInt16LE(8)]).toEqual([1, 1]);
    expect(sink.calls).toEqual([
      {
        workspaceId: WS,
        key: KEY,
        kind: 'opened',
        detail: { userAgent: 'Mail/1.0', ip: '127.0.0.1', at: 1_700_000_000_000 },
      },
    ]);
  });

  it('answers the same GIF for a bad token and records nothing', async () => {
    const good = Buffer.from(await (await fetch(links.openPixel)).arrayBuffer());
    sink.calls = [];
    const res = await fetch(`${base}/t/o/not-a-token.gif`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(good);
    expect(sink.calls).toEqual([]);
  });

  it('takes tokens longer than Fastify’s 100-character parameter limit', async () => {
    const long = trackingLinks(signer, base, WS, LONG_KEY);
    expect(new URL(long.openPixel).pathname.length).toBeGreaterThan(200);
    expect((await fetch(long.openPixel)).status).toBe(200);
    expect(sink.calls.map((c) => c.key)).toEqual([LONG_KEY]);
  });
});

describe('click redirect', () => {
  const target = 'https://shop.example/sale?a=1&b=%E4%B8%AD+x#top';

  it('records the click and redirects 302 to the exact url', async () => {
    const res = await fetch(links.click(target), { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(target);
    expect(sink.calls).toEqual([
      { workspaceId: WS, key: KEY, kind: 'clicked', detail: expect.objectContaining({ url: target }) },
    ]);
  });

  it('sends a url with non-ASCII characters in its URL-standard form', async () => {
    const res = await fetch(links.click('https://shop.example/新品?q=春'), { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://shop.example/%E6%96%B0%E5%93%81?q=%E6%98%A5');
  });

  it('refuses a bad token or another url with a 400 page and no redirect', async () => {
    const click = new URL(links.click(target));
    const forged = new URL(click);
    forged.searchParams.set('u', 'https://evil.example/');
    const tampered = `${base}/t/c/${click.pathname.slice(5, -2)}AA${click.search}`;
    for (const url of [
      forged.href,
      tampered,
      `${base}${click.pathname}`,
      `${base}/t/c/x?u=${encodeURIComponent(target)}`,
    ]) {
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    }
    expect(sink.calls).toEqual([]);
  });
});

describe('unsubscribe', () => {
  it('GET shows a confirmation form in the asked language and changes nothing', async () => {
    const zh = await fetch(links.unsubscribe);
    expect(zh.status).toBe(200);
    expect(zh.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await zh.text();
    expect(page).toContain('确认退订');
    expect(page).toContain('<form method="post">');
    const en = await (
      await fetch(links.unsubscribe, { headers: { 'accept-language': 'en-GB,zh;q=0.5' } })
    ).text();
    expect(en).toContain('Stop receiving these messages?');
    expect(sink.calls).toEqual([]);
  });

  it('POST from the form records the unsubscription', async () => {
    const res = await fetch(links.unsubscribe, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en' },
      body: '',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You have been unsubscribed');
    expect(sink.calls).toMatchObject([{ key: KEY, kind: 'unsubscribed', detail: { oneClick: false } }]);
  });

  it('accepts an RFC 8058 one-click POST', async () => {
    const res = await post(links.unsubscribe, 'List-Unsubscribe=One-Click', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('您已退订');
    expect(sink.calls).toMatchObject([{ key: KEY, kind: 'unsubscribed', detail: { oneClick: true } }]);
  });

  it('refuses a bad token, and says so when the send is gone', async () => {
    expect((await fetch(`${links.unsubscribe}x`)).status).toBe(400);
    expect((await fetch(`${links.unsubscribe}x`, { method: 'POST' })).status).toBe(400);
    const gone = trackingLinks(signer, base, WS, 'k_unknown');
    expect((await fetch(gone.unsubscribe, { method: 'POST' })).status).toBe(404);
    expect(sink.calls).toEqual([]);
  });
});

describe('delivery receipts', () => {
  it('generic: single or array, by key or messageId; unknown sends are ignored', async () => {
    const one = await post(receipts.generic, { key: KEY, status: 'delivered' });
    expect(await one.json()).toEqual({ accepted: 1, ignored: 0 });
    const many = await post(receipts.generic, [
      { messageId: 'm-9', provider: 'webhook', status: 'failed', reason: 'mailbox full' },
      { key: KEY, status: 'bounced' },
      { key: 'k_unknown', status: 'delivered' },
      { messageId: 'nope', status: 'failed' },
    ]);
    expect(many.status).toBe(200);
    expect(await many.json()).toEqual({ accepted: 2, ignored: 2 });
    expect(sink.calls.map((c) => [c.key, c.kind, c.detail.reason])).toEqual([
      [KEY, 'delivered', null],
      [KEY, 'undelivered', 'mailbox full'],
      [KEY, 'bounced', null],
    ]);
  });

  it('generic: a missing field is a 400 naming it', async () => {
    const res = await post(receipts.generic, [{ key: KEY, status: 'delivered' }, { key: KEY }]);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('bad_request');
    expect(body.error.message).toContain('[1].status');
    expect(sink.calls).toEqual([]);
  });

  it('tencent-sms: status callback by sid, answered as Tencent documents', async () => {
    const res = await post(receipts['tencent-sms'], [
      {
        user_receive_time: '2015-10-17 08:03:04',
        nationcode: '86',
        mobile: '13800000000',
        report_status: 'SUCCESS',
        errmsg: 'DELIVRD',
        description: '用户短信送达成功',
        sid: 'sid-1',
      },
      {
        user_receive_time: '',
        nationcode: '86',
        mobile: '1',
        report_status: 'FAIL',
        errmsg: 'MK:0001',
        description: '空号',
        sid: 'sid-1',
      },
      { report_status: 'SUCCESS', sid: 'sid-unknown' },
    ]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: 0, errmsg: 'OK' });
    expect(sink.calls.map((c) => [c.key, c.kind, c.detail.reason])).toEqual([
      ['k_sms1', 'delivered', null],
      ['k_sms1', 'undelivered', '空号'],
    ]);
    const bad = await post(receipts['tencent-sms'], [{ report_status: 'SUCCESS' }]);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('[0].sid');
  });

  it('aliyun-sms: SmsReport by out_id or biz_id, answered as Aliyun documents', async () => {
    const report = (over: Record<string, unknown>) => ({
      phone_number: '1381111****',
      send_time: '2017-01-01 00:00:00',
      report_time: '2017-01-01 00:00:00',
      success: true,
      err_code: 'DELIVERED',
      err_msg: '用户接收成功',
      sms_size: '1',
      biz_id: '900^0',
      out_id: '',
      ...over,
    });
    const res = await post(receipts['aliyun-sms'], [
      report({ out_id: 'k_out', biz_id: 'other^0' }),
      report({ success: false, err_code: 'MOBILE_NOT_ON_SERVICE', err_msg: '停机' }),
      report({ biz_id: 'unknown^0' }),
    ]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ code: 0, msg: '接收成功' });
    expect(sink.calls.map((c) => [c.key, c.kind, c.detail.reason])).toEqual([
      ['k_out', 'delivered', null],
      ['k_sms2', 'undelivered', '停机'],
    ]);
    const bad = await post(receipts['aliyun-sms'], [report({ success: undefined })]);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('[0].success');
  });

  it('an unknown receipt format is a 404', async () => {
    expect((await post(receipts.generic.replace('/t/r/generic/', '/t/r/nope/'), [])).status).toBe(404);
  });

  it('takes receipts only at the signed URL of their format: a bare workspace, a forged or swapped token are 401', async () => {
    const delivered = { key: KEY, status: 'bounced' };
    const token = (url: string) => url.slice(url.lastIndexOf('/') + 1);
    const refused = [
      // The unsigned form of older versions: knowing a workspace id must not let anyone bounce its sends.
      `${base}/t/r/generic/${WS}`,
      // Another format's token, another key's token, a tampered one.
      `${base}/t/r/generic/${token(receipts['tencent-sms'])}`,
      receiptUrls(new TrackingSigner(Buffer.alloc(32, 4)), base, WS).generic,
      `${receipts.generic.slice(0, -2)}${receipts.generic.endsWith('AA') ? 'AB' : 'AA'}`,
      `${base}/t/r/generic/${token(links.unsubscribe)}`,
    ];
    for (const url of refused) {
      const res = await post(url, delivered);
      expect(res.status, url).toBe(401);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('unauthorized');
      expect(body.error.message).toContain('/api/v1/receipts/urls');
    }
    expect(sink.calls).toEqual([]);
    // A token names its workspace: another workspace's URL records nothing about this one's sends.
    const other = await post(receiptUrls(signer, base, 'ws_other').generic, delivered);
    expect(await other.json()).toEqual({ accepted: 0, ignored: 1 });
    expect(sink.calls).toEqual([]);
  });
});

describe('pickLang', () => {
  it('takes the best-ranked language we speak, else the default', () => {
    expect(pickLang(undefined, 'en')).toBe('en');
    expect(pickLang('fr, en;q=0.4, zh-TW;q=0.8', 'en')).toBe('zh-CN');
    expect(pickLang('fr, de', 'zh-CN')).toBe('zh-CN');
    expect(pickLang('zh;q=0, en', 'zh-CN')).toBe('en');
  });
});
