/**
 * Input governance: pure normalisers that turn the values people and systems send into one
 * canonical form each, or a rejection with a stable code and a readable message.
 */

/** The result of a normaliser: `{ ok: true, value }` or `{ ok: false, code, message }`. */
export type { Normalised } from './normalised.js';

/** Full-width ASCII (U+FF01–U+FF5E) and the ideographic space to their half-width forms. */
export { toHalfWidth } from './to-half-width.js';

/** Half-width, NFC, trimmed text with runs of whitespace collapsed to one space. */
export { normaliseText } from './normalise-text.js';

/** A person's name as normalised text, spaces between CJK characters removed; rejects empty names. */
export { normaliseName } from './normalise-name.js';

/** A phone number in E.164 form, with a fast path for mainland Chinese mobiles. */
export { normalisePhone, type PhoneOptions } from './normalise-phone.js';

/** ISO 3166-1 alpha-2 region codes known to libphonenumber, for `PhoneOptions.defaultRegion`. */
export type { CountryCode } from 'libphonenumber-js/max';

/** A trimmed, half-width, lower-cased email address, checked with a pragmatic pattern. */
export { normaliseEmail } from './normalise-email.js';

/** Epoch milliseconds from ISO 8601, Chinese date formats, epoch numbers or Date objects. */
export { normaliseTimestamp, type TimestampOptions } from './normalise-timestamp.js';

/** 'male', 'female' or 'unknown' from Chinese and English words and GB/T 2261.1 codes. */
export { normaliseGender, type Gender } from './normalise-gender.js';

/** A birthday as `YYYY-MM-DD` (or `--MM-DD` without a year), rejecting future dates and ages over 130. */
export { normaliseBirthday, type BirthdayOptions } from './normalise-birthday.js';
