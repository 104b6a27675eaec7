import { pinyin } from 'pinyin-pro';

/**
 * Toneless pinyin of single characters, for homophone matching of Chinese names (a clerk types
 * 李婧 for 李静, both `li jing`). Readings come from pinyin-pro's dictionary and are cached per
 * character, so a name costs a few map look-ups once it has been seen.
 */

const HAN = /\p{Script=Han}/u;

const readingsCache = new Map<string, readonly string[]>();
const defaultCache = new Map<string, string>();

/** Whether `ch` is a Chinese character. */
export function isHan(ch: string): boolean {
  return HAN.test(ch);
}

/** Whether `s` contains a Chinese character. */
export function hasHan(s: string): boolean {
  return HAN.test(s);
}

/**
 * Every toneless reading of one character (`茜` → `qian`, `xi`), `ü` written `v`. A character
 * that is not Chinese reads as itself.
 */
export function readingsOf(ch: string): readonly string[] {
  const hit = readingsCache.get(ch);
  if (hit !== undefined) return hit;
  let out: readonly string[];
  if (!isHan(ch)) out = [ch];
  else {
    const all = pinyin(ch, { toneType: 'none', multiple: true, type: 'array', v: true });
    out = all.length === 0 ? [ch] : [...new Set(all)];
  }
  readingsCache.set(ch, out);
  return out;
}

/** The most common toneless reading of one character (`茜` → `qian`). */
export function defaultReading(ch: string): string {
  const hit = defaultCache.get(ch);
  if (hit !== undefined) return hit;
  const out = isHan(ch) ? pinyin(ch, { toneType: 'none', v: true }) || ch : ch;
  defaultCache.set(ch, out);
  return out;
}

/**
 * A reading with the distinctions that southern speakers (and their typists) often do not make
 * folded together: zh/z, ch/c, sh/s, -eng/-en, -ing/-in, and huang/wang (黄 and 王 are both
 * "Wong" in Cantonese). 陈/程, 林/凌, 周/邹 and 黄/王 then share a key.
 */
export function fuzzyReading(reading: string): string {
  if (reading === 'huang') return 'wang';
  return reading
    .replace(/^([zcs])h/u, '$1')
    .replace(/eng$/u, 'en')
    .replace(/ing$/u, 'in');
}
