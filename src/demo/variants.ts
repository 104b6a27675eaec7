import { HOMOPHONE_GROUPS } from './data/names.js';
import { shortProvince } from './data/places.js';
import type { Address } from './person.js';
import type { Rng } from './prng.js';

/**
 * The ways people and systems write the same thing differently: misspelt names, phone formats,
 * full-width characters, address styles, masked numbers. Each function returns a string that a
 * careful normaliser could map back (or, for real typos, could not).
 */

const HOMOPHONE_OF = new Map<string, string>();
for (const group of HOMOPHONE_GROUPS) for (const ch of group) HOMOPHONE_OF.set(ch, group);

/** A misspelling or variant of a name; never returns the name unchanged. */
export function misspellName(rng: Rng, name: string, english: boolean, gender: '女' | '男'): string {
  if (english) return misspellEnglish(rng, name);
  const chars = Array.from(name);
  const r = rng.float();
  if (r < 0.55) {
    // Homophone: 李静 → 李婧 (prefer the given name).
    const positions = chars.map((c, i) => (HOMOPHONE_OF.has(c) ? i : -1)).filter((i) => i >= 0);
    if (positions.length > 0) {
      const i = positions[positions.length - 1 - rng.int(Math.min(2, positions.length))] ?? 0;
      const ch = chars[i] ?? '';
      const group = Array.from(HOMOPHONE_OF.get(ch) ?? ch).filter((c) => c !== ch);
      if (group.length > 0) {
        chars[i] = rng.pick(group);
        return chars.join('');
      }
    }
  }
  if (r < 0.75) return `${chars[0] ?? ''} ${chars.slice(1).join('')}`;
  if (r < 0.9) return name + (gender === '女' ? rng.pick(['女士', '小姐']) : '先生');
  return ` ${name}  `;
}

function misspellEnglish(rng: Rng, name: string): string {
  const parts = name.split(' ');
  const r = rng.float();
  if (r < 0.25) return name.toLowerCase();
  if (r < 0.45) return name.toUpperCase();
  if (r < 0.7) return [...parts].reverse().join(' ');
  // Drop one letter from the first name (Vivian → Vivan).
  const first = parts[0] ?? '';
  if (first.length > 3) {
    const i = 1 + rng.int(first.length - 2);
    return [first.slice(0, i) + first.slice(i + 1), ...parts.slice(1)].join(' ');
  }
  return `${name} `;
}

/** A different way of writing an 11-digit mobile number. */
export function reformatPhone(rng: Rng, n: string): string {
  const a = n.slice(0, 3);
  const b = n.slice(3, 7);
  const c = n.slice(7);
  switch (rng.int(7)) {
    case 0:
      return `+86 ${n}`;
    case 1:
      return `+86${n}`;
    case 2:
      return `${a}-${b}-${c}`;
    case 3:
      return `${a} ${b} ${c}`;
    case 4:
      return `86-${n}`;
    case 5:
      return `0086${n}`;
    default:
      return `(+86) ${a} ${b} ${c}`;
  }
}

/** A real typo: two adjacent digits of the subscriber part swapped, or one digit dropped. */
export function mistypePhone(rng: Rng, n: string): string {
  if (rng.chance(0.3)) {
    const i = 3 + rng.int(8);
    return n.slice(0, i) + n.slice(i + 1);
  }
  for (let attempt = 0; attempt < 8; attempt++) {
    const i = 3 + rng.int(7);
    if (n[i] !== n[i + 1]) return n.slice(0, i) + (n[i + 1] ?? '') + (n[i] ?? '') + n.slice(i + 2);
  }
  return n.slice(0, 10);
}

/** `138****1234`, as Tmall's report masks the buyer's mobile. */
export function maskPhone(n: string): string {
  return `${n.slice(0, 3)}****${n.slice(7)}`;
}

/** ASCII to full-width forms (U+FF01…U+FF5E), as a Chinese input method in full-width mode types. */
export function toFullwidth(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 0x21 && c <= 0x7e ? String.fromCharCode(c + 0xfee0) : c === 0x20 ? '\u3000' : s.charAt(i);
  }
  return out;
}

/** Only the ASCII digits to full-width (addresses, where letters are rare). */
export function digitsToFullwidth(s: string): string {
  return s.replace(/[0-9]/gu, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
}

/** The Taobao report's address: `浙江省 杭州市 西湖区 文三路123号…(310012)`. */
export function formatTmallAddress(a: Address): string {
  const province = a.city.province === a.city.city ? shortProvince(a.city.province) : a.city.province;
  return `${province} ${a.city.city} ${a.district} ${a.street}${a.detail}(${a.postcode})`;
}

const CN_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** The same address as a person might type it: no spaces, no postcode, other words for 幢/单元. */
export function reformatAddress(rng: Rng, a: Address): string {
  const province = a.city.province === a.city.city ? '' : shortProvince(a.city.province);
  let detail = a.detail;
  switch (rng.int(4)) {
    case 0:
      detail = detail.replace('幢', rng.pick(['栋', '号楼']));
      break;
    case 1:
      // 3幢2单元501室 → 3-2-501
      detail = detail.replace(/(\d+)幢(\d+)单元(\d+)室/u, '$1-$2-$3');
      break;
    case 2:
      detail = detail.replace(/(\d)单元/u, (_, d: string) => `${CN_DIGITS[Number(d)] ?? d}单元`);
      break;
    default:
      detail = detail.replace('室', '');
      break;
  }
  switch (rng.int(3)) {
    case 0:
      return `${province}${a.city.city}${a.district}${a.street}${detail}`;
    case 1:
      return `${a.city.city.replace(/市$/u, '')}${a.district} ${a.street} ${detail}`;
    default:
      return `${province} ${a.city.city} ${a.district} ${a.street}${detail} (${a.postcode})`;
  }
}
