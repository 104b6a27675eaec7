/**
 * The outcome of normalising one raw input value. Rejections are values, not exceptions (STYLE.md,
 * "Errors, three tiers"): an importer turns them into rejected records and keeps going.
 */
export type Normalised<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

export const valid = <T>(value: T): Normalised<T> => ({ ok: true, value });

export const invalid = (code: string, message: string): Normalised<never> => ({ ok: false, code, message });

/** Rejection messages quote the value, but a pasted paragraph must not flood the rejected-records report. */
const MAX_SHOWN_CHARS = 64;

/** How a rejected value is shown in a message: strings quoted and cut to 64 characters, others by kind. */
export function describe(value: unknown): string {
  if (typeof value === 'string') {
    // Count code points, not UTF-16 units, so a cut never splits an emoji or a rare CJK character.
    // A code point takes at most two units, so this prefix holds MAX + 1 of them if the string does.
    const chars = Array.from(value.slice(0, 2 * MAX_SHOWN_CHARS + 2));
    const shown = chars.length > MAX_SHOWN_CHARS ? `${chars.slice(0, MAX_SHOWN_CHARS - 1).join('')}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value === null || value === undefined) return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : value.toISOString();
  return Array.isArray(value) ? 'an array' : `a value of type ${typeof value}`;
}
