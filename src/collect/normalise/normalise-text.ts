import { toHalfWidth } from './to-half-width.js';

/**
 * Canonical form for free text that is compared or matched on: half-width ASCII, NFC, single
 * spaces, no leading or trailing whitespace. NFC rather than NFKC: NFKC would also rewrite
 * characters people mean literally (① → 1, ㎏ → kg, half-width katakana), so the one
 * compatibility mapping we want, full-width ASCII, is done explicitly by `toHalfWidth`.
 */
export function normaliseText(s: string): string {
  return toHalfWidth(s).normalize('NFC').replace(/\s+/g, ' ').trim();
}
