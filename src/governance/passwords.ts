import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { fail, ok, type Result } from '../platform/errors.js';

/**
 * Console passwords, hashed with scrypt (RFC 7914), a memory-hard function: a guess costs
 * 128·N·r bytes (32 MiB here) as well as time, which GPUs and ASICs cannot cheapen much.
 * Parameters follow OWASP's Password Storage Cheat Sheet (N = 2^15, r = 8, p = 1).
 *
 * Stored self-describing, `scrypt$N$r$p$<salt>$<key>` (base64url), so parameters can change
 * later: old hashes still verify with their own parameters and are re-hashed at the next login.
 */

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export const PASSWORD_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 15, r: 8, p: 1 });
const SALT_BYTES = 16;
const KEY_BYTES = 32;
export const MIN_PASSWORD_LENGTH = 10;
/** Bounds a request can make us hash; long enough for any passphrase or manager-made password. */
export const MAX_PASSWORD_LENGTH = 1024;

/**
 * OpenSSL refuses when its buffers, 128·r·(N + 2) + 128·r·p bytes, exceed maxmem, whose default
 * (32 MiB) is just below what N = 2^15, r = 8 needs: allow those plus headroom.
 */
const maxmem = (params: ScryptParams): number =>
  128 * params.r * (params.N + 2) + 128 * params.r * params.p + 1024 * 1024;

function derive(password: string, salt: Buffer, keyBytes: number, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: maxmem(params) };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyBytes, options, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** A new hash of `password` with a fresh random salt. */
export async function hashPassword(
  password: string,
  params: ScryptParams = PASSWORD_PARAMS,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  );
}

interface ParsedHash extends ScryptParams {
  salt: Buffer;
  key: Buffer;
}

const B64URL = /^[A-Za-z0-9_-]+$/;

function parseHash(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map((x) => (/^\d{1,8}$/.test(x ?? '') ? Number(x) : NaN)) as [
    number,
    number,
    number,
  ];
  const [salt, key] = [parts[4] ?? '', parts[5] ?? ''];
  // Bounds keep a corrupted or hostile row from asking for gigabytes or hours.
  const sane =
    Number.isInteger(Math.log2(N)) && N >= 2 && N <= 2 ** 20 && r >= 1 && r <= 32 && p >= 1 && p <= 16;
  if (!sane || !B64URL.test(salt) || !B64URL.test(key)) return null;
  const parsed = { N, r, p, salt: Buffer.from(salt, 'base64url'), key: Buffer.from(key, 'base64url') };
  return parsed.salt.length >= 8 && parsed.key.length >= 16 && parsed.key.length <= 64 ? parsed : null;
}

/** True when `password` matches `stored`; false for a wrong password or a hash it cannot read. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.key.length, parsed);
  return timingSafeEqual(key, parsed.key);
}

/** True when `stored` was made with other parameters than today's (re-hash it at the next login). */
export function needsRehash(stored: string, params: ScryptParams = PASSWORD_PARAMS): boolean {
  const parsed = parseHash(stored);
  return (
    !parsed ||
    parsed.N !== params.N ||
    parsed.r !== params.r ||
    parsed.p !== params.p ||
    parsed.key.length !== KEY_BYTES
  );
}

/**
 * The password policy: at least 10 characters (NIST SP 800-63B §5.1.1.2 asks for length, not
 * character classes) and not containing the username, the first thing a guesser tries.
 */
export function checkPassword(password: string, username: string): Result<void> {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH)
    return fail('password_too_short', `the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  if (length > MAX_PASSWORD_LENGTH)
    return fail('password_too_long', `the password must have at most ${MAX_PASSWORD_LENGTH} characters`);
  if (username.length > 0 && password.toLowerCase().includes(username.toLowerCase()))
    return fail('password_contains_username', 'the password must not contain the username');
  return ok(undefined);
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/**
 * A generated password: 20 characters without look-alikes (~116 bits), for the first admin;
 * drawn again in the (rare) case that it contains `username`.
 */
export function generatePassword(username = '', length = 20): string {
  // Rejection sampling keeps every character equally likely (256 is not a multiple of 56).
  const limit = 256 - (256 % ALPHABET.length);
  for (;;) {
    let out = '';
    while (out.length < length) {
      for (const b of randomBytes(length * 2)) {
        if (b < limit && out.length < length) out += ALPHABET[b % ALPHABET.length];
      }
    }
    if (checkPassword(out, username).ok) return out;
  }
}
