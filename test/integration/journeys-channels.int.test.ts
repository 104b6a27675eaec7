import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageIdFor } from '../../src/channels/email/smtp-email.js';
import { ManualClock } from '../../src/platform/clock.js';
import {
  parseMessage,
  smtpPasswordAuth,
  startDysmsPeer,
  startSmtpPeer,
  startTencentSmsPeer,
  startWechatPeer,
  type DysmsPeer,
  type SmtpPeer,
  type TencentSmsPeer,
  type WechatPeer,
} from '../support/provider-peers.js';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { startWebhookPeer, type WebhookPeer } from '../support/webhook-peer.js';

/**
 * Journeys end to end through every channel, against local peers that check each provider's
 * documented request shape and signature: a real Tessera (DuckDB file, HTTP), events in through
 * the collection API, the send out to the peer, and what comes back (opens, clicks,
 * unsubscribes, delivery receipts) in again as events and metrics. Time is a ManualClock: a
 * retry's backoff passes when a test advances it, never by sleeping.
 */

const T = Date.UTC(2026, 10, 20, 2, 0, 0); // 10:00 in Shanghai
const WS = 'ws_default';
const at = (ms: number): string => new Date(ms).toISOString();

interface Harness {
  t: TestTessera;
  clock: ManualClock;
  writeKey: string;
}

async function boot(journeys: Record<string, unknown> = {}): Promise<Harness> {
  const clock = new ManualClock(T);
  const t = await startTestTessera({ journeys: { holdoutShare: 0, ...journeys } }, undefined, { clock });
  const { writeKey } = await t.newSource('shop');
  return { t, clock, writeKey };
}

/** Until everything queued ran: events stored and resolved, journeys moved, sends made, their events stored. */
async function settle({ t }: Harness): Promise<void> {
  for (let round = 0; round < 2; round++) {
    await t.writer.settle();
    await t.identity.settle();
    await t.journeys.idle();
  }
  await t.writer.settle();
}

let messageNo = 0;
async function send(h: Harness, ...messages: Array<Record<string, unknown>>): Promise<void> {
  const batch = messages.map((m) => ({ messageId: `jc-${++messageNo}`, timestamp: at(h.clock.now()), ...m }));
  const r = await h.t.collect('/v1/batch', { batch }, h.writeKey);
  expect(r.status).toBe(200);
  await settle(h);
}

/** Creates and activates a journey; the version is the one people enter on (and in send keys). */
async function activate(
  h: Harness,
  definition: Record<string, unknown>,
): Promise<{ id: string; version: number }> {
  const created = await h.t.api('POST', '/api/v1/journeys', definition);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const active = await h.t.api('POST', `/api/v1/journeys/${created.body.id}/activate`);
  expect(active.status, JSON.stringify(active.body)).toBe(200);
  expect(active.body.status).toBe('active');
  return { id: active.body.id as string, version: active.body.version as number };
}

async function configure(h: Harness, channel: string, provider: string, config: unknown): Promise<void> {
  const r = await h.t.api('PUT', `/api/v1/channels/${channel}`, { provider, config });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

/** The signed receipt URL an admin gives the provider (`GET /api/v1/receipts/urls`), at the test server. */
async function receiptUrl(h: Harness, format: 'tencent-sms' | 'aliyun-sms' | 'generic'): Promise<string> {
  const r = await h.t.api('GET', '/api/v1/receipts/urls');
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const url = new URL(r.body.urls[format] as string);
  expect(url.pathname).toMatch(new RegExp(`^/t/r/${format}/[A-Za-z0-9_-]{40,}$`));
  return `${h.t.url}${url.pathname}`;
}

async function profileOf(h: Harness, userId: string): Promise<string> {
  const r = await h.t.api('GET', `/api/v1/profiles/lookup?type=user_id&value=${encodeURIComponent(userId)}`);
  expect(r.status).toBe(200);
  return r.body.profileId as string;
}

async function events(h: Harness, userId: string, event: string): Promise<any[]> {
  const q = new URLSearchParams({ userId, event, limit: '100' });
  const r = await h.t.api('GET', `/api/v1/events?${q.toString()}`);
  expect(r.status).toBe(200);
  return r.body.events as any[];
}

async function stepMetrics(h: Harness, journeyId: string, stepId: string): Promise<any> {
  const r = await h.t.api('GET', `/api/v1/journeys/${journeyId}/metrics`);
  expect(r.status).toBe(200);
  return (r.body.steps as any[]).find((s) => s.stepId === stepId);
}

async function postJson(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** One send step to `channel`, then exit. */
const oneSend = (
  name: string,
  trigger: string,
  stepId: string,
  channel: string,
  template: Record<string, unknown>,
): Record<string, unknown> => ({
  name,
  trigger: { kind: 'event', event: trigger },
  entry: { reentry: 'always' },
  start: stepId,
  steps: { [stepId]: { kind: 'send', channel, template, next: 'done' }, done: { kind: 'exit' } },
});

/** Ticks timers and retries, advancing the clock past their backoff, until `done` or a deadline. */
async function until(h: Harness, done: () => boolean, what: string, deadlineMs = 5_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    h.clock.advance(10);
    await h.t.journeys.tick();
    await h.t.journeys.idle();
  }
  await settle(h);
}

describe('email over SMTP: render, track, unsubscribe', () => {
  let h: Harness;
  let smtp: SmtpPeer;
  beforeAll(async () => {
    smtp = await startSmtpPeer(smtpPasswordAuth('tessera', 'smtp-s3cret'));
    h = await boot();
    await configure(h, 'email', 'smtp', {
      host: '127.0.0.1',
      port: smtp.port,
      auth: { user: 'tessera', pass: 'smtp-s3cret' },
      from: { address: 'news@shop.example.cn', name: '青妍' },
      timeoutMs: 2_000,
      maxConnections: 1,
    });
  });
  afterAll(async () => {
    await h.t.stop();
    await smtp.stop();
  });

  it('sends the welcome email, counts its open and click, and honours the unsubscribe', async () => {
    const { id, version } = await activate(
      h,
      oneSend('Welcome e-mail', 'Signed Up', 'welcome_email', 'email', {
        subject: '{{ traits.name }}，欢迎加入{{ traits.brand | default: "青妍" }}',
        html:
          '<p>{{ traits.name }}，欢迎！您选了 {{ event.properties.plan }} 会员。</p>' +
          '<p><a href="https://shop.example.cn/new?from=welcome">看看新品</a></p>',
      }),
    );
    await send(
      h,
      { type: 'identify', userId: 'u_lin', traits: { name: '林 & 小明', email: 'Lin.XiaoMing@163.com' } },
      { type: 'track', userId: 'u_lin', event: 'Signed Up', properties: { plan: '金卡' } },
    );
    const profileId = await profileOf(h, 'u_lin');
    const key = `${id}:v${version}:welcome_email:${profileId}:1`;

    expect(smtp.inbox).toHaveLength(1);
    const received = smtp.inbox[0]!;
    expect(received.user).toBe('tessera');
    expect(received.rcpt).toEqual(['lin.xiaoming@163.com']);
    const mail = parseMessage(received.raw);
    // Liquid with the person's traits and the triggering event; html output is escaped, the subject is not.
    expect(mail.subject).toBe('林 & 小明，欢迎加入青妍');
    expect(mail.html).toContain('<p>林 &amp; 小明，欢迎！您选了 金卡 会员。</p>');
    expect(mail.headers.get('message-id')).toBe(messageIdFor(key, 'shop.example.cn'));
    expect(mail.headers.get('x-tessera-journey-id')).toBe(id);
    expect(mail.headers.get('x-tessera-profile-id')).toBe(profileId);
    const unsubscribe = /^<(.+\/t\/u\/[A-Za-z0-9_-]+)>$/.exec(
      mail.headers.get('list-unsubscribe') ?? '',
    )?.[1];
    expect(unsubscribe?.startsWith(`${h.t.url}/t/u/`)).toBe(true);

    // The open pixel and the tracked link, as a mail client would fetch them.
    const html = mail.html!.replace(/&amp;/g, '&');
    const pixel = /<img src="([^"]+\/t\/o\/[^"]+\.gif)"/.exec(html)?.[1];
    const click = /<a href="([^"]+\/t\/c\/[^"]+)"/.exec(html)?.[1];
    expect(pixel?.startsWith(h.t.url)).toBe(true);
    expect(click?.startsWith(h.t.url)).toBe(true);
    const opened = await fetch(pixel!);
    expect(opened.status).toBe(200);
    expect(opened.headers.get('content-type')).toBe('image/gif');
    await opened.arrayBuffer();
    const clicked = await fetch(click!, { redirect: 'manual' });
    expect(clicked.status).toBe(302);
    expect(clicked.headers.get('location')).toBe('https://shop.example.cn/new?from=welcome');
    await settle(h);

    const opens = await events(h, 'u_lin', 'Message Opened');
    expect(opens).toHaveLength(1);
    expect(opens[0].properties).toMatchObject({ channel: 'email', journey_id: id, message_id: key });
    const clicks = await events(h, 'u_lin', 'Message Clicked');
    expect(clicks).toHaveLength(1);
    expect(clicks[0].properties).toMatchObject({
      message_id: key,
      url: 'https://shop.example.cn/new?from=welcome',
    });
    expect(await events(h, 'u_lin', 'Message Sent')).toHaveLength(1);
    expect(await events(h, 'u_lin', 'Message Delivered')).toHaveLength(1);
    expect(await stepMetrics(h, id, 'welcome_email')).toMatchObject({
      reached: 1,
      sent: 1,
      delivered: 1,
      opened: 1,
      clicked: 1,
      unsubscribed: 0,
      failed: 0,
    });

    // RFC 8058 one-click: a form POST to the List-Unsubscribe URL.
    const unsubscribed = await fetch(unsubscribe!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(unsubscribed.status).toBe(200);
    await unsubscribed.text();
    await settle(h);
    const optOuts = await events(h, 'u_lin', 'Unsubscribed');
    expect(optOuts).toHaveLength(1);
    expect(optOuts[0].properties).toMatchObject({ channel: 'email', message_id: key, oneClick: true });

    // Signing up again enters again (reentry: always), but nothing goes out any more.
    h.clock.advance(60_000);
    await send(h, { type: 'track', userId: 'u_lin', event: 'Signed Up', properties: { plan: '金卡' } });
    const step = await stepMetrics(h, id, 'welcome_email');
    expect(step.reached).toBe(2);
    expect(step.outcomes).toEqual({ sent: 1, suppressed: 1 });
    expect(step).toMatchObject({ sent: 1, unsubscribed: 1 });
    expect(smtp.inbox).toHaveLength(1);
  });
});

describe('SMS through Tencent Cloud: TC3-signed SendSms and the status callback', () => {
  let h: Harness;
  let tencent: TencentSmsPeer;
  const keys = { secretId: 'AKIDtessera0001', secretKey: 'tencent-secret-0001' };
  beforeAll(async () => {
    h = await boot();
    const shape = { ...keys, region: 'ap-guangzhou', sdkAppId: '1400006666', signName: '青妍' };
    tencent = await startTencentSmsPeer({ ...shape, now: () => h.clock.now() });
    await configure(h, 'sms', 'tencent-sms', { ...shape, endpoint: tencent.endpoint, timeoutMs: 2_000 });
  });
  afterAll(async () => {
    await h.t.stop();
    await tencent.close();
  });

  it('sends the rendered template parameters and records the delivery receipt', async () => {
    const { id, version } = await activate(
      h,
      oneSend('Shipping SMS', 'Order Shipped', 'shipped_sms', 'sms', {
        templateId: '1961234',
        params: ['{{ traits.name }}', '{{ event.properties.order_id }}'],
      }),
    );
    await send(
      h,
      { type: 'identify', userId: 'u_wang', traits: { name: '王小明', phone: '137 1111 2222' } },
      { type: 'track', userId: 'u_wang', event: 'Order Shipped', properties: { order_id: 'o_42' } },
    );
    const key = `${id}:v${version}:shipped_sms:${await profileOf(h, 'u_wang')}:1`;
    expect(tencent.problems).toEqual([]);
    expect(tencent.requests()).toBe(1);
    expect(tencent.received).toEqual([
      {
        PhoneNumberSet: ['+8613711112222'],
        SmsSdkAppId: '1400006666',
        SignName: '青妍',
        TemplateId: '1961234',
        TemplateParamSet: ['王小明', 'o_42'],
        SessionContext: key,
      },
    ]);

    // Tencent's 短信下发状态回调: a JSON array naming the SerialNo SendSms returned as sid.
    const receipt = await postJson(await receiptUrl(h, 'tencent-sms'), [
      {
        user_receive_time: '2026-11-20 10:00:07',
        nationcode: '86',
        mobile: '13711112222',
        report_status: 'SUCCESS',
        errmsg: 'DELIVRD',
        description: '用户短信送达成功',
        sid: tencent.serials[0],
      },
    ]);
    expect(receipt).toEqual({ status: 200, body: { result: 0, errmsg: 'OK' } });
    await settle(h);
    const delivered = await events(h, 'u_wang', 'Message Delivered');
    expect(delivered).toHaveLength(1);
    expect(delivered[0].properties).toMatchObject({
      channel: 'sms',
      message_id: key,
      provider: 'tencent-sms',
      providerMessageId: tencent.serials[0],
    });
    expect(await stepMetrics(h, id, 'shipped_sms')).toMatchObject({ sent: 1, delivered: 1, failed: 0 });
  });

  it('gives the receipt URLs to admins only, and refuses a receipt at an unsigned URL', async () => {
    const marketer = await h.t.api('POST', '/api/v1/api-keys', {
      name: 'receipts-marketer',
      role: 'marketer',
    });
    expect(marketer.status).toBe(201);
    expect((await h.t.api('GET', '/api/v1/receipts/urls', undefined, marketer.body.key)).status).toBe(403);
    const unsigned = await postJson(`${h.t.url}/t/r/tencent-sms/${WS}`, [
      { report_status: 'FAIL', errmsg: 'MK:0001', description: '空号', sid: tencent.serials[0] },
    ]);
    expect(unsigned.status).toBe(401);
    await settle(h);
    expect(await events(h, 'u_wang', 'Message Undelivered')).toHaveLength(0);
  });
});

describe('SMS through Aliyun: RPC-signed SendSms and SmsReport', () => {
  let h: Harness;
  let dysms: DysmsPeer;
  const keys = { accessKeyId: 'LTAItessera0001', accessKeySecret: 'aliyun-secret-0001', signName: '青妍' };
  beforeAll(async () => {
    h = await boot();
    dysms = await startDysmsPeer({ ...keys, now: () => h.clock.now() });
    await configure(h, 'sms', 'aliyun-sms', { ...keys, endpoint: dysms.endpoint, timeoutMs: 2_000 });
  });
  afterAll(async () => {
    await h.t.stop();
    await dysms.close();
  });

  it('sends named template parameters with the key as OutId and records the receipt', async () => {
    const { id, version } = await activate(
      h,
      oneSend('Coupon SMS', 'Coupon Issued', 'coupon_sms', 'sms', {
        templateId: 'SMS_153055065',
        params: { name: '{{ traits.name }}', code: '{{ event.properties.code | upcase }}' },
      }),
    );
    await send(
      h,
      { type: 'identify', userId: 'u_zhao', traits: { name: '赵敏', phone: '+86 139 2468 1357' } },
      { type: 'track', userId: 'u_zhao', event: 'Coupon Issued', properties: { code: 'spring-20' } },
    );
    const key = `${id}:v${version}:coupon_sms:${await profileOf(h, 'u_zhao')}:1`;
    expect(dysms.problems).toEqual([]);
    expect(dysms.received).toHaveLength(1);
    const form = dysms.received[0]!;
    expect(form.get('PhoneNumbers')).toBe('13924681357');
    expect(form.get('SignName')).toBe('青妍');
    expect(form.get('TemplateCode')).toBe('SMS_153055065');
    expect(JSON.parse(form.get('TemplateParam')!)).toEqual({ name: '赵敏', code: 'SPRING-20' });
    expect(form.get('OutId')).toBe(key);

    // SmsReport pushed over HTTP: a JSON array with the BizId and our OutId.
    const receipt = await postJson(await receiptUrl(h, 'aliyun-sms'), [
      {
        phone_number: '13924681357',
        send_time: '2026-11-20 10:00:01',
        report_time: '2026-11-20 10:00:06',
        success: true,
        err_code: 'DELIVERED',
        err_msg: '用户接收成功',
        sms_size: '1',
        biz_id: dysms.bizIds[0],
        out_id: key,
      },
    ]);
    expect(receipt).toEqual({ status: 200, body: { code: 0, msg: '接收成功' } });
    await settle(h);
    const delivered = await events(h, 'u_zhao', 'Message Delivered');
    expect(delivered).toHaveLength(1);
    expect(delivered[0].properties).toMatchObject({
      channel: 'sms',
      message_id: key,
      provider: 'aliyun-sms',
      providerMessageId: dysms.bizIds[0],
    });
    expect(await stepMetrics(h, id, 'coupon_sms')).toMatchObject({ sent: 1, delivered: 1, failed: 0 });
  });
});

describe('WeChat template messages', () => {
  let h: Harness;
  let wechat: WechatPeer;
  beforeAll(async () => {
    h = await boot();
    wechat = await startWechatPeer({ appId: 'wx5f3c0a1b2c3d4e5f', appSecret: 'wechat-secret-0001' });
    await configure(h, 'wechat', 'wechat-template', {
      appId: 'wx5f3c0a1b2c3d4e5f',
      appSecret: 'wechat-secret-0001',
      baseUrl: wechat.baseUrl,
      timeoutMs: 2_000,
    });
  });
  afterAll(async () => {
    await h.t.stop();
    await wechat.close();
  });

  it('sends to each openid with one access token', async () => {
    const { id, version } = await activate(
      h,
      oneSend('Coupon on WeChat', 'Coupon Issued', 'coupon_wechat', 'wechat', {
        templateId: 'ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY',
        params: { first: '{{ traits.name }}，您的优惠券已到账', keyword1: '{{ event.properties.coupon }}' },
      }),
    );
    const people = [
      { userId: 'u_he', name: '何雨', openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
      { userId: 'u_qi', name: '齐悦', openid: 'oUpF8uN9mV2hQxk1Y4zZJ0rFq7aB' },
    ];
    await send(
      h,
      ...people.flatMap((p) => [
        {
          type: 'identify',
          userId: p.userId,
          traits: { name: p.name },
          context: { externalIds: [{ type: 'wechat_openid', id: p.openid, collection: 'users' }] },
        },
        { type: 'track', userId: p.userId, event: 'Coupon Issued', properties: { coupon: '满 200 减 50' } },
      ]),
    );
    expect(wechat.tokens).toBe(1);
    expect(wechat.sends).toHaveLength(2);
    for (const p of people) {
      const key = `${id}:v${version}:coupon_wechat:${await profileOf(h, p.userId)}:1`;
      const sent = wechat.sends.find((s) => s.body.touser === p.openid);
      expect(sent?.token).toBe(wechat.issued[0]);
      expect(sent?.body).toEqual({
        touser: p.openid,
        template_id: 'ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY',
        data: { first: { value: `${p.name}，您的优惠券已到账` }, keyword1: { value: '满 200 减 50' } },
        client_msg_id: key.slice(0, 64),
      });
      expect(await events(h, p.userId, 'Message Sent')).toHaveLength(1);
    }
    expect(await stepMetrics(h, id, 'coupon_wechat')).toMatchObject({ reached: 2, sent: 2, failed: 0 });
  });
});

describe('app push through the generic HTTP provider, and signed webhooks', () => {
  let h: Harness;
  let push: WebhookPeer;
  let hook: WebhookPeer;
  const pushSecret = 'whsec_push_0123456789abcdef';
  const hookSecret = 'whsec_hook_0123456789abcdef';
  beforeAll(async () => {
    h = await boot();
    push = await startWebhookPeer(pushSecret, { now: () => h.clock.now() });
    hook = await startWebhookPeer(hookSecret, { now: () => h.clock.now() });
    await configure(h, 'push', 'http-push', { url: push.url, secret: pushSecret });
    await configure(h, 'webhook', 'webhook', { url: hook.url, secret: hookSecret });
  });
  afterAll(async () => {
    await h.t.stop();
    await push.close();
    await hook.close();
  });

  it('signs every request and keys it by journey, version, step, profile and entry', async () => {
    const { id, version } = await activate(h, {
      name: 'Cart reminder',
      trigger: { kind: 'event', event: 'Cart Abandoned' },
      entry: { reentry: 'always' },
      start: 'push',
      steps: {
        push: {
          kind: 'send',
          channel: 'push',
          template: {
            subject: '{{ traits.name }}，购物车里的宝贝还在',
            body: '{{ event.properties.item }} 库存不多了',
          },
          next: 'crm',
        },
        crm: {
          kind: 'send',
          channel: 'webhook',
          template: {
            subject: 'cart',
            body: '{{ event.properties.cart_id }}',
            params: { item: '{{ event.properties.item }}' },
          },
          next: 'notify',
        },
        notify: { kind: 'webhook', url: hook.url, next: 'done' },
        done: { kind: 'exit' },
      },
    });
    await send(
      h,
      { type: 'identify', userId: 'u_lin', traits: { name: '小林', push_token: 'fcm:token-abc123' } },
      {
        type: 'identify',
        userId: 'u_dev',
        traits: { name: '阿德' },
        context: { externalIds: [{ type: 'device_id', id: 'Device-7F3A' }] },
      },
      {
        type: 'track',
        userId: 'u_lin',
        event: 'Cart Abandoned',
        properties: { cart_id: 'c_1', item: '龙井 250g' },
      },
      {
        type: 'track',
        userId: 'u_dev',
        event: 'Cart Abandoned',
        properties: { cart_id: 'c_2', item: '白茶饼' },
      },
    );
    expect(push.rejected).toEqual([]);
    expect(hook.rejected).toEqual([]);
    const people = [
      { userId: 'u_lin', name: '小林', to: 'fcm:token-abc123', cart: 'c_1', item: '龙井 250g' },
      { userId: 'u_dev', name: '阿德', to: 'device-7f3a', cart: 'c_2', item: '白茶饼' },
    ];
    expect(push.received).toHaveLength(2);
    expect(hook.received).toHaveLength(4);
    for (const p of people) {
      const profileId = await profileOf(h, p.userId);
      const key = (step: string) => `${id}:v${version}:${step}:${profileId}:1`;
      const metadata = (step: string) => ({ journey_id: id, step_id: step, profile_id: profileId });
      expect(push.received.find((r) => r.key === key('push'))?.body).toEqual({
        to: p.to,
        title: `${p.name}，购物车里的宝贝还在`,
        body: `${p.item} 库存不多了`,
        data: metadata('push'),
      });
      expect(hook.received.find((r) => r.key === key('crm'))?.body).toEqual({
        to: profileId,
        subject: 'cart',
        body: p.cart,
        params: { item: p.item },
        metadata: metadata('crm'),
      });
      // The journey's own webhook step is signed with the webhook channel's secret too, and
      // posts its payload as it is.
      const call = hook.received.find((r) => r.key === key('notify'))?.body;
      expect(call).toEqual({
        journeyId: id,
        version,
        step: 'notify',
        profileId,
        variant: null,
        event: { name: 'Cart Abandoned', properties: { cart_id: p.cart, item: p.item } },
      });
    }
    expect(push.raw).toBe(2);
    expect(hook.raw).toBe(4);
    expect(await stepMetrics(h, id, 'push')).toMatchObject({ sent: 2, failed: 0 });
    expect(await stepMetrics(h, id, 'crm')).toMatchObject({ sent: 2, failed: 0 });
  });
});

describe('provider failures: retries with backoff, the dead-letter and its retry', () => {
  let h: Harness;
  let hook: WebhookPeer;
  let journey: { id: string; version: number };
  const secret = 'whsec_fail_0123456789abcdef';
  beforeAll(async () => {
    h = await boot({ backoffMs: 1, maxBackoffMs: 5 });
    hook = await startWebhookPeer(secret, { now: () => h.clock.now() });
    await configure(h, 'webhook', 'webhook', { url: hook.url, secret });
    journey = await activate(
      h,
      oneSend('Ticket to CRM', 'Ticket Opened', 'crm', 'webhook', { body: '{{ event.properties.ticket }}' }),
    );
  });
  afterAll(async () => {
    await h.t.stop();
    await hook.close();
  });
  const keyOf = async (userId: string) =>
    `${journey.id}:v${journey.version}:crm:${await profileOf(h, userId)}:1`;
  const deadLetters = async (): Promise<any[]> => {
    const r = await h.t.api('GET', '/api/v1/journeys/dead-letters');
    expect(r.status).toBe(200);
    return r.body.deadLetters as any[];
  };

  it('retries two 503s and delivers once, with no dead-letter', async () => {
    hook.failNext(2, 503);
    await send(h, { type: 'track', userId: 'u_503', event: 'Ticket Opened', properties: { ticket: 't_1' } });
    const key = await keyOf('u_503');
    await until(h, () => hook.byKey.has(key), 'the third attempt');
    expect(hook.raw).toBe(3);
    expect(hook.byKey.get(key)).toBe(1);
    expect(hook.received.filter((r) => r.key === key)).toHaveLength(1);
    expect(await stepMetrics(h, journey.id, 'crm')).toMatchObject({ sent: 1, failed: 0 });
    expect((await deadLetters()).map((d) => d.key)).not.toContain(key);
    expect(await events(h, 'u_503', 'Message Sent')).toHaveLength(1);
    expect(await events(h, 'u_503', 'Message Failed')).toHaveLength(0);
  });

  it('dead-letters a permanent error with its reason, and delivers it when retried after the fix', async () => {
    hook.failNext(Number.POSITIVE_INFINITY, 422);
    const rawBefore = hook.raw;
    await send(h, { type: 'track', userId: 'u_422', event: 'Ticket Opened', properties: { ticket: 't_2' } });
    const key = await keyOf('u_422');
    // A permanent failure is not retried: one attempt, then the dead-letter.
    h.clock.advance(1_000);
    await h.t.journeys.tick();
    await settle(h);
    expect(hook.raw - rawBefore).toBe(1);
    const dead = (await deadLetters()).find((d) => d.key === key);
    expect(dead).toMatchObject({
      journey_id: journey.id,
      step_id: 'crm',
      profile_id: await profileOf(h, 'u_422'),
      channel: 'webhook',
      attempts: 1,
    });
    expect(dead.reason).toMatch(/^HTTP 422/);
    expect(await events(h, 'u_422', 'Message Failed')).toHaveLength(1);
    expect(await stepMetrics(h, journey.id, 'crm')).toMatchObject({ sent: 1, failed: 1 });

    hook.failNext(0); // the receiver is fixed
    h.clock.advance(60_000);
    const retried = await h.t.api('POST', '/api/v1/journeys/dead-letters/retry', { keys: [key] });
    expect(retried).toEqual({ status: 200, body: { requeued: 1 } });
    await until(h, () => hook.byKey.has(key), 'the retried send');
    expect(hook.received.filter((r) => r.key === key)).toHaveLength(1);
    expect(hook.received.find((r) => r.key === key)?.body).toMatchObject({ body: 't_2' });
    expect((await deadLetters()).map((d) => d.key)).not.toContain(key);
    expect(await events(h, 'u_422', 'Message Sent')).toHaveLength(1);
    expect(await stepMetrics(h, journey.id, 'crm')).toMatchObject({ sent: 2, failed: 0 });
  });
});
