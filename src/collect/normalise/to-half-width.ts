/**
 * Chinese and Japanese input methods type "full-width" letters, digits and punctuation
 * (１３８, ＠, Ａ). Unicode's Halfwidth and Fullwidth Forms block places U+FF01–U+FF5E at exactly
 * U+0021–U+007E plus 0xFEE0, and the ideographic space U+3000 is their full-width space.
 * Everything else, CJK ideographs included, is left as it is.
 */
const FULL_WIDTH_ASCII = /[\uFF01-\uFF5E\u3000]/g;
const HAS_FULL_WIDTH_ASCII = /[\uFF01-\uFF5E\u3000]/;
const FULL_WIDTH_SHIFT = 0xfee0;

export function toHalfWidth(s: string): string {
  // Most input has nothing to convert, and test() costs a fraction of a replace() with a callback.
  if (!HAS_FULL_WIDTH_ASCII.test(s)) return s;
  return s.replace(FULL_WIDTH_ASCII, (c) =>
    c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - FULL_WIDTH_SHIFT),
  );
}
