import fc from 'fast-check';
import { expect, it } from 'vitest';
import { normaliseEmail } from './normalise-email.js';

it.each([
  ['john@example.com', 'john@example.com'],
  ['  John.Doe@Gmail.COM ', 'john.doe@gmail.com'],
  ['j.o.h.n+cdp@gmail.com', 'j.o.h.n+cdp@gmail.com'], // Gmail dots and tags are kept
  ['ＺＨＡＮＧ＠ｑｑ．ｃｏｍ', 'zhang@qq.com'],
  ['zhang@qq。com', 'zhang@qq.com'],
  ['a@mail.example.com.cn', 'a@mail.example.com.cn'],
  ["o'brien@example.ie", "o'brien@example.ie"],
  ['用户@例子.中国', '用户@例子.中国'],
])('%j → %j', (input, output) => {
  expect(normaliseEmail(input)).toEqual({ ok: true, value: output });
});

it.each([
  [''],
  ['john'],
  ['john@'],
  ['@example.com'],
  ['john@example'],
  ['john@example.c'],
  ['john@@example.com'],
  ['john@ex@ample.com'],
  ['john doe@example.com'],
  ['john@exa mple.com'],
  ['john@example..com'],
  ['john@.example.com'],
  ['John <john@example.com>'],
  ['john@example.com, mary@example.com'],
  ['john@example.com;'],
  [`${'a'.repeat(65)}@example.com`],
  [`a@${'b'.repeat(250)}.com`],
  [42],
  [null],
])('rejects %j', (input) => {
  expect(normaliseEmail(input)).toMatchObject({ ok: false, code: 'invalid_email' });
});

it('accepts generated RFC addresses, lower-cased, and is idempotent', () => {
  fc.assert(
    fc.property(fc.emailAddress(), (email) => {
      const result = normaliseEmail(email);
      expect(result).toEqual({ ok: true, value: email.toLowerCase() });
      expect(normaliseEmail(email.toUpperCase())).toEqual(result);
    }),
  );
});

it('rejects any address with whitespace inside it', () => {
  fc.assert(
    fc.property(
      fc.emailAddress(),
      fc.constantFrom(' ', '\t', '\u3000', '\u00a0'),
      fc.nat(),
      (email, space, at) => {
        const i = 1 + (at % (email.length - 1));
        expect(normaliseEmail(email.slice(0, i) + space + email.slice(i)).ok).toBe(false);
      },
    ),
  );
});
