import { describe, invalid, valid, type Normalised } from './normalised.js';
import { toHalfWidth } from './to-half-width.js';

/**
 * Pragmatic, not RFC 5322: one @, a local part and dot-separated domain labels without whitespace
 * or the characters that separate addresses in lists and headers, and a top-level label of two or
 * more characters. Quoted local parts and IP-literal domains are legal but never seen in a CDP.
 */
const ATOM_CHAR = '[^\\s@<>()[\\]\\\\,;:"]';
const LABEL_CHAR = '[^\\s@<>()[\\]\\\\,;:".]';
const EMAIL = new RegExp(`^${ATOM_CHAR}+@(?:${LABEL_CHAR}+\\.)+${LABEL_CHAR}{2,}$`, 'u');
/** RFC 5321 §4.5.3.1.1 and §4.5.3.1.3: 64 octets of local part, 256 for the path, <> included. */
const MAX_LOCAL_LENGTH = 64;
const MAX_LENGTH = 254;
/** Chinese IMEs type 。 for a dot; UTS #46 (IDNA) likewise maps it to a label separator. */
const IDEOGRAPHIC_FULL_STOP = /\u3002/g;

/**
 * Trimmed, half-width, lower-cased email address. RFC 5321 lets the local part be case-sensitive,
 * but no mainstream mailbox provider treats it so and every CDP lower-cases it to match profiles.
 * Provider-specific aliases (Gmail ignores dots and +tags) are kept: the rules differ per provider
 * and custom domain, and the address must stay deliverable exactly as given.
 */
export function normaliseEmail(raw: unknown): Normalised<string> {
  if (typeof raw !== 'string')
    return invalid('invalid_email', `Email must be a string, got ${describe(raw)}.`);
  const email = toHalfWidth(raw).trim().toLowerCase().replace(IDEOGRAPHIC_FULL_STOP, '.');
  if (!EMAIL.test(email) || email.length > MAX_LENGTH || email.indexOf('@') > MAX_LOCAL_LENGTH) {
    return invalid('invalid_email', `Email ${describe(raw)} is not a valid email address.`);
  }
  return valid(email);
}
