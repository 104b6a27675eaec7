import fc from 'fast-check';
import { expect, it } from 'vitest';
import { normaliseName } from './normalise-name.js';

it.each([
  ['张三', '张三'],
  ['张 三', '张三'],
  [' 欧阳　 娜娜 ', '欧阳娜娜'],
  ['张三 John', '张三 John'],
  ['Ｊｏｈｎ   Ｓｍｉｔｈ', 'John Smith'],
  ['山田 太郎', '山田太郎'],
  ['김 민수', '김민수'],
  ['阿卜杜勒·买买提', '阿卜杜勒·买买提'],
  ["Seán O'Brien", "Seán O'Brien"],
])('%j → %j', (input, output) => {
  expect(normaliseName(input)).toEqual({ ok: true, value: output });
});

it.each([[''], ['   '], ['\u3000'], ['123'], ['-'], ['???'], [null], [42], [['张三']]])(
  'rejects %j',
  (input) => {
    expect(normaliseName(input)).toMatchObject({ ok: false, code: 'invalid_name' });
  },
);

it('never leaves a space between two Han characters, and is idempotent', () => {
  const hanOrSpace = fc.string({ unit: fc.constantFrom('张', '三', '李', ' ', '\u3000', 'a', 'B') });
  fc.assert(
    fc.property(hanOrSpace, (s) => {
      const result = normaliseName(s);
      if (!result.ok) return;
      expect(result.value).not.toMatch(/\p{Script=Han} \p{Script=Han}/u);
      expect(normaliseName(result.value)).toEqual(result);
    }),
  );
});
