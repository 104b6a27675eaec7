import type { LocalName } from '../../api-types';
import type { Lang } from '../../i18n';
import type { TagInfo } from './api';

/**
 * The built-in tag templates (src/tags/templates.ts): every workspace has them installed as
 * version 1 and tunes them like any tag (a PUT is a new version). Their keys are DESIGN.md's
 * fixed contract; the families here only group them for the Templates tab.
 */
export const TEMPLATE_FAMILIES = [
  { family: 'lifecycle', keys: ['lifecycle_stage'] },
  { family: 'rfm', keys: ['rfm_r', 'rfm_f', 'rfm_m', 'rfm_class'] },
  { family: 'value', keys: ['spend_top10', 'aov_band', 'repurchase_count'] },
  {
    family: 'interest',
    keys: [
      'top_viewed_categories_30d',
      'top_bought_categories_30d',
      'categories_viewed_3x_30d',
      'preferred_channel',
    ],
  },
  { family: 'activity', keys: ['active_time'] },
] as const;

export type TemplateFamily = (typeof TEMPLATE_FAMILIES)[number]['family'] | 'other';

const TEMPLATE_KEYS = new Map<string, TemplateFamily>(
  TEMPLATE_FAMILIES.flatMap((f) => f.keys.map((k) => [k, f.family] as const)),
);

/** The owner the server gives its built-in definitions. */
const BUILTIN_OWNER = 'tessera';

/** The template family of a tag, or null for a tag somebody made. */
export function templateFamily(tag: TagInfo): TemplateFamily | null {
  const f = TEMPLATE_KEYS.get(tag.key);
  if (f) return f;
  return tag.definition.owner === BUILTIN_OWNER ? 'other' : null;
}

export const nameIn = (name: LocalName | undefined, lang: Lang): string | undefined =>
  typeof name === 'string' ? name : name ? (name[lang] ?? name['zh-CN'] ?? name.en) : undefined;

export const tagName = (tag: TagInfo, lang: Lang): string => nameIn(tag.definition.name, lang) ?? tag.key;

/** What the catalogue shows as a tag's kind: template, rule, bucket, range, computed, model, manual. */
export const kindOf = (tag: TagInfo): string => (templateFamily(tag) ? 'template' : tag.definition.spec.kind);
