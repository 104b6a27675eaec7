import { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { listPresets, loadMapping } from './load-mapping.js';
import { mapRecord, type ImportedMessage, type MapResult } from './map-record.js';
import type { Mapping } from './mapping-schema.js';
import { readRecords } from './read-records.js';

type Row =
  | { line: number; ok: true; message: ImportedMessage }
  | { line: number; ok: false; code: string; reason: string };

async function preset(name: string): Promise<Mapping> {
  const loaded = await loadMapping(name);
  if (!loaded.ok) throw new Error(loaded.error.message);
  return loaded.value;
}

/** Read and map a whole file, as `tessera import` does. */
async function importFile(m: Mapping, input: string | Buffer, file = 'export.csv'): Promise<Row[]> {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  // 7-byte chunks: records and multi-byte characters cross chunk boundaries.
  const chunks = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) =>
    bytes.subarray(i * 7, i * 7 + 7),
  );
  const rows: Row[] = [];
  for await (const item of readRecords(Readable.from(chunks), m)) {
    if (item.error) {
      rows.push({ line: item.line, ok: false, code: item.error.code, reason: item.error.message });
      continue;
    }
    const r: MapResult = mapRecord(m, item.record, { file, line: item.line });
    rows.push(
      r.ok
        ? { line: item.line, ok: true, message: r.message }
        : { line: item.line, ok: false, code: r.code, reason: r.message },
    );
  }
  return rows;
}

const messages = (rows: Row[]): ImportedMessage[] => rows.flatMap((r) => (r.ok ? [r.message] : []));

function gbkEncoder(): (text: string) => Buffer {
  const table = new Map<string, number>();
  const decoder = new TextDecoder('gb18030');
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const ch = decoder.decode(Uint8Array.of(lead, trail));
      if (ch.length === 1 && !table.has(ch)) table.set(ch, (lead << 8) | trail);
    }
  }
  return (text) =>
    Buffer.from(
      [...text].flatMap((ch) => {
        const code = ch.codePointAt(0)!;
        if (code < 0x80) return [code];
        const gbk = table.get(ch);
        if (gbk === undefined) throw new Error(`not in GBK: ${ch}`);
        return [gbk >> 8, gbk & 0xff];
      }),
    );
}

it('lists the presets', async () => {
  expect(await listPresets()).toEqual(['crm-members', 'events', 'orders', 'tmall-orders']);
});

describe('crm-members', () => {
  let m: Mapping;
  beforeAll(async () => {
    m = await preset('crm-members');
  });

  const chinese = [
    '会员编号,姓名,手机号,邮箱,性别,生日,省份,城市,注册时间,会员等级,积分,unionid,门店编号,备注',
    'M0001,张三,13800138000,zhangsan@example.com,男,1990-05-12,广东省,深圳市,2023/1/5 10:00,金卡,"1,200",oABC123,="0012",老客户',
    'M0002,李四,139****0000,,女,,,,,,,,,',
    ',,,,,,,,,,,,,',
    'M0003,王五,13700000000,,未知,,,,,,N/A,,,',
    ',赵六,,,男,,,,,,,,,',
  ].join('\r\n');

  it('maps a GBK export with Chinese headers', async () => {
    const rows = await importFile(m, gbkEncoder()(chinese), 'members.csv');
    expect(rows.map((r) => (r.ok ? `${r.line}:ok` : `${r.line}:${r.code}`))).toEqual([
      '2:ok',
      '3:ok',
      '5:invalid_value',
      '6:no_identifier',
    ]);
    const [first, second] = messages(rows);
    expect(first).toEqual({
      type: 'identify',
      messageId: expect.stringMatching(/^prf_[0-9a-f]{32}$/),
      traits: {
        name: '张三',
        phone: '13800138000',
        email: 'zhangsan@example.com',
        gender: 'male',
        birthday: '1990-05-12',
        province: '广东省',
        city: '深圳市',
        registered_at: '2023/1/5 10:00',
        member_level: '金卡',
        points: 1200,
        store_code: '0012',
      },
      context: {
        externalIds: [
          { type: 'member_no', id: 'M0001' },
          { type: 'wechat_unionid', id: 'oABC123' },
        ],
        source: { kind: 'import', mapping: 'crm-members', file: 'members.csv', line: 2 },
      },
    });
    expect(first).not.toHaveProperty('userId');
    expect(first).not.toHaveProperty('anonymousId');
    // A masked phone is no identifier; it stays readable as a trait.
    expect(second!.traits).toEqual({ name: '李四', phone_masked: '139****0000', gender: 'female' });
    expect(second!.context.externalIds).toEqual([{ type: 'member_no', id: 'M0002' }]);
    const invalid = rows[2] as { reason: string };
    expect(invalid.reason).toBe('column 积分: "N/A" is not a valid number for traits.points');
    expect((rows[3] as { reason: string }).reason).toBe(
      'no usable identifier: 会员编号, unionid, 手机号, 邮箱 are empty',
    );
  });

  it('maps English headers in any case, with a BOM, the same way', async () => {
    const english = [
      'Member_No,Name,Mobile,Email,Gender,Points,User_ID',
      'M0001,Ann Lee,+86 138 0013 8000,ann@example.com,F,88,u-42',
    ].join('\n');
    const [row] = await importFile(m, `\ufeff${english}\n`);
    expect(row).toMatchObject({
      ok: true,
      message: {
        userId: 'u-42',
        traits: {
          name: 'Ann Lee',
          phone: '+86 138 0013 8000',
          email: 'ann@example.com',
          gender: 'female',
          points: 88,
        },
        context: { externalIds: [{ type: 'member_no', id: 'M0001' }] },
      },
    });
  });

  it('gives an unchanged row the same messageId on re-import, and a changed row a new one', async () => {
    const a = messages(await importFile(m, gbkEncoder()(chinese), 'a.csv'));
    const b = messages(await importFile(m, chinese, 'b.csv'));
    expect(b.map((x) => x.messageId)).toEqual(a.map((x) => x.messageId));
    const changed = messages(await importFile(m, chinese.replace('深圳市', '广州市')));
    expect(changed[0]!.messageId).not.toBe(a[0]!.messageId);
    expect(changed[1]!.messageId).toBe(a[1]!.messageId);
  });
});

describe('orders', () => {
  let m: Mapping;
  beforeAll(async () => {
    m = await preset('orders');
  });

  const english = [
    'order_id,order_time,status,total,currency,member_no,phone,email,user_id,channel,store_code,item_count,skus,categories,product_names,cashier',
    'SO-1001,2024-03-01 10:15:02,Completed,"¥1,299.00",,M0001,13800138000,,u-42,pos,SH01,2,A1|B2,skincare|makeup,"Face cream, 50ml|Lipstick",Wang',
    'SO-1002,2024-03-02 11:00:00,refunded,８８.５,USD,,,buyer@example.com,,web,,1,C3,,,',
    'SO-1003,2024-03-03 09:00:00,lost in transit,10,,M0003,,,,pos,,1,,,,',
    'SO-1004,2024-03-04 09:00:00,,10,,M0004,,,,pos,,1,,,,',
    ',2024-03-05 09:00:00,completed,10,,M0005,,,,pos,,1,,,,',
    'SO-1006,2024-03-06 09:00:00,completed,10,,,,,,pos,,1,,,,',
  ].join('\n');

  it('maps an order export to Segment order events', async () => {
    const rows = await importFile(m, english);
    expect(rows.map((r) => (r.ok ? `${r.line}:${r.message.event}` : `${r.line}:${r.code}`))).toEqual([
      '2:Order Completed',
      '3:Order Refunded',
      '4:unmapped_value',
      '5:Order Completed',
      '6:missing_field',
      '7:no_identifier',
    ]);
    const [first, second] = messages(rows);
    expect(first).toEqual({
      type: 'track',
      event: 'Order Completed',
      messageId: expect.stringMatching(/^ord_[0-9a-f]{32}$/),
      userId: 'u-42',
      timestamp: '2024-03-01 10:15:02',
      traits: { phone: '13800138000' },
      properties: {
        order_id: 'SO-1001',
        status: 'Completed',
        revenue: 1299,
        total: 1299,
        currency: 'CNY',
        channel: 'pos',
        store_code: 'SH01',
        item_count: 2,
        skus: ['A1', 'B2'],
        categories: ['skincare', 'makeup'],
        product_names: ['Face cream, 50ml', 'Lipstick'],
      },
      context: {
        externalIds: [{ type: 'member_no', id: 'M0001' }],
        source: { kind: 'import', mapping: 'orders', file: 'export.csv', line: 2 },
      },
    });
    expect(second!.properties).toMatchObject({ revenue: 88.5, total: 88.5, currency: 'USD', skus: ['C3'] });
    expect(second!.traits).toEqual({ email: 'buyer@example.com' });
    expect((rows[2] as { reason: string }).reason).toMatch(
      /^unknown value "lost in transit" in column status for event; expected one of: completed, /,
    );
    expect((rows[4] as { reason: string }).reason).toBe(
      'missing properties.order_id: none of the columns order_id, order_no, 订单号, 订单编号 has a value',
    );
  });

  it('reads Chinese headers', async () => {
    const chinese = [
      '订单号,下单时间,订单状态,实付金额,订单金额,手机号,门店编号,商品数量,品类',
      'D1,2024/3/1 10:00,已完成,"1,000",1200,13800138000,SZ01,3,护肤|彩妆',
    ].join('\n');
    const [row] = await importFile(m, chinese);
    expect(row).toMatchObject({
      ok: true,
      message: {
        event: 'Order Completed',
        timestamp: '2024/3/1 10:00',
        traits: { phone: '13800138000' },
        properties: {
          order_id: 'D1',
          revenue: 1000,
          total: 1200,
          store_code: 'SZ01',
          item_count: 3,
          categories: ['护肤', '彩妆'],
        },
      },
    });
  });
});

describe('tmall-orders', () => {
  let m: Mapping;
  beforeAll(async () => {
    m = await preset('tmall-orders');
  });

  const header =
    '订单编号,买家会员名,买家支付宝账号,买家应付货款,买家应付邮费,买家支付积分,总金额,返点积分,买家实际支付金额,买家实际支付积分,订单状态,买家留言,收货人姓名,收货地址 ,运送方式,联系电话 ,联系手机,订单创建时间,订单付款时间 ,宝贝标题 ,宝贝种类 ,物流单号 ,物流公司,订单备注,宝贝总数量,店铺Id,店铺名称,订单关闭原因';
  const rows = [
    '="2451234567890123456",tb_lily88,ali***@163.com,128.00,0.00,0,128.00,0,128.00,0,交易成功,,李丽,"上海 上海市 浦东新区 张江路88号(201203)",快递,,\t13812345678,2024-03-01 10:15:02,2024-03-01 10:15:30,玫瑰精华面霜 50ml,1,="SF1234567890",顺丰速运,,1,="123456",某某旗舰店,',
    '="2451234567890123457",tb_wang,,59.90,10.00,0,69.90,0,69.90,0,"卖家已发货，等待买家确认","请尽快发货，谢谢\n周末不在家, 放驿站",王先生,北京 北京市 朝阳区 建国路1号,快递,,138****5678,2024-03-02 08:00:00,2024-03-02 08:01:00,"保湿乳, 100ml",1,="YT998877",圆通速递,VIP,2,="123456",某某旗舰店,',
    '="2451234567890123458",tb_lily88,,99.00,0.00,0,99.00,0,0.00,0,交易关闭,,李丽,,快递,,13812345678,2024-03-03 12:00:00,,洁面乳,1,,,,1,="123456",某某旗舰店,买家不想买了',
    '="2451234567890123459",tb_new,,30.00,0.00,0,30.00,0,0.00,0,等待买家付款,,,,快递,,,2024-03-04 12:00:00,,洁面乳,1,,,,1,="123456",某某旗舰店,',
    '="2451234567890123460",tb_chen,,30.00,0.00,0,30.00,0,30.00,0,"交易关闭(付款以后用户退款成功，交易自动关闭)",,陈,,快递,,,2024-03-05 12:00:00,2024-03-05 12:01:00,洁面乳,1,,,,1,="123456",某某旗舰店,退款',
    '="2451234567890123461",tb_broken,"unterminated,30.00',
    '="2451234567890123462",tb_odd,,30.00,0.00,0,30.00,0,30.00,0,部分退款处理中,,,,快递,,,2024-03-06 12:00:00,,洁面乳,1,,,,1,="123456",某某旗舰店,',
    '="2451234567890123463",t**3,,30.00,0.00,0,30.00,0,30.00,0,交易成功,,,,快递,,137****0000,2024-03-07 12:00:00,2024-03-07 12:00:05,洁面乳,1,,,,1,="123456",某某旗舰店,',
  ];
  const file = [header, ...rows].join('\r\n') + '\r\n';

  it('maps the seller order report, GBK encoded', async () => {
    const result = await importFile(m, gbkEncoder()(file), 'ExportOrderList.csv');
    expect(result.map((r) => (r.ok ? `${r.line}:${r.message.event}` : `${r.line}:${r.code}`))).toEqual([
      '2:Order Completed',
      '3:Order Completed',
      '5:Order Cancelled',
      '6:Checkout Started',
      '7:Order Cancelled',
      '8:csv_syntax',
      '9:unmapped_value',
      '10:no_identifier',
    ]);
    const [paid, shipped, closed, unpaid] = messages(result);
    expect(paid).toEqual({
      type: 'track',
      event: 'Order Completed',
      messageId: expect.stringMatching(/^ord_[0-9a-f]{32}$/),
      timestamp: '2024-03-01 10:15:30',
      traits: { name: '李丽', address: '上海 上海市 浦东新区 张江路88号(201203)', phone: '13812345678' },
      properties: {
        order_id: '2451234567890123456',
        status: '交易成功',
        created_at: '2024-03-01 10:15:02',
        paid_at: '2024-03-01 10:15:30',
        revenue: 128,
        total: 128,
        subtotal: 128,
        shipping: 0,
        currency: 'CNY',
        channel: 'tmall',
        shipping_method: '快递',
        shipping_company: '顺丰速运',
        tracking_number: 'SF1234567890',
        product_title: '玫瑰精华面霜 50ml',
        item_kinds: 1,
        item_count: 1,
        store_id: '123456',
        store_name: '某某旗舰店',
      },
      context: {
        externalIds: [{ type: 'taobao_id', id: 'tb_lily88' }],
        source: { kind: 'import', mapping: 'tmall-orders', file: 'ExportOrderList.csv', line: 2 },
      },
    });
    expect(shipped!.traits).toEqual({
      name: '王先生',
      address: '北京 北京市 朝阳区 建国路1号',
      phone_masked: '138****5678',
    });
    expect(shipped!.properties).toMatchObject({
      buyer_message: '请尽快发货，谢谢\n周末不在家, 放驿站',
      revenue: 69.9,
      shipping: 10,
    });
    expect(closed!.properties).toMatchObject({ close_reason: '买家不想买了', revenue: 0 });
    // No payment time: the creation time is the event time.
    expect(unpaid!.timestamp).toBe('2024-03-04 12:00:00');
    expect(result[6]).toMatchObject({
      reason: expect.stringMatching(
        /^unknown value "部分退款处理中" in column 订单状态 for event; expected one of: 交易成功, /,
      ),
    });
    expect(result[7]).toMatchObject({
      reason: 'no usable identifier: 买家会员名, 联系手机 are empty or masked',
    });
  });

  it('derives order ids from order number and event only', async () => {
    const once = messages(await importFile(m, file));
    const again = messages(await importFile(m, gbkEncoder()(file), 'again.csv'));
    expect(again.map((x) => x.messageId)).toEqual(once.map((x) => x.messageId));
    expect(new Set(once.map((x) => x.messageId)).size).toBe(once.length);
  });
});

describe('events', () => {
  it('keeps each JSONL message, adding a messageId only where missing', async () => {
    const m = await preset('events');
    const lines = [
      '{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m-1","properties":{"sku":"A1"},"context":{"ip":"1.2.3.4"}}',
      '{"type":"identify","anonymousId":"a1","traits":{"email":"x@example.com"}}',
      '',
      '{"type":"page","name":"Home"',
      '{"event":"no type"}',
    ].join('\n');
    const rows = await importFile(m, lines, 'events.jsonl');
    expect(rows.map((r) => (r.ok ? `${r.line}:ok` : `${r.line}:${r.code}`))).toEqual([
      '1:ok',
      '2:ok',
      '4:invalid_json',
      '5:invalid_message',
    ]);
    const [kept, derived] = messages(rows);
    expect(kept).toEqual({
      type: 'track',
      event: 'Product Viewed',
      userId: 'u1',
      messageId: 'm-1',
      properties: { sku: 'A1' },
      context: {
        ip: '1.2.3.4',
        source: { kind: 'import', mapping: 'events', file: 'events.jsonl', line: 1 },
      },
    });
    expect(derived!.messageId).toMatch(/^evt_[0-9a-f]{32}$/);
    const reordered = '{"traits":{"email":"x@example.com"},"anonymousId":"a1","type":"identify"}';
    const [again] = messages(await importFile(m, reordered, 'other.jsonl'));
    expect(again!.messageId).toBe(derived!.messageId);
  });
});
