import { describe, expect, it } from 'vitest';
import { INVALID, cleanCell, coerce, headerKey, parseBoolean, parseNumber, valueKey } from './values.js';

describe('cleanCell', () => {
  it.each([
    ['plain', 'plain'],
    ['  padded\t', 'padded'],
    ['="0123"', '0123'],
    ['="2451234567890123456"', '2451234567890123456'],
    ['\t13812345678', '13812345678'],
    ["'13812345678", '13812345678'],
    ["'t Hooft", "'t Hooft"],
    ['=SUM(A1)', '=SUM(A1)'],
    ['\u3000全角空格\u3000', '全角空格'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(cleanCell(input)).toBe(expected);
  });
});

describe('parseNumber', () => {
  it.each([
    ['1299', 1299],
    ['-12.5', -12.5],
    ['1,299', 1299],
    ['1,299.00', 1299],
    ['¥1,299.00', 1299],
    ['￥1,299.00', 1299],
    ['$5', 5],
    ['１２９９', 1299],
    ['１，２９９．５０', 1299.5],
    ['1299元', 1299],
    ['RMB 88.80', 88.8],
    ['(12.50)', -12.5],
    ['1e3', 1000],
    ['0.1', 0.1],
    ['1,234,567.891', 1234567.891],
  ])('%j → %d', (input, expected) => {
    expect(parseNumber(input)).toBe(expected);
  });

  it.each(['', '-', 'abc', '12,99', '1,2345', ',123', '1,', '1.2.3', 'NaN', 'Infinity', '¥'])(
    'refuses %j',
    (input) => {
      expect(parseNumber(input)).toBeUndefined();
    },
  );

  it('agrees with Number() on plain decimals', () => {
    for (const s of ['0.30000000000000004', '123456789012.345', '999999999999999', '0.000001', '-0.5']) {
      expect(parseNumber(s)).toBe(Number(s));
    }
  });
});

describe('parseBoolean and coerce', () => {
  it('reads the usual spellings', () => {
    expect(['true', 'YES', '1', '是', 'y'].map(parseBoolean)).toEqual([true, true, true, true, true]);
    expect(['false', 'No', '0', '否'].map(parseBoolean)).toEqual([false, false, false, false]);
    expect(parseBoolean('maybe')).toBeUndefined();
  });

  it('coerces by type and signals invalid values', () => {
    expect(coerce('¥1,299.00', 'number')).toBe(1299);
    expect(coerce('1,200', 'integer')).toBe(1200);
    expect(coerce('1.5', 'integer')).toBe(INVALID);
    expect(coerce(13800138000, 'string')).toBe('13800138000');
    expect(coerce({ a: 1 }, 'string')).toBe(INVALID);
    expect(coerce('{"a":1}', 'json')).toEqual({ a: 1 });
    expect(coerce('{a:1}', 'json')).toBe(INVALID);
    expect(coerce(0, 'boolean')).toBe(false);
    expect(coerce('x', undefined)).toBe('x');
  });
});

describe('comparison keys', () => {
  it('folds header spelling and full-width punctuation', () => {
    expect(headerKey('Order ID')).toBe(headerKey('order_id'));
    expect(headerKey('ｏｒｄｅｒ－ｉｄ')).toBe(headerKey('order_id'));
    expect(valueKey('卖家已发货，等待买家确认')).toBe(valueKey('卖家已发货,等待买家确认'));
  });
});
