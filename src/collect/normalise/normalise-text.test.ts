import fc from 'fast-check';
import { expect, it } from 'vitest';
import { normaliseText } from './normalise-text.js';

it.each([
  ['  hello  ', 'hello'],
  ['a \t\n b', 'a b'],
  ['Ｊｏｈｎ　　Ｓｍｉｔｈ', 'John Smith'],
  ['\u00a0x\u3000', 'x'],
  ['e\u0301', 'é'], // decomposed é becomes the precomposed character (NFC)
  ['①㎏', '①㎏'], // compatibility characters are kept (NFC, not NFKC)
  ['上海市 浦东新区', '上海市 浦东新区'],
  ['', ''],
])('%j → %j', (input, output) => {
  expect(normaliseText(input)).toBe(output);
});

it('is idempotent and leaves no outer, doubled or full-width space', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => {
      const text = normaliseText(s);
      expect(normaliseText(text)).toBe(text);
      expect(text).toBe(text.trim());
      expect(text).not.toMatch(/\s\s|[\t\n\u3000\uFF01-\uFF5E]/);
      expect(text).toBe(text.normalize('NFC'));
    }),
  );
});
