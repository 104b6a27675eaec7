import { HARD_CASE_TAGS, type HardCaseTag } from './types.js';

/** Hard-case tags as bits, so a record's tags are one number while generating. */
export type TagBits = number;

export const TAG = Object.fromEntries(HARD_CASE_TAGS.map((t, i) => [t, 1 << i])) as Record<
  HardCaseTag,
  number
>;

/** Tags whose records are kept valid so the cross-person case stays checkable. */
export const CROSS_PERSON_TAGS: TagBits = TAG.shared_device | TAG.recycled_phone | TAG.second_phone;

const cache = new Map<TagBits, string>();

/** `shared_device|late` — in the order of `HARD_CASE_TAGS`. */
export function formatTags(bits: TagBits): string {
  if (bits === 0) return '';
  let s = cache.get(bits);
  if (s === undefined) {
    s = HARD_CASE_TAGS.filter((_, i) => (bits & (1 << i)) !== 0).join('|');
    cache.set(bits, s);
  }
  return s;
}
