import { normaliseEmail, normalisePhone, toHalfWidth, type CountryCode } from '../collect/index.js';
import type { Config } from '../platform/config.js';
import type { Claim, TypeRule } from './graph.js';

/**
 * Identifier types and the blocklist, compiled from config. Priorities: an event's strongest
 * identifier anchors it, and a link that would break a limit is refused for the weaker one.
 */

export type Normaliser = 'phone' | 'email' | 'id' | 'lowercase';

export interface IdentifierType extends TypeRule {
  normalise: Normaliser;
  shareable: boolean;
  successive: boolean;
}

type TypeConfig = {
  successive?: boolean;
  priority: number;
  limit: number | null;
  normalise: Normaliser;
  shareable?: boolean;
};

/** The default identifier types (DESIGN.md, Identity). A profile is one person: one account. */
export const DEFAULT_TYPES: Readonly<Record<string, TypeConfig>> = {
  user_id: { priority: 100, limit: 1, normalise: 'id' },
  member_no: { priority: 95, limit: 1, normalise: 'id' },
  wechat_unionid: { priority: 90, limit: 1, normalise: 'id' },
  alipay_user_id: { priority: 85, limit: 1, normalise: 'id' },
  taobao_id: { priority: 80, limit: 2, normalise: 'id' },
  jd_pin: { priority: 80, limit: 2, normalise: 'id' },
  douyin_openid: { priority: 75, limit: 2, normalise: 'id' },
  phone: { successive: true, priority: 70, limit: 3, normalise: 'phone', shareable: true },
  email: { successive: true, priority: 60, limit: 3, normalise: 'email', shareable: true },
  wechat_openid: { priority: 50, limit: 5, normalise: 'id', shareable: true },
  idfa: { priority: 35, limit: null, normalise: 'lowercase', shareable: true },
  oaid: { priority: 35, limit: null, normalise: 'lowercase', shareable: true },
  android_id: { priority: 35, limit: null, normalise: 'lowercase', shareable: true },
  device_id: { priority: 30, limit: null, normalise: 'lowercase', shareable: true },
  anonymous_id: { priority: 10, limit: null, normalise: 'id', shareable: true },
};

/**
 * Values that say "no value" or are shared by everyone: they must never link two records. Exact
 * values are compared case-insensitively after normalisation.
 */
export const DEFAULT_BLOCKED_VALUES: readonly string[] = [
  'null',
  'undefined',
  'none',
  'nil',
  'nan',
  'n/a',
  'na',
  '-',
  '--',
  '0',
  '-1',
  'unknown',
  'anonymous',
  'anon',
  'guest',
  'default',
  'test',
  'true',
  'false',
  '{}',
  '[]',
  '(null)',
  '[object object]',
  'undefined undefined',
  '未知',
  '无',
  '匿名',
];

export const DEFAULT_BLOCKED_PATTERNS: readonly string[] = [
  // All zeros (IDFA/OAID when the user limits ad tracking: 00000000-0000-0000-0000-000000000000).
  '^[0-]+$',
  // One character repeated: 11111111, aaaaaaaa, ffffffff-ffff-….
  '^(.)\\1{5,}$',
  '^([0-9a-f])\\1{7}-\\1{4}-\\1{4}-\\1{4}-\\1{12}$',
  // Test and placeholder mobile numbers: 13800138000, 13800000000, 13888888888, 12345678901…
  '^\\+8613800138000$',
  '^\\+861[3-9]\\d(\\d)\\1{7}$',
  '^\\+86123456789\\d{2}$',
  '^\\+8613812345678$',
  '^\\+8618812345678$',
  // Placeholder e-mail addresses.
  '^(test|example|noreply|no-reply|null|none|unknown)@',
  '@(example\\.(com|org|net)|test\\.com|localhost)$',
];

export interface IdentityRules {
  types: readonly IdentifierType[];
  typeIndex: ReadonlyMap<string, number>;
  blockedValues: ReadonlySet<string>;
  blockedPatterns: readonly RegExp[];
  defaultRegion: CountryCode;
  fuzzy: { enabled: boolean; autoMerge: number; review: number };
}

export function compileRules(config: Pick<Config, 'identity' | 'governance'>): IdentityRules {
  const merged = new Map<string, TypeConfig>(Object.entries(DEFAULT_TYPES));
  for (const [name, t] of Object.entries(config.identity.types)) {
    if (!t.enabled) merged.delete(name);
    else
      merged.set(name, {
        priority: t.priority,
        limit: t.limit,
        normalise: t.normalise,
        shareable: t.shareable,
      });
  }
  const types: IdentifierType[] = [...merged.entries()]
    .map(([name, t]) => ({
      name,
      priority: t.priority,
      limit: t.limit === null ? Infinity : t.limit,
      normalise: t.normalise,
      shareable: t.shareable ?? false,
      successive: t.successive ?? false,
    }))
    .sort((a, b) => b.priority - a.priority || (a.name < b.name ? -1 : 1));
  const { blocklist } = config.identity;
  const values = [...(blocklist.defaults ? DEFAULT_BLOCKED_VALUES : []), ...blocklist.values];
  const patterns = [...(blocklist.defaults ? DEFAULT_BLOCKED_PATTERNS : []), ...blocklist.patterns];
  return {
    types,
    typeIndex: new Map(types.map((t, i) => [t.name, i])),
    blockedValues: new Set(values.map((v) => v.toLowerCase())),
    blockedPatterns: patterns.map((p) => new RegExp(p, 'iu')),
    defaultRegion: config.governance.defaultRegion as CountryCode,
    fuzzy: config.identity.fuzzy,
  };
}

export type ClaimOutcome =
  | { kind: 'ok'; claim: Claim }
  | { kind: 'unknown_type' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'blocked'; rule: string };

/** Normalises one raw identifier the way ingestion does, then checks the blocklist. */
export function normaliseClaim(rules: IdentityRules, type: string, raw: string): ClaimOutcome {
  const t = rules.typeIndex.get(type);
  if (t === undefined) return { kind: 'unknown_type' };
  const rule = rules.types[t]!;
  let value: string;
  switch (rule.normalise) {
    case 'phone': {
      const n = normalisePhone(raw, { defaultRegion: rules.defaultRegion });
      if (!n.ok) return { kind: 'invalid', reason: n.message };
      value = n.value;
      break;
    }
    case 'email': {
      const n = normaliseEmail(raw);
      if (!n.ok) return { kind: 'invalid', reason: n.message };
      value = n.value;
      break;
    }
    case 'id':
      value = toHalfWidth(raw).trim();
      break;
    case 'lowercase':
      value = toHalfWidth(raw).trim().toLowerCase();
      break;
    default: {
      const never: never = rule.normalise;
      throw new Error(`unknown normaliser ${String(never)}`);
    }
  }
  if (value === '') return { kind: 'invalid', reason: 'empty value' };
  if (rules.blockedValues.has(value.toLowerCase()))
    return { kind: 'blocked', rule: `value:${value.toLowerCase()}` };
  for (const p of rules.blockedPatterns)
    if (p.test(value)) return { kind: 'blocked', rule: `pattern:${p.source}` };
  return { kind: 'ok', claim: { type: t, value } };
}
