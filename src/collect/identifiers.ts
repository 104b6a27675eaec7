/**
 * The identifiers a Segment message carries (DESIGN.md, fixed contract): `userId` → `user_id`,
 * `anonymousId` → `anonymous_id`, `traits.email` / `context.traits.email` → `email`,
 * `traits.phone` / `context.traits.phone` → `phone`, `context.device.id` → `device_id`, and
 * `context.externalIds: [{ type, id }]` for every other type. An `alias` message's `previousId`
 * is the id the person was known by before; Segment's libraries send the anonymous id there, so
 * it counts as `anonymous_id`.
 *
 * Values are returned as they were stored (already governed); the identity module decides which
 * types it resolves on and normalises each value by its rules.
 */
export interface IdentifierClaim {
  type: string;
  value: string;
}

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function idString(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return null;
  const s = v.trim();
  return s === '' ? null : s;
}

export interface IdentifierSource {
  type: string;
  userId: string | null;
  anonymousId: string | null;
  previousId: string | null;
  traits: Obj | null;
  context: Obj | null;
}

/** Every identifier claim of a message, in a fixed order (duplicates removed). */
export function messageIdentifiers(m: IdentifierSource): IdentifierClaim[] {
  const out: IdentifierClaim[] = [];
  const add = (type: string, raw: unknown): void => {
    const value = idString(raw);
    if (value === null) return;
    for (const c of out) if (c.type === type && c.value === value) return;
    out.push({ type, value });
  };
  add('user_id', m.userId);
  add('anonymous_id', m.anonymousId);
  if (m.type === 'alias') add('anonymous_id', m.previousId);
  const contextTraits = m.context && isObject(m.context.traits) ? m.context.traits : null;
  for (const traits of [m.traits, contextTraits]) {
    if (!traits) continue;
    add('email', traits.email);
    add('phone', traits.phone);
  }
  if (m.context) {
    const device = m.context.device;
    if (isObject(device)) add('device_id', device.id);
    const externalIds = m.context.externalIds;
    if (Array.isArray(externalIds)) {
      for (const e of externalIds as unknown[]) {
        if (!isObject(e) || typeof e.type !== 'string') continue;
        const type = e.type.trim().toLowerCase();
        if (type !== '') add(type, e.id);
      }
    }
  }
  return out;
}

/** The same claims from a stored event, whose traits and context are JSON text. */
export function storedEventIdentifiers(e: {
  type: string;
  userId: string | null;
  anonymousId: string | null;
  previousId: string | null;
  traits: string | null;
  context: string | null;
}): IdentifierClaim[] {
  const parse = (json: string | null): Obj | null => {
    if (json === null) return null;
    const v: unknown = JSON.parse(json);
    return isObject(v) ? v : null;
  };
  return messageIdentifiers({
    type: e.type,
    userId: e.userId,
    anonymousId: e.anonymousId,
    previousId: e.previousId,
    traits: parse(e.traits),
    // Most events' context has no identifier in it: skip parsing those.
    context:
      e.context !== null && /"(?:device|externalIds|traits)"/.test(e.context) ? parse(e.context) : null,
  });
}
