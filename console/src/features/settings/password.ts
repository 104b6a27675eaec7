/** Letters and digits without the look-alikes (0/O, 1/l/I), so a password read aloud or retyped survives. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/**
 * A random password from the browser's CSPRNG: 18 characters of a 56-letter alphabet is about
 * 104 bits, far above the server's 10-character minimum. Rejection sampling keeps it uniform.
 */
export function generatePassword(length = 18): string {
  const out: string[] = [];
  const limit = 256 - (256 % ALPHABET.length);
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < limit && out.length < length) out.push(ALPHABET[byte % ALPHABET.length]!);
    }
  }
  return out.join('');
}

/** The server's minimum (src/governance/passwords.ts MIN_PASSWORD_LENGTH). */
export const MIN_PASSWORD_LENGTH = 10;
