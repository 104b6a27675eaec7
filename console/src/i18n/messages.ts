import type { zhCN } from './zh-CN';

/** A key of the UI dictionary; both languages have every key. */
export type MessageKey = keyof typeof zhCN;
export type Messages = Record<MessageKey, string>;
