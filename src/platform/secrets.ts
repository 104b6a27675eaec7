import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A new random secret with a readable prefix (`wk_…`, `tsk_…`), 192 bits of entropy. */
export function newSecret(prefix: string): string {
  const bytes = randomBytes(32);
  let out = '';
  for (const b of bytes) out += BASE62[b % 62];
  return `${prefix}_${out}`;
}

/**
 * Hash of a machine-generated secret (write keys, API keys). These carry ~190 bits of entropy,
 * so a fast hash is safe here; human passwords use a memory-hard function instead.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** What may be shown of a secret after creation: its prefix and last four characters. */
export function secretHint(secret: string): string {
  const cut = secret.indexOf('_') + 1;
  return `${secret.slice(0, cut)}…${secret.slice(-4)}`;
}
