/**
 * The segments pages' UI strings, zh-CN first; `en` must have the same keys. Keys start with
 * `segments.` so they cannot collide with another feature's.
 */
export const zhCN = {};

export const en: Record<keyof typeof zhCN, string> = {};
