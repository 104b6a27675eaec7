import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import {
  parseMessage,
  smtpPasswordAuth,
  startSmtpPeer,
  startTencentSmsPeer,
  startWechatPeer,
  type SmtpPeer,
  type TencentSmsPeer,
  type WechatPeer,
} from '../support/provider-peers.js';
import { startTestTessera, type TestTessera } from '../support/tessera.js';
import { startWebhookPeer, type WebhookPeer } from '../support/webhook-peer.js';

/**
 * The five journeys shipped as templates, each run as a scenario on a simulated clock against
 * real local providers (an SMTP server, Tencent Cloud SMS, WeChat, an HTTP push relay): people
 * come in through the collection API, the clock moves, timers fire, and what reaches each
 * provider, what the journey records and what flows back are checked.
 */

// 2026-11-20 10:00 in Shanghai (the workspace's zone).
const T = Date.UTC(2026, 10, 20, 2, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const at = (ms: number): string => new Date(ms).toISOString();
const SECRET = 'whsec_templates_0123456789ab';
let n = 0;

describe('journey templates, scenario by scenario', () => {
  const clock = new ManualClock(T);
  let t: TestTessera;
  let writeKey: string;
  let smtp: SmtpPeer;
  let sms: TencentSmsPeer;
  let wechat: WechatPeer;
  let push: WebhookPeer;

  const send = async (...messages: Array<Record<string, unknown>>): Promise<void> => {
    const batch = messages.map((m) => ({ messageId: `tpl-${++n}`, timestamp: at(clock.now()), ...m }));
    expect((await t.collect('/v1/batch', { batch }, writeKey)).status).toBe(200);
    await settle();
  };
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 3; i++) {
      await t.writer.settle();
      await t.identity.settle();
      await t.segments.flush();
      await t.journeys.idle();
    }
  };
  const tickAt = async (ms: number): Promise<void> => {
    clock.set(ms);
    await t.journeys.tick();
    await settle();
  };
  const fromTemplate = async (body: Record<string, unknown>): Promise<string> => {
    const r = await t.api('POST', '/api/v1/journeys', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect((await t.api('POST', `/api/v1/journeys/${r.body.id}/activate`)).status).toBe(200);
    return r.body.id as string;
  };
  const metrics = async (id: string): Promise<any> =>
    (await t.api('GET', `/api/v1/journeys/${id}/metrics`)).body;
  const step = (m: any, id: string): any => m.steps.find((s: { stepId: string }) => s.stepId === id);
  const profile = async (userId: string): Promise<string> =>
    (await t.api('GET', `/api/v1/profiles/lookup?type=user_id&value=${userId}`)).body.profileId as string;

  beforeAll(async () => {
    smtp = await startSmtpPeer(smtpPasswordAuth('mailer', 'mail-pass'));
    const tencent = {
      secretId: 'AKIDtemplates',
      secretKey: 'tencent-secret-key',
      region: 'ap-guangzhou',
      sdkAppId: '1400000001',
      signName: '青妍',
    };
    sms = await startTencentSmsPeer({ ...tencent, now: () => clock.now() });
    wechat = await startWechatPeer({ appId: 'wx0123456789', appSecret: 'wechat-app-secret' });
    push = await startWebhookPeer(SECRET, { now: () => clock.now() });
    t = await startTestTessera({ journeys: { holdoutShare: 0, caps: [] } }, undefined, { clock });
    writeKey = (await t.newSource('templates')).writeKey;
    const put = async (channel: string, body: unknown): Promise<void> => {
      const r = await t.api('PUT', `/api/v1/channels/${channel}`, body);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    };
    await put('email', {
      provider: 'smtp',
      config: {
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        auth: { user: 'mailer', pass: 'mail-pass' },
        from: { name: '青妍', address: 'hello@qingyan.example' },
      },
    });
    await put('sms', { provider: 'tencent-sms', config: { ...tencent, endpoint: sms.endpoint } });
    await put('wechat', {
      provider: 'wechat-template',
      config: { appId: 'wx0123456789', appSecret: 'wechat-app-secret', baseUrl: wechat.baseUrl },
    });
    await put('push', { provider: 'http-push', config: { url: push.url, secret: SECRET } });
  }, 60_000);

  afterAll(async () => {
    await t?.stop();
    await Promise.all([smtp?.stop(), sms?.close(), wechat?.close(), push?.close()]);
  });

  it('win-back: at 10:00 each day, people 90 days quiet get one of two pushes, a 10 % control none', async () => {
    const day = T + 10 * DAY;
    clock.set(day - HOUR);
    const quiet = Array.from({ length: 60 }, (_, i) => `q${i}`);
    const busy = Array.from({ length: 10 }, (_, i) => `b${i}`);
    // History first (100 days ago for the quiet, 5 days ago for the busy), then the journey.
    await send(
      ...quiet.map((u) => ({
        type: 'track',
        userId: u,
        event: 'Product Viewed',
        timestamp: at(day - 100 * DAY),
      })),
      ...[...quiet, ...busy].map((u) => ({
        type: 'identify',
        userId: u,
        traits: { name: u, push_token: `tok-${u}` },
        timestamp: at(day - 100 * DAY),
      })),
      ...busy.map((u) => ({
        type: 'track',
        userId: u,
        event: 'Product Viewed',
        timestamp: at(day - 5 * DAY),
      })),
    );
    const id = await fromTemplate({ template: 'winback_90d' });
    const before = push.received.length;
    await tickAt(day - MIN);
    expect((await metrics(id)).entered).toBe(0);
    await tickAt(day + MIN);
    const m = await metrics(id);
    expect(m.entered).toBe(70);
    // Only the quiet ones are quiet: everyone else here has been seen within 90 days.
    expect(step(m, 'inactive').outcomes).toEqual({ yes: 60, no: 10 });
    const variants = Object.fromEntries(
      m.variants.map((v: { name: string; entered: number }) => [v.name, v.entered]),
    );
    expect((variants['新品'] ?? 0) + (variants['优惠'] ?? 0) + (variants.control ?? 0)).toBe(60);
    expect(variants.control ?? 0).toBeLessThan(20);
    const pushed = push.received.slice(before);
    expect(pushed).toHaveLength(60 - (variants.control ?? 0));
    expect(new Set(pushed.map((p) => p.body.to as string)).size).toBe(pushed.length);
    expect(pushed.every((p) => /^tok-q\d+$/.test(p.body.to as string))).toBe(true);
    expect(m.variantTests.length).toBe(2);
    // The same day again, and the next day: no one enters twice (run once a day; 30-day cooldown).
    await tickAt(day + 2 * HOUR);
    await tickAt(day + DAY + MIN);
    expect(push.received.length - before).toBe(pushed.length);
  });

  it('welcome: an email on sign-up; at 10:00 three days later a coupon SMS to who has not bought', async () => {
    clock.set(T);
    const id = await fromTemplate({ template: 'welcome' });
    const person = (u: string, name: string, phone: string) => [
      { type: 'identify', userId: u, traits: { name, email: `${u}@mail.qingyan.cn`, phone } },
      { type: 'track', userId: u, event: 'Signed Up' },
    ];
    await send(...person('w1', '林晓', '+8613800000001'), ...person('w2', '周宁', '+8613800000002'));
    const mails = smtp.inbox.filter((m) => m.rcpt[0]?.startsWith('w'));
    expect(mails.map((m) => m.rcpt[0]).sort()).toEqual(['w1@mail.qingyan.cn', 'w2@mail.qingyan.cn']);
    const mail = parseMessage(mails.find((m) => m.rcpt[0] === 'w2@mail.qingyan.cn')!.raw);
    expect(mail.subject).toBe('欢迎加入青妍会员');
    expect(mail.html).toContain('周宁，欢迎你！');
    expect(mail.headers.get('list-unsubscribe')).toMatch(
      /^<http:\/\/127\.0\.0\.1:\d+\/t\/u\/[A-Za-z0-9_-]+>$/,
    );

    // w1 buys the next day: the goal is met and w1 leaves before the coupon.
    clock.set(T + DAY);
    await send({
      type: 'track',
      userId: 'w1',
      event: 'Order Completed',
      properties: { revenue: 268, order_id: 'o-w1' },
    });
    await tickAt(T + 3 * DAY - MIN);
    expect(sms.received).toHaveLength(0);
    await tickAt(T + 3 * DAY);
    expect(sms.problems).toEqual([]);
    expect(sms.received).toHaveLength(1);
    expect(sms.received[0]).toMatchObject({
      PhoneNumberSet: ['+8613800000002'],
      TemplateId: 'SMS_WELCOME_COUPON',
      TemplateParamSet: ['周宁'],
      SignName: '青妍',
    });
    const m = await metrics(id);
    expect(m).toMatchObject({ entered: 2, converted: 1, revenue: 268, exits: { goal: 1, completed: 1 } });
    expect(step(m, 'welcome_email')).toMatchObject({ sent: 2, delivered: 2 });
    expect(step(m, 'bought')).toMatchObject({ reached: 1, outcomes: { no: 1 } });
    expect(step(m, 'coupon_sms')).toMatchObject({ sent: 1 });
  });

  it('abandoned checkout: no order within 3 h of Checkout Started gets an SMS, an order in time gets nothing', async () => {
    clock.set(T + 4 * DAY);
    const start = T + 4 * DAY;
    const id = await fromTemplate({ template: 'abandoned_checkout' });
    const before = sms.received.length;
    await send(
      { type: 'identify', userId: 'c1', traits: { phone: '+8613900000001' } },
      { type: 'identify', userId: 'c2', traits: { phone: '+8613900000002' } },
      { type: 'track', userId: 'c1', event: 'Checkout Started', properties: { checkout_id: 'ck-1' } },
      { type: 'track', userId: 'c2', event: 'Checkout Started', properties: { checkout_id: 'ck-2' } },
    );
    clock.set(start + 2 * HOUR);
    await send({ type: 'track', userId: 'c2', event: 'Order Completed', properties: { revenue: 99 } });
    await tickAt(start + 3 * HOUR - MIN);
    expect(sms.received.length).toBe(before);
    await tickAt(start + 3 * HOUR + MIN);
    expect(sms.received.slice(before)).toEqual([
      expect.objectContaining({ PhoneNumberSet: ['+8613900000001'], TemplateParamSet: ['ck-1'] }),
    ]);
    const m = await metrics(id);
    // c2's order is the journey's goal: c2 converts and leaves while waiting.
    expect(step(m, 'wait_order').outcomes).toEqual({ waiting: 2, timeout: 1 });
    expect(m).toMatchObject({ entered: 2, converted: 1, revenue: 99, exits: { goal: 1, completed: 1 } });
    // The same person abandoning again within the cooldown (1 d) does not start a second reminder.
    await send({
      type: 'track',
      userId: 'c1',
      event: 'Checkout Started',
      properties: { checkout_id: 'ck-3' },
    });
    expect((await metrics(id)).entered).toBe(2);
  });

  it('birthday: on the day at 10:00 local, a WeChat template message and a trait that says so', async () => {
    const day = Date.UTC(2026, 11, 11, 2, 0, 0); // 2026-12-11 10:00 Shanghai
    clock.set(day - DAY);
    const id = await fromTemplate({ template: 'birthday_coupon' });
    const openid = (u: string) => ({ context: { externalIds: [{ type: 'wechat_openid', id: `o-${u}` }] } });
    await send(
      { type: 'identify', userId: 'bd1', traits: { name: '陈默', birthday: '1992-12-11' }, ...openid('bd1') },
      { type: 'identify', userId: 'bd2', traits: { name: '许诺', birthday: '1992-12-12' }, ...openid('bd2') },
    );
    await tickAt(day - MIN);
    expect(wechat.sends).toHaveLength(0);
    await tickAt(day + MIN);
    expect(wechat.sends).toHaveLength(1);
    expect(wechat.sends[0]!.body).toMatchObject({
      touser: 'o-bd1',
      template_id: 'TM_BIRTHDAY',
      data: { first: { value: '陈默，生日快乐！' }, keyword1: { value: '生日专享券' } },
    });
    const p = (await t.api('GET', `/api/v1/profiles/${await profile('bd1')}`)).body;
    expect(p.traits.birthday_coupon_sent?.value ?? p.traits.birthday_coupon_sent).toBe(true);
    expect((await metrics(id)).entered).toBe(1);
  });

  it('high-value care: entering the segment sends a WeChat care message; the goal is an order', async () => {
    clock.set(T + 30 * DAY);
    const seg = await t.api('POST', '/api/v1/segments', {
      name: '高价值沉睡',
      condition: { trait: 'vip_level', op: 'eq', value: 'gold' },
      realtime: true,
    });
    expect(seg.status, JSON.stringify(seg.body)).toBe(201);
    const id = await fromTemplate({ template: 'high_value_care', segment: seg.body.id });
    const tokensBefore = wechat.tokens;
    const sendsBefore = wechat.sends.length;
    await send({
      type: 'identify',
      userId: 'hv1',
      traits: { name: '苏青', vip_level: 'gold' },
      context: { externalIds: [{ type: 'wechat_openid', id: 'o-hv1' }] },
    });
    await settle();
    expect(wechat.sends.slice(sendsBefore)).toEqual([
      expect.objectContaining({
        body: expect.objectContaining({ touser: 'o-hv1', template_id: 'TM_CARE' }),
      }),
    ]);
    // Nine days after the birthday send its access token (2 h) has expired: a new one was fetched.
    expect(wechat.tokens).toBe(tokensBefore + 1);
    clock.set(T + 32 * DAY);
    await send({ type: 'track', userId: 'hv1', event: 'Order Completed', properties: { revenue: 1880 } });
    const m = await metrics(id);
    expect(m).toMatchObject({ entered: 1, converted: 1, revenue: 1880 });
    const events = (await t.api('GET', '/api/v1/events?userId=hv1&event=Journey%20Converted&limit=10')).body
      .events;
    expect(events).toHaveLength(1);
    expect(events[0].properties).toMatchObject({ journey_id: id, revenue: 1880 });
  });
});
