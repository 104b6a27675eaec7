import { createHash } from 'node:crypto';
import { normaliseEmail, normalisePhone, toHalfWidth } from '../collect/index.js';
import { assertNever } from '../platform/errors.js';

/**
 * Hashed identifiers for customer-file audience uploads to Tencent Ads (腾讯广告 客户文件人群,
 * https://developers.e.qq.com/docs/audience_management/file) and Ocean Engine (巨量引擎 DMP 人群包).
 * A hash only matches when both sides hashed the same bytes, so each type is brought to the one
 * form the platforms document before hashing; a value that cannot be put in that form is dropped
 * rather than uploaded as a hash that matches nobody.
 */
export type AudienceIdType = 'phone' | 'email' | 'idfa' | 'oaid';
export type HashAlgorithm = 'md5' | 'sha256';

/**
 * Tencent's HASH_MOBILE_PHONE is the MD5 of "11位的纯数字串" and its conversion API gives
 * md5(13500000000): the mainland national number, without +86. Both platforms match mainland
 * mobiles only, so any other number (foreign, or a CN landline) has no audience form. Mainland
 * mobiles are the 11-digit national numbers starting with 1; landline area codes never start with 1
 * except Beijing's 10, whose numbers are 10 digits.
 */
const CN_MOBILE_E164 = /^\+86(1\d{10})$/;

/** Apple's IDFA is a UUID; Tencent hashes it upper-cased with its hyphens (see the vector in the test). */
const IDFA = /^([0-9A-F]{8})-?([0-9A-F]{4})-?([0-9A-F]{4})-?([0-9A-F]{4})-?([0-9A-F]{12})$/;

/**
 * MSA OAIDs differ by vendor: UUID-shaped (Huawei), 16 hex digits (Xiaomi), 64 hex digits (vivo,
 * OPPO). Tencent hashes the raw value, hyphens kept, so the shape is accepted as it is and only
 * lower-cased, the case every vendor SDK returns.
 */
const OAID = /^[0-9a-f]+(?:-[0-9a-f]+)*$/;
const OAID_MIN_HEX_DIGITS = 16;
const OAID_MAX_HEX_DIGITS = 64;

/** iOS with Limit Ad Tracking and Android with ad personalisation off report an all-zero id. */
const ALL_ZERO = /^[0-]*$/;

/** The value as the platforms expect it before hashing, or null when it is not a valid one of its type. */
export function normaliseForAudience(type: AudienceIdType, raw: string): string | null {
  switch (type) {
    case 'phone':
      return audiencePhone(raw);
    case 'email': {
      // The Chinese platforms take no e-mail; this is the collection pipeline's form (trimmed,
      // lower-cased), which is also what Google, TikTok and X ask for before SHA-256.
      const email = normaliseEmail(raw);
      return email.ok ? email.value : null;
    }
    case 'idfa':
      return audienceIdfa(raw);
    case 'oaid':
      return audienceOaid(raw);
    default:
      return assertNever(type);
  }
}

/** The lowercase hex digest of the value's audience form, or null when it has none. */
export function hashIdentifier(type: AudienceIdType, raw: string, algorithm: HashAlgorithm): string | null {
  const normalised = normaliseForAudience(type, raw);
  return normalised === null ? null : digest(algorithm, normalised);
}

function digest(algorithm: HashAlgorithm, value: string): string {
  switch (algorithm) {
    case 'md5':
    case 'sha256':
      return createHash(algorithm).update(value, 'utf8').digest('hex');
    default:
      return assertNever(algorithm);
  }
}

function audiencePhone(raw: string): string | null {
  // Through the collection normaliser, so an upload hashes exactly the numbers profiles hold.
  // Its output is E.164 and it reads 11 bare digits as +86, so this form normalises to itself.
  const phone = normalisePhone(raw, { defaultRegion: 'CN' });
  if (!phone.ok) return null;
  return CN_MOBILE_E164.exec(phone.value)?.[1] ?? null;
}

function audienceIdfa(raw: string): string | null {
  const m = IDFA.exec(toHalfWidth(raw).trim().toUpperCase());
  if (m === null) return null;
  const idfa = m.slice(1).join('-');
  return ALL_ZERO.test(idfa) ? null : idfa;
}

function audienceOaid(raw: string): string | null {
  const oaid = toHalfWidth(raw).trim().toLowerCase();
  if (!OAID.test(oaid) || ALL_ZERO.test(oaid)) return null;
  const hexDigits = oaid.replaceAll('-', '').length;
  return hexDigits >= OAID_MIN_HEX_DIGITS && hexDigits <= OAID_MAX_HEX_DIGITS ? oaid : null;
}
