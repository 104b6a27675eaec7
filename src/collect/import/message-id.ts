/**
 * Deterministic message ids: importing the same file twice yields the same ids, so the store's
 * messageId dedup makes a re-import change nothing.
 */
import { createHash, hash } from 'node:crypto';

// `crypto.hash` (Node ≥ 20.12) is a one-shot digest, several times cheaper per row than createHash.
const sha256Hex: (text: string) => string =
  typeof hash === 'function'
    ? (text) => hash('sha256', text, 'hex')
    : (text) => createHash('sha256').update(text).digest('hex');

/** `prefix` + the first 32 hex characters (128 bits) of SHA-256 of `text`. */
export function hashId(prefix: string, text: string): string {
  return prefix + sha256Hex(text).slice(0, 32);
}

/** JSON with object keys sorted at every level, so equal content hashes equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += canonicalJson(value[i]);
    }
    return out + ']';
  }
  const keys = Object.keys(value).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += JSON.stringify(key) + ':' + canonicalJson(v);
  }
  return out + '}';
}
