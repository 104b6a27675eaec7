import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../support/process.js';
import { startTestTessera, TEST_API_KEY, type TestTessera } from '../support/tessera.js';

let t: TestTessera;
const dir = mkdtempSync(join(tmpdir(), 'tessera-import-'));

beforeAll(async () => {
  t = await startTestTessera();
});
afterAll(async () => {
  await t.stop();
});

async function upload(
  body: string,
  query: string,
  contentType = 'text/csv',
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${t.url}/api/v1/imports?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': contentType, ...headers },
    body,
  });
  return { status: res.status, body: (await res.json()) as any };
}

const members = [
  '会员编号,姓名,手机号,邮箱,性别,生日,省份,城市,注册时间,会员等级,积分',
  'M001,张 三,138 0013 8000,ZS@Example.com,男,1990/5/7,上海市,上海市,2023/05/07 16:49,金卡,1200',
  'M002,李四,１３９００１３９０００,,女,1988-02-03,广东省,深圳市,2024年1月2日,银卡,"1,300"',
  'M003,王五,12345,ww@example.com,男,1992-01-01,北京市,北京市,2024-01-01,普通,0',
  ',没有编号,,,女,,,,,,',
].join('\n');

describe('file import', () => {
  it('imports a CRM member export with Chinese headers, normalising and rejecting with reasons', async () => {
    const res = await upload(members, 'mapping=crm-members&fileName=members.csv');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ records: 4, accepted: 2, duplicates: 0, rejected: 2 });
    expect(res.body.rejectedByCode).toEqual({ invalid_phone: 1, no_identifier: 1 });
    const events = await t.api('GET', '/api/v1/events?type=identify&limit=10');
    const byMember = new Map(
      events.body.events.map((e: any) => [
        e.context.externalIds.find((x: any) => x.type === 'member_no').id,
        e,
      ]),
    );
    expect((byMember.get('M001') as any).traits).toMatchObject({
      name: '张三',
      phone: '+8613800138000',
      email: 'zs@example.com',
      gender: 'male',
      birthday: '1990-05-07',
    });
    expect((byMember.get('M002') as any).traits).toMatchObject({
      phone: '+8613900139000',
      points: 1300,
      gender: 'female',
    });
    const rejected = await t.api('GET', '/api/v1/rejected?code=invalid_phone');
    const row = rejected.body.records.find((r: any) => r.originRef === 'members.csv:4');
    expect(row.reason).toMatch(/traits\.phone/);
    expect(row.payload.record).toMatchObject({ 会员编号: 'M003', 手机号: '12345' });
  });

  it('re-importing the same file changes nothing', async () => {
    const before = (await t.api('GET', '/api/v1/events?type=identify&limit=1000')).body.events.length;
    const res = await upload(members, 'mapping=crm-members&fileName=members.csv');
    expect(res.body).toMatchObject({ records: 4, accepted: 0, duplicates: 2, rejected: 2 });
    expect((await t.api('GET', '/api/v1/events?type=identify&limit=1000')).body.events.length).toBe(before);
  });

  it('a rejected row replays once its data is fixed', async () => {
    const rejected = await t.api('GET', '/api/v1/rejected?code=invalid_phone&status=open');
    const row = rejected.body.records.find((r: any) => r.payload.record?.会员编号 === 'M003');
    const fixed = { ...row.payload, record: { ...row.payload.record, 手机号: '13700137000' } };
    const replay = await t.api('POST', '/api/v1/rejected/replay', { ids: [row.id], payload: fixed });
    expect(replay.body).toMatchObject({ accepted: 1, stillRejected: 0 });
    const events = await t.api('GET', '/api/v1/events?type=identify&limit=100');
    expect(events.body.events.some((e: any) => e.traits.phone === '+8613700137000')).toBe(true);
  });

  it('imports a Tmall order report: statuses to events, masked phones kept out of identity, Excel wrappers stripped', async () => {
    const header =
      '订单编号,买家会员名,买家应付货款,买家应付邮费,总金额,买家实际支付金额,订单状态,买家留言,收货人姓名,收货地址,运送方式,联系电话,联系手机,订单创建时间,订单付款时间,宝贝标题,宝贝种类,物流单号,物流公司,订单备注,宝贝总数量,店铺Id,店铺名称,订单关闭原因';
    const rows = [
      '="3348756123456789012",tb_buyer1,299.00,0.00,299.00,299.00,交易成功,,张三,上海市 浦东新区 世纪大道 100号,快递,,138****1234,2025-11-11 00:01:02,2025-11-11 00:01:30,玻尿酸保湿精华,1,SF123,顺丰,,1,1001,品牌旗舰店,',
      '="3348756123456789013",tb_buyer2,99.00,0.00,99.00,0.00,交易关闭,,李四,北京市 朝阳区,快递,,13900139000,2025-11-11 01:00:00,,口红,1,,,,1,1001,品牌旗舰店,买家取消',
      '="3348756123456789014",tb_buyer3,59.00,0.00,59.00,59.00,外星状态,,王五,广州市,快递,,13700137000,2025-11-12 09:00:00,2025-11-12 09:01:00,面膜,1,,,,1,1001,品牌旗舰店,',
    ];
    const res = await upload([header, ...rows].join('\n'), 'mapping=tmall-orders&fileName=tmall.csv');
    expect(res.body).toMatchObject({ records: 3, accepted: 2, rejected: 1 });
    expect(res.body.rejectedByCode).toEqual({ unmapped_value: 1 });
    const completed = await t.api('GET', `/api/v1/events?event=${encodeURIComponent('Order Completed')}`);
    const order = completed.body.events.find((e: any) => e.properties.order_id === '3348756123456789012');
    expect(order.properties.revenue).toBe(299);
    expect(new Date(order.timestamp).toISOString()).toBe('2025-11-10T16:01:30.000Z');
    expect(order.traits.phone).toBeUndefined();
    expect(order.context.externalIds).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'taobao_id', id: 'tb_buyer1' })]),
    );
    const cancelled = await t.api('GET', `/api/v1/events?event=${encodeURIComponent('Order Cancelled')}`);
    expect(cancelled.body.events).toHaveLength(1);
  });

  it('names a missing preset and missing required columns', async () => {
    const none = await upload('a,b\n1,2', 'mapping=no-such-preset');
    expect(none.status).toBe(404);
    expect(none.body.error.message).toMatch(/crm-members/);
    const cols = await upload('foo,bar\n1,2', 'mapping=orders&fileName=x.csv');
    expect(cols.status).toBe(422);
    expect(cols.body.error.message).toMatch(/order_id|订单/);
  });

  it('accepts a custom mapping and JSONL events', async () => {
    const mapping = {
      name: 'my-loyalty',
      kind: 'profiles',
      format: 'csv',
      description: { en: 'test', 'zh-CN': '测试' },
      fields: { 'externalIds.member_no': 'card', 'traits.phone': 'tel' },
      naturalKey: ['externalIds.member_no'],
    };
    const res = await upload('card,tel\nC9,13800138009\n', 'fileName=loyalty.csv', 'text/csv', {
      'x-tessera-mapping': Buffer.from(JSON.stringify(mapping)).toString('base64url'),
    });
    expect(res.body).toMatchObject({ records: 1, accepted: 1 });
    const jsonl = [
      JSON.stringify({
        type: 'track',
        messageId: 'jl-1',
        userId: 'u1',
        event: 'Ticket Created',
        timestamp: '2025-06-18T10:00:00+08:00',
      }),
      '{not json',
      JSON.stringify({ type: 'track', messageId: 'jl-2', userId: 'u1' }),
    ].join('\n');
    const ev = await upload(jsonl, 'mapping=events&fileName=tickets.jsonl', 'application/x-ndjson');
    expect(ev.body).toMatchObject({ records: 3, accepted: 1, rejected: 2 });
    expect(ev.body.rejectedByCode).toEqual({ invalid_json: 1, missing_event: 1 });
  });

  it('the CLI streams a file with a mapping preset and prints the summary', async () => {
    const file = join(dir, 'orders.csv');
    const lines = ['order_id,order_time,member_no,phone,status,total,channel,store_code'];
    for (let i = 0; i < 500; i++)
      lines.push(
        `PO${i},2025/06/18 10:${String(i % 60).padStart(2, '0')},M${i % 50},1380013${String(8000 + (i % 50))},completed,${100 + i}.50,pos,S01`,
      );
    writeFileSync(file, lines.join('\n'));
    const cli = spawnCli([
      'import',
      file,
      '--mapping',
      'orders',
      '--url',
      t.url,
      '--api-key',
      TEST_API_KEY,
      '--lang',
      'en',
    ]);
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toMatch(/500 records, 500 accepted, 0 already present, 0 rejected/);
    const again = spawnCli([
      'import',
      file,
      '--mapping',
      'orders',
      '--url',
      t.url,
      '--api-key',
      TEST_API_KEY,
      '--lang',
      'zh-CN',
    ]);
    expect(await again.exited).toBe(0);
    expect(again.output()).toMatch(/共 500 条，接收 0 条，已存在 500 条/);
  });
});
