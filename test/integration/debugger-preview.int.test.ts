import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, TEST_API_KEY, type TestTessera } from '../support/tessera.js';

/**
 * The source debugger (`GET /api/v1/debugger/events`, a long poll over what arrived a moment
 * ago) and the import mapping preview (`POST /api/v1/imports/preview`, what the first rows of a
 * file would become): both against a real server, compared with what the pipeline then does.
 */

let t: TestTessera;
let web: { id: string; writeKey: string };
let app: { id: string; writeKey: string };
let analystKey: string;

beforeAll(async () => {
  t = await startTestTessera();
  web = await t.newSource('debugger web');
  app = await t.newSource('debugger app');
  analystKey = (await t.api('POST', '/api/v1/api-keys', { name: 'analyst', role: 'analyst' })).body.key;
});
afterAll(async () => {
  await t.stop();
});

const poll = (query: string, key = TEST_API_KEY) =>
  t.api('GET', `/api/v1/debugger/events?${query}`, undefined, key);

describe('source debugger', () => {
  it('a long poll answers as soon as a message arrives, with its validation result', async () => {
    const start = await poll(`sourceId=${web.id}`);
    expect(start.status).toBe(200);
    expect(start.body.events).toEqual([]);
    const waiting = poll(`sourceId=${web.id}&after=${start.body.cursor}&wait=10000`);
    // Traffic of another source wakes the poll but does not answer it.
    expect(
      (await t.collect('/v1/track', { userId: 'u-app', event: 'App Opened' }, app.writeKey)).status,
    ).toBe(200);
    const sent = await t.collect(
      '/v1/track',
      { userId: 'u-web', event: 'Product Viewed', properties: { sku: 'SKU-9' } },
      web.writeKey,
    );
    expect(sent.status).toBe(200);
    const answer = await waiting;
    expect(answer.body.events).toHaveLength(1);
    expect(answer.body.events[0]).toMatchObject({
      sourceId: web.id,
      result: 'accepted',
      type: 'track',
      name: 'Product Viewed',
      messageId: sent.body.messageId,
      message: { userId: 'u-web', properties: { sku: 'SKU-9' } },
    });
    expect(answer.body.cursor).toBe(answer.body.events[0].seq);
  });

  it('shows refused messages with their reason, and duplicates, and filters by result', async () => {
    const { cursor } = (await poll('')).body;
    const refused = await t.collect('/v1/track', { event: 'Cart Viewed' }, web.writeKey);
    expect(refused.status).toBe(400);
    const msg = { userId: 'u-web', event: 'Order Completed', messageId: 'dbg-order-1' };
    await t.collect('/v1/track', msg, web.writeKey);
    await t.collect('/v1/track', msg, web.writeKey);
    const all = (await poll(`after=${cursor}`)).body.events;
    expect(all.map((e: any) => e.result)).toEqual(['duplicate', 'accepted', 'rejected']);
    expect(all[2]).toMatchObject({ name: 'Cart Viewed', code: refused.body.error.code });
    expect(all[2].reason).toBe(refused.body.error.message);
    const onlyRefused = (await poll(`after=${cursor}&result=rejected`)).body.events;
    expect(onlyRefused).toHaveLength(1);
    expect(JSON.stringify(all)).not.toContain(web.writeKey);
  });

  it('lists fields dropped by governance, and masks personal data below the PII role', async () => {
    const { cursor } = (await poll('')).body;
    await t.collect(
      '/v1/identify',
      { userId: 'u-pii', traits: { phone: '13924681357', name: '李雷', email: 'lilei@163.com' } },
      web.writeKey,
    );
    const admin = (await poll(`after=${cursor}`)).body.events[0];
    expect(admin.message.traits).toMatchObject({ phone: '+8613924681357', name: '李雷' });
    const analyst = (await poll(`after=${cursor}`, analystKey)).body.events[0];
    expect(analyst.message.traits.phone).not.toContain('24681');
    expect(analyst.message.traits.name).not.toBe('李雷');
  });

  it('refuses a bad query with the problem named', async () => {
    const res = await poll('wait=99999999');
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).toContain('wait');
  });
});

const members = [
  '会员编号,姓名,手机号,邮箱,性别,生日,省份,城市,注册时间,会员等级,积分',
  'M101,张 三,139 2468 1357,ZS@163.com,男,1990/5/7,上海市,上海市,2023/05/07 16:49,金卡,1200',
  'M102,李四,１３７２４６８１３５７,,女,1988-02-03,广东省,深圳市,2024年1月2日,银卡,"1,300"',
  'M103,王五,12345,ww@163.com,男,1992-01-01,北京市,北京市,2024-01-01,普通,0',
  ',没有编号,,,女,,,,,,',
].join('\n');

async function upload(path: string, body: string, query: string) {
  const res = await fetch(`${t.url}${path}?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'text/csv' },
    body,
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('import mapping preview', () => {
  it('shows what each row becomes and which would be refused, storing nothing, as the import then does', async () => {
    const before = (await t.api('GET', '/api/v1/imports')).body.imports.length;
    const rejectedBefore = (await t.api('GET', '/api/v1/rejected')).body.records.length;
    const preview = await upload('/api/v1/imports/preview', members, 'mapping=crm-members&fileName=m.csv');
    expect(preview.status).toBe(200);
    expect(preview.body.fatal).toBeNull();
    expect(preview.body.columns).toContain('手机号');
    expect(preview.body.rows.map((r: any) => [r.line, r.result])).toEqual([
      [2, 'ok'],
      [3, 'ok'],
      [4, 'rejected'],
      [5, 'rejected'],
    ]);
    expect(preview.body.rows[0].message.type).toBe('identify');
    expect(preview.body.rows[0].record.会员编号).toBe('M101');
    expect((await t.api('GET', '/api/v1/imports')).body.imports.length).toBe(before);
    expect((await t.api('GET', '/api/v1/rejected')).body.records.length).toBe(rejectedBefore);

    const real = await upload('/api/v1/imports', members, 'mapping=crm-members&fileName=m.csv');
    expect(real.status).toBe(200);
    const codes: Record<string, number> = {};
    for (const r of preview.body.rows.filter((r: any) => r.result === 'rejected'))
      codes[r.code] = (codes[r.code] ?? 0) + 1;
    expect(real.body.rejectedByCode).toEqual(codes);
    expect(real.body.accepted).toBe(preview.body.rows.filter((r: any) => r.result === 'ok').length);

    // The rejected rows keep their columns; below the PII role the personal ones are masked.
    const path = '/api/v1/rejected?code=invalid_phone';
    const clear = (await t.api('GET', path)).body.records.find((r: any) => r.originRef === 'm.csv:4');
    expect(clear.payload.record).toMatchObject({ 会员编号: 'M103', 姓名: '王五', 手机号: '12345' });
    const masked = (await t.api('GET', path, undefined, analystKey)).body.records.find(
      (r: any) => r.originRef === 'm.csv:4',
    );
    expect(masked.payload.record).toMatchObject({ 会员编号: 'M103', 姓名: '王*', 手机号: '*****' });
    expect(masked.payload.record.邮箱).not.toBe('ww@163.com');
  });

  it('stops after the asked number of rows, and names columns the mapping needs that the file lacks', async () => {
    const two = await upload('/api/v1/imports/preview', members, 'mapping=crm-members&limit=2');
    expect(two.body.rows).toHaveLength(2);
    const unmapped = await upload('/api/v1/imports/preview', 'a,b\n1,2\n', 'mapping=crm-members');
    expect(unmapped.body.rows[0]).toMatchObject({ result: 'rejected', code: 'no_identifier' });
    expect(unmapped.body.rows[0].reason).toContain('会员编号');
    const wrong = await upload('/api/v1/imports/preview', 'a,b\n1,2\n', 'mapping=tmall-orders');
    expect(wrong.status).toBe(200);
    expect(wrong.body).toMatchObject({ rows: [], fatal: { code: 'missing_columns' } });
    expect(wrong.body.fatal.message).toContain('订单编号');
  });
});
