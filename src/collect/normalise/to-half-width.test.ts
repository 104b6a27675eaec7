import fc from 'fast-check';
import { expect, it } from 'vitest';
import { toHalfWidth } from './to-half-width.js';

/** The mapping character by character, as the Unicode block defines it. */
function reference(s: string): string {
  let out = '';
  for (const c of s) {
    const code = c.codePointAt(0)!;
    if (code === 0x3000) out += ' ';
    else if (code >= 0xff01 && code <= 0xff5e) out += String.fromCodePoint(code - 0xfee0);
    else out += c;
  }
  return out;
}

it.each([
  ['１３８１２３４５６７８', '13812345678'],
  ['ＡＢＣ＠ｑｑ．ｃｏｍ', 'ABC@qq.com'],
  ['＋８６（１３８）', '+86(138)'],
  ['张　三', '张 三'],
  ['～！', '~!'],
  ['张三，你好。', '张三,你好。'], // ， is U+FF0C; 。 is CJK punctuation, not full-width ASCII
  ['ｱｲｳ', 'ｱｲｳ'], // half-width katakana lie outside U+FF01–U+FF5E
  ['plain ascii', 'plain ascii'],
])('%s → %s', (input, output) => {
  expect(toHalfWidth(input)).toBe(output);
});

it('matches the character-by-character mapping on any text', () => {
  const fullWidthHeavy = fc.string({
    unit: fc.oneof(
      fc.integer({ min: 0xff00, max: 0xff65 }).map((c) => String.fromCharCode(c)),
      fc.constant('\u3000'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    ),
  });
  fc.assert(
    fc.property(fullWidthHeavy, (s) => {
      expect(toHalfWidth(s)).toBe(reference(s));
    }),
  );
});

it('is idempotent and leaves text without full-width ASCII unchanged', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => {
      const once = toHalfWidth(s);
      expect(toHalfWidth(once)).toBe(once);
      if (!/[\uFF01-\uFF5E\u3000]/.test(s)) expect(once).toBe(s);
    }),
  );
});
