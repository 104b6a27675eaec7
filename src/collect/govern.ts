import type { CountryCode } from 'libphonenumber-js';
import {
  normaliseBirthday,
  normaliseEmail,
  normaliseGender,
  normaliseName,
  normalisePhone,
  normaliseText,
  toHalfWidth,
  type Normalised,
} from './normalise/index.js';

/** The normalisation rules, from the `governance` config section. */
export interface GovernanceRules {
  defaultRegion: string;
  timeZone: string;
  invalidField: 'reject' | 'drop';
}

export interface FieldIssue {
  field: string;
  code: string;
  message: string;
}

type Obj = Record<string, unknown>;

/**
 * Normalises the person-describing fields of a traits object in place: phone to E.164, email
 * lower-cased, gender to male/female/unknown, birthday to YYYY-MM-DD, names and addresses to
 * half-width trimmed text. Returns the fields that could not be normalised.
 */
export function governTraits(traits: Obj, prefix: string, rules: GovernanceRules): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const apply = (key: string, result: Normalised<unknown>): void => {
    if (result.ok) traits[key] = result.value;
    else issues.push({ field: `${prefix}.${key}`, code: result.code, message: result.message });
  };
  for (const key of Object.keys(traits)) {
    const value = traits[key];
    if (value === null || value === undefined || value === '') continue;
    switch (key) {
      case 'phone':
      case 'mobile':
        apply(key, normalisePhone(value, { defaultRegion: rules.defaultRegion as CountryCode }));
        break;
      case 'email':
        apply(key, normaliseEmail(value));
        break;
      case 'gender':
        apply(key, normaliseGender(value));
        break;
      case 'birthday':
        apply(key, normaliseBirthday(value, { timeZone: rules.timeZone }));
        break;
      case 'name': {
        // Chinese names lose the spaces exports put between characters (张 三 → 张三).
        const name = normaliseName(value);
        if (name.ok) traits[key] = name.value;
        break;
      }
      case 'firstName':
      case 'lastName':
      case 'address':
      case 'city':
      case 'province':
      case 'state':
      case 'country':
        if (typeof value === 'string') traits[key] = normaliseText(value);
        else if (typeof value === 'object' && !Array.isArray(value))
          traits[key] = governAddress(value as Obj);
        break;
      default:
        break;
    }
  }
  return issues;
}

function governAddress(address: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(address)) out[k] = typeof v === 'string' ? normaliseText(v) : v;
  return out;
}

/** Identifier values in `context.externalIds` are trimmed and made half-width (ids are ASCII in practice). */
export function governExternalIds(externalIds: unknown[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  externalIds.forEach((entry, i) => {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      issues.push({
        field: `context.externalIds[${i}]`,
        code: 'invalid_type',
        message: `context.externalIds[${i}] must be an object with "type" and "id"`,
      });
      return;
    }
    const e = entry as Obj;
    const id = typeof e.id === 'number' ? String(e.id) : e.id;
    if (typeof e.type !== 'string' || e.type.trim() === '' || typeof id !== 'string' || id.trim() === '') {
      issues.push({
        field: `context.externalIds[${i}]`,
        code: 'invalid_external_id',
        message: `context.externalIds[${i}] needs a non-empty string "type" and "id"`,
      });
      return;
    }
    e.type = e.type.trim();
    e.id = toHalfWidth(id).trim();
  });
  return issues;
}
