import * as journeys from '../features/journeys/messages';
import * as segments from '../features/segments/messages';
import * as settings from '../features/settings/messages';
import * as sources from '../features/sources/messages';
import * as tags from '../features/tags/messages';
import { en as baseEn } from './en';
import { zhCN as baseZhCN } from './zh-CN';

// The shell's strings live in zh-CN.ts / en.ts; each feature keeps its own beside its pages, so
// the dictionaries grow with the features without one file that everybody edits.
export const zhCN = {
  ...baseZhCN,
  ...sources.zhCN,
  ...tags.zhCN,
  ...segments.zhCN,
  ...journeys.zhCN,
  ...settings.zhCN,
};

/** A key of the UI dictionary; both languages have every key. */
export type MessageKey = keyof typeof zhCN;
export type Messages = Record<MessageKey, string>;

export const en: Messages = {
  ...baseEn,
  ...sources.en,
  ...tags.en,
  ...segments.en,
  ...journeys.en,
  ...settings.en,
};
