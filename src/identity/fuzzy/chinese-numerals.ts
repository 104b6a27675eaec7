const DIGIT: Readonly<Record<string, number>> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const UNIT: Readonly<Record<string, number>> = { 十: 10, 百: 100, 千: 1000 };

/** Characters that can make up a number written in Chinese (`三十二`, `一二零一`). */
export const CHINESE_NUMERAL_CHARS = '零〇一二两三四五六七八九十百千';

/**
 * A number written with ASCII digits or Chinese numerals, as a canonical decimal string without
 * leading zeros: `0501` → `501`, `四` → `4`, `二十三` → `23`, `一二零一` → `1201` (room numbers are
 * often read out digit by digit). `undefined` when `s` is not a number.
 */
export function toArabic(s: string): string | undefined {
  if (/^\d+$/u.test(s)) return s.replace(/^0+(?=\d)/u, '');
  if (s.length === 0) return undefined;
  let positional = false;
  for (const ch of s) {
    if (UNIT[ch] !== undefined) positional = true;
    else if (DIGIT[ch] === undefined) return undefined;
  }
  if (!positional) {
    let out = '';
    for (const ch of s) out += String(DIGIT[ch]);
    return out.replace(/^0+(?=\d)/u, '');
  }
  // 二十三, 十二 (an implicit one before 十), 一百零五.
  let total = 0;
  let pending = -1;
  for (const ch of s) {
    const d = DIGIT[ch];
    if (d !== undefined) {
      pending = d;
      continue;
    }
    const u = UNIT[ch] ?? 1;
    total += (pending < 0 ? 1 : pending) * u;
    pending = -1;
  }
  if (pending > 0) total += pending;
  return String(total);
}
