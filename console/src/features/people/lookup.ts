/**
 * Which identifier types to try for what a user typed into the people search. A lookup answers
 * per type (`GET /api/v1/profiles/lookup?type=&value=`), so the console guesses the plausible
 * types from the shape of the input, most likely first, and asks for all of them at once.
 */

export type SearchPlan = { kind: 'profile'; id: string } | { kind: 'lookup'; value: string; types: string[] };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE_CHARS = /^\+?[\d\s\-().]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** WeChat OpenIDs and UnionIDs are 28 characters of base64url, OpenIDs usually starting with `o`. */
const WECHAT_ID = /^o[\w-]{27}$/;

const GENERIC = [
  'user_id',
  'member_no',
  'wechat_unionid',
  'wechat_openid',
  'taobao_id',
  'anonymous_id',
  'device_id',
];

function guess(value: string): { types: string[]; generic: boolean } {
  if (EMAIL.test(value)) return { types: ['email', 'user_id', 'member_no'], generic: false };
  if (PHONE_CHARS.test(value)) {
    const digits = value.replace(/\D/g, '').length;
    if (digits >= 7 && digits <= 15) return { types: ['phone', 'member_no', 'user_id'], generic: false };
    return { types: ['member_no', 'user_id'], generic: false };
  }
  if (WECHAT_ID.test(value)) return { types: ['wechat_openid', 'wechat_unionid', 'user_id'], generic: false };
  if (UUID.test(value)) return { types: ['anonymous_id', 'device_id', 'user_id'], generic: false };
  return { types: GENERIC, generic: true };
}

/**
 * The plan for one search. `configured` are the workspace's identifier types (from
 * `/api/v1/identity/rules`) when known: types it does not have are not asked for, and a value
 * of no recognisable shape is tried against every type it does have.
 */
export function planSearch(raw: string, configured: readonly string[] | null): SearchPlan | null {
  const value = raw.trim();
  if (!value) return null;
  if (/^prof_[\w-]+$/.test(value)) return { kind: 'profile', id: value };
  const { types, generic } = guess(value);
  if (!configured) return { kind: 'lookup', value, types };
  const known = types.filter((t) => configured.includes(t));
  const rest = generic ? configured.filter((t) => !known.includes(t) && t !== 'phone' && t !== 'email') : [];
  const all = [...known, ...rest];
  return { kind: 'lookup', value, types: all.length > 0 ? all : types };
}
