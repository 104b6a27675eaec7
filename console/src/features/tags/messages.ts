/**
 * The tags pages' UI strings, zh-CN first; `en` must have the same keys. Keys start with
 * `tags.` so they cannot collide with another feature's.
 */
export const zhCN = {};

export const en: Record<keyof typeof zhCN, string> = {};
