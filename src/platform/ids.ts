import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A random id with a type prefix, e.g. `src_3k9x…` (26 base-36 characters, ~134 bits). */
export function generateId(prefix: string): string {
  const bytes = randomBytes(26);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % 36];
  return `${prefix}_${out}`;
}
