import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toFullwidth } from '../../demo/variants.js';
import { compareEmails, normaliseEmail } from './email.js';

describe('normaliseEmail', () => {
  it.each([
    ['Vivian.Chen88@QQ.com', 'vivian.chen88@qq.com'],
    [' ｖｉｖｉａｎ＠ｑｑ．ｃｏｍ ', 'vivian@qq.com'],
    ['n/a', undefined],
    ['none', undefined],
    ['', undefined],
  ])('%j → %j', (raw, expected) => {
    expect(normaliseEmail(raw)).toBe(expected);
  });
});

describe('compareEmails', () => {
  it.each([
    ['vivian.chen88@qq.com', toFullwidth('Vivian.Chen88@qq.com'), 'exact'],
    ['vivian.chen88@qq.com', 'vivian.chen8@qq.com', 'typo'],
    ['vivian.chen88@qq.com', 'vivian.chen88@qq.cm', 'typo'],
    ['zhangwei_0812@163.com', 'zhangwei_0812@126.com', 'similar'],
    ['amy@163.com', 'amy@126.com', 'different'],
    ['vivian.chen88@qq.com', 'bella.wang@qq.com', 'different'],
    ['vivian.chen88@qq.com', 'n/a', 'different'],
  ])('%s / %s → %s', (a, b, kind) => {
    expect(compareEmails(a, b).kind).toBe(kind);
  });

  it('is symmetric, in [0, 1], and exact against itself', () => {
    const emailArb = fc.oneof(fc.emailAddress(), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(emailArb, emailArb, (a, b) => {
        const ab = compareEmails(a, b);
        expect(compareEmails(b, a)).toEqual(ab);
        expect(ab.score).toBeGreaterThanOrEqual(0);
        expect(ab.score).toBeLessThanOrEqual(1);
        if (normaliseEmail(a) !== undefined) expect(compareEmails(a, a).kind).toBe('exact');
      }),
    );
  });
});
