import { localPart } from './email.js';
import { lastFour, prefixAndLastFour } from './phone.js';
import { prepareFeatures, type MatchFeatures, type PreparedFeatures } from './score.js';

/**
 * Blocking keys: only records that share a key are scored against each other, so the keys must
 * be shared by the variants one person's records show and rarely by two people.
 *
 * - `np:<name key>|<last 4 digits>`: the name key is the fuzzy pinyin of a Chinese name (so
 *   静/婧, 陈/程 agree) or the sorted tokens of a Latin one; the last four digits are visible in
 *   masked numbers too. Misses a phone typo in the last four digits, a Latin name with a
 *   dropped letter, and a Chinese typo that is no homophone.
 * - `na:<name key>|<city>`: for numbers that differ (second phone, typos in the last four).
 *   Misses records without a city (POS rows; CRM rows with the city left blank).
 * - `pa:<first 3><last 4 digits>`: the visible part of a masked mobile. Survives a transposition
 *   or a dropped digit among digits 4–7 and any name typo; misses a typo in the first three or last
 *   four digits.
 * - `e:<mailbox name>`: the same mailbox at any provider.
 *
 * Names shorter than two characters (a surname left alone by 陈小姐) make no key: they would put
 * every 陈 of a city in one block. Keys are deduplicated and sorted.
 */
export function blockingKeys(f: MatchFeatures | PreparedFeatures): string[] {
  const p = prepareFeatures(f);
  const keys = new Set<string>();
  const names = p.names.filter((n) => Array.from(n.normalised).length >= 2).map((n) => n.key);
  for (const phone of p.phones) {
    const last = lastFour(phone);
    if (last !== undefined) for (const n of names) keys.add(`np:${n}|${last}`);
    const pa = prefixAndLastFour(phone);
    if (pa !== undefined) keys.add(`pa:${pa}`);
  }
  for (const city of p.cities) for (const n of names) keys.add(`na:${n}|${city}`);
  for (const e of p.emails) keys.add(`e:${localPart(e)}`);
  return [...keys].sort();
}
