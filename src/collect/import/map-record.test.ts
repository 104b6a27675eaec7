import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMapping } from './load-mapping.js';
import { mapRecord, type MapResult } from './map-record.js';
import { parseMapping, type Mapping } from './mapping-schema.js';

function mapping(json: Record<string, unknown>): Mapping {
  const parsed = parseMapping({
    name: 'test',
    kind: 'profiles',
    format: 'jsonl',
    description: { en: 'test', 'zh-CN': '测试' },
    ...json,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return parsed.value;
}

async function preset(name: string): Promise<Mapping> {
  const loaded = await loadMapping(name);
  if (!loaded.ok) throw new Error(loaded.error.message);
  return loaded.value;
}

function idOf(result: MapResult): string {
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result.message.messageId;
}

// Cell text as a CSV reader hands it over: trimmed, non-empty, no mask.
const cell = fc.stringMatching(
  /^[A-Za-z0-9@.\u4e00-\u4e2f-]([A-Za-z0-9@. \u4e00-\u4e2f-]{0,10}[A-Za-z0-9@.\u4e00-\u4e2f-])?$/,
);
const PROFILE_COLUMNS = [
  'member_no',
  'name',
  'phone',
  'email',
  'city',
  'province',
  'birthday',
  'level',
  'store_code',
];
const profileRecord = fc.record(Object.fromEntries(PROFILE_COLUMNS.map((c) => [c, cell])), {
  requiredKeys: ['member_no'],
});

describe('messageId determinism (property-based)', () => {
  let members: Mapping;
  let tmall: Mapping;
  beforeAll(async () => {
    members = await preset('crm-members');
    tmall = await preset('tmall-orders');
  });

  it('the same record gives the same id, wherever it was read from', () => {
    fc.assert(
      fc.property(profileRecord, fc.nat(), fc.nat(), (record, line1, line2) => {
        const a = idOf(mapRecord(members, record, { line: line1, file: 'a.csv' }));
        const b = idOf(mapRecord(members, { ...record }, { line: line2 }));
        expect(a).toBe(b);
        expect(a).toMatch(/^prf_[0-9a-f]{32}$/);
      }),
    );
  });

  it('changing a mapped profile field gives a new id', () => {
    fc.assert(
      fc.property(profileRecord, fc.constantFrom(...PROFILE_COLUMNS), cell, (record, column, value) => {
        fc.pre(record[column] !== value);
        const before = idOf(mapRecord(members, record, { line: 1 }));
        const after = idOf(mapRecord(members, { ...record, [column]: value }, { line: 1 }));
        expect(after).not.toBe(before);
      }),
    );
  });

  it('an unmapped column does not change the id', () => {
    fc.assert(
      fc.property(profileRecord, cell, (record, note) => {
        expect(idOf(mapRecord(members, { ...record, 备注: note }, { line: 1 }))).toBe(
          idOf(mapRecord(members, record, { line: 1 })),
        );
      }),
    );
  });

  const STATUSES: Record<string, string> = {
    交易成功: 'Order Completed',
    '卖家已发货，等待买家确认': 'Order Completed',
    '买家已付款，等待卖家发货': 'Order Completed',
    交易关闭: 'Order Cancelled',
    '交易关闭(付款以后用户退款成功，交易自动关闭)': 'Order Cancelled',
    等待买家付款: 'Checkout Started',
  };
  const orderId = fc.stringMatching(/^[0-9]{1,19}$/);
  const tmallRow = fc.record({
    订单编号: orderId,
    订单状态: fc.constantFrom(...Object.keys(STATUSES)),
    买家会员名: cell,
    联系手机: cell,
    收货人姓名: cell,
    买家实际支付金额: fc.integer({ min: 0, max: 100_000 }).map((n) => (n / 100).toFixed(2)),
    订单创建时间: cell,
  });

  it('order ids depend on order number and event name only', () => {
    fc.assert(
      fc.property(tmallRow, tmallRow, (a, b) => {
        const idA = idOf(mapRecord(tmall, a, { line: 1 }));
        const idB = idOf(mapRecord(tmall, b, { line: 2 }));
        const sameOrder = a.订单编号 === b.订单编号 && STATUSES[a.订单状态] === STATUSES[b.订单状态];
        expect(idA === idB).toBe(sameOrder);
        // Everything else may change without changing the id.
        const edited = { ...b, 订单编号: a.订单编号, 订单状态: a.订单状态 };
        expect(idOf(mapRecord(tmall, edited, { line: 3 }))).toBe(idA);
      }),
    );
  });
});

describe('mapRecord rules', () => {
  it('applies types, splits, maps, defaults, nested targets and keeps unmapped columns when asked', () => {
    const m = mapping({
      kind: 'events',
      fields: {
        event: { from: 'action', map: { view: 'Product Viewed', buy: null }, unmapped: 'keep' },
        anonymousId: 'cookie',
        'context.device.id': 'idfa',
        'properties.tags': { from: 'tags', split: ';', map: { a: 'alpha' } },
        'properties.price.amount': { from: 'price', type: 'number' },
        'properties.price.currency': { default: 'CNY' },
        'properties.flags': { from: 'flags', type: 'json' },
        'properties.vip': { from: 'vip', type: 'boolean', onInvalid: 'drop' },
        'externalIds.wechat_openid': { from: 'openids', split: '|' },
      },
      keepUnmapped: 'properties',
    });
    const result = mapRecord(
      m,
      {
        action: 'view',
        cookie: 'anon-1',
        idfa: 'D-1',
        tags: 'a; b ;;',
        price: '¥1,299.50',
        flags: '{"x":true}',
        vip: 'perhaps',
        openids: 'o1|o2',
        referrer: 'https://example.com',
        blank: '',
      },
      { line: 7 },
    );
    expect(result).toEqual({
      ok: true,
      message: {
        type: 'track',
        event: 'Product Viewed',
        anonymousId: 'anon-1',
        messageId: expect.stringMatching(/^evt_/),
        properties: {
          tags: ['alpha', 'b'],
          price: { amount: 1299.5, currency: 'CNY' },
          flags: { x: true },
          referrer: 'https://example.com',
        },
        context: {
          device: { id: 'D-1' },
          externalIds: [
            { type: 'wechat_openid', id: 'o1' },
            { type: 'wechat_openid', id: 'o2' },
          ],
          source: { kind: 'import', mapping: 'test', line: 7 },
        },
      },
    });
    // A value mapped to null counts as absent: no event, so the row is rejected.
    expect(mapRecord(m, { action: 'buy', cookie: 'a' }, { line: 8 })).toMatchObject({
      ok: false,
      code: 'missing_field',
      field: 'event',
    });
  });

  it('turns JSON numbers into identifier strings and never reads inherited properties', () => {
    const m = mapping({
      fields: { 'traits.phone': 'phone', 'externalIds.member_no': ['constructor', 'member_no'] },
    });
    const result = mapRecord(m, { phone: 13800138000, member_no: 42 }, { line: 1 });
    expect(result).toMatchObject({
      ok: true,
      message: {
        traits: { phone: '13800138000' },
        context: { externalIds: [{ type: 'member_no', id: '42' }] },
      },
    });
  });

  it('folds case and full-width punctuation when looking up a value map', () => {
    const m = mapping({
      kind: 'orders',
      fields: {
        'properties.order_id': 'id',
        'traits.email': 'email',
        event: {
          from: 'status',
          map: { '卖家已发货，等待买家确认': 'Order Completed', Paid: 'Order Completed' },
          unmapped: 'reject',
        },
      },
    });
    for (const status of ['卖家已发货,等待买家确认', 'PAID', 'paid']) {
      expect(mapRecord(m, { id: '1', email: 'a@b.c', status }, { line: 1 })).toMatchObject({
        ok: true,
        message: { event: 'Order Completed' },
      });
    }
  });
});
