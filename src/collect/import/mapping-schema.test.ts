import { describe, expect, it } from 'vitest';
import { formatPath, parseMapping } from './mapping-schema.js';

const base = {
  name: 'my-orders',
  kind: 'orders',
  format: 'csv',
  description: { en: 'Orders', 'zh-CN': '订单' },
  fields: { 'properties.order_id': 'id', event: { default: 'Order Completed' }, 'traits.phone': 'phone' },
};

function issues(input: unknown): string[] {
  const parsed = parseMapping(input);
  if (parsed.ok) throw new Error('expected the mapping to be refused');
  return parsed.error.map((i) => `${i.path}: ${i.message}`);
}

describe('parseMapping', () => {
  it('accepts a mapping, fills defaults and freezes it', () => {
    const parsed = parseMapping({ ...base, csv: { delimiter: ';' } });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.csv).toEqual({ delimiter: ';', encoding: 'auto', relaxColumnCount: false });
    expect(parsed.value.fields['properties.order_id']).toEqual({ from: ['id'] });
    expect(Object.isFrozen(parsed.value.fields)).toBe(true);
  });

  it('lists every structural error with its path', () => {
    expect(
      issues({
        ...base,
        kind: 'purchases',
        description: { en: 'Orders' },
        csv: { encoding: 'gbk' },
        fields: {
          'properties.order_id': { from: 'id', type: 'decimal', requried: true },
          'traits.phone': { from: [] },
          'traits.city': { from: ['city', ''] },
        },
      }),
    ).toEqual([
      'kind: Invalid option: expected one of "profiles"|"orders"|"events"',
      'description["zh-CN"]: Invalid input: expected string, received undefined',
      'csv.encoding: Invalid option: expected one of "auto"|"utf8"|"gb18030"',
      'fields["properties.order_id"].type: Invalid option: expected one of "string"|"number"|"integer"|"boolean"|"json"',
      'fields["properties.order_id"]: Unrecognized key: "requried"',
      'fields["traits.phone"].from: give at least one column',
      'fields["traits.city"].from[1]: column name must not be empty',
    ]);
  });

  it('lists every semantic error with its path', () => {
    expect(
      issues({
        ...base,
        kind: 'profiles',
        format: 'jsonl',
        csv: {},
        fields: {
          'properties.total': 'total',
          'trait.phone': 'phone',
          'traits.__proto__': 'x',
          'traits.city': { map: { a: 'b' }, unmapped: 'drop' },
        },
        naturalKey: ['externalIds.member_no'],
        keepUnmapped: 'properties',
      }),
    ).toEqual([
      'fields["traits.city"]: a rule needs "from" (columns) or "default" (a constant)',
      expect.stringMatching(/^fields\["trait.phone"\]: unknown target "trait.phone": expected userId, /),
      expect.stringMatching(/^fields\["traits.__proto__"\]: unknown target/),
      'csv: csv options need "format": "csv"',
      'fields["properties.total"]: profiles become identify messages, which have no event or properties; use traits.<name>',
      'keepUnmapped: profiles can keep unmapped columns only as "traits"',
      'fields: map at least one identifier (userId, traits.phone, traits.email, externalIds.<type>, context.device.id)',
      'naturalKey[0]: "externalIds.member_no" is not a target in "fields"',
    ]);
  });

  it('requires what each kind needs', () => {
    expect(issues({ ...base, fields: { 'traits.phone': 'phone' } })).toEqual([
      'fields: orders need a "properties.order_id" rule',
      'fields: orders need an "event" rule (e.g. a status map, or "default": "Order Completed")',
    ]);
    expect(issues({ ...base, kind: 'events', fields: { userId: 'uid' } })).toEqual([
      'fields: events from CSV need an "event" rule',
    ]);
    expect(issues({ ...base, name: 'My Orders!', extra: 1 })).toEqual([
      'name: lowercase letters, digits and dashes (it names the source)',
      '(root): Unrecognized key: "extra"',
    ]);
  });
});

describe('formatPath', () => {
  it('renders keys that are not identifiers in brackets', () => {
    expect(formatPath(['fields', 'traits.phone', 'from', 0])).toBe('fields["traits.phone"].from[0]');
    expect(formatPath([])).toBe('(root)');
  });
});
