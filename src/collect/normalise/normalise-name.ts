import { describe, invalid, valid, type Normalised } from './normalised.js';
import { normaliseText } from './normalise-text.js';

/**
 * CJK names are written without spaces, so a space between two CJK characters (张 三) is a typing
 * artefact, not part of the name. A space next to a Latin letter (张三 John) is kept.
 */
const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}';
const SPACE_BETWEEN_CJK = new RegExp(`(?<=[${CJK}]) (?=[${CJK}])`, 'gu');
const LETTER = /\p{L}/u;

/** A person's name as `normaliseText` gives it, without spaces between CJK characters. */
export function normaliseName(raw: unknown): Normalised<string> {
  if (typeof raw !== 'string') return invalid('invalid_name', `Name must be a string, got ${describe(raw)}.`);
  const name = normaliseText(raw).replace(SPACE_BETWEEN_CJK, '');
  if (name === '') return invalid('invalid_name', `Name ${describe(raw)} is empty.`);
  // "-", "123" and "???" are placeholders typed into a required field, not names.
  if (!LETTER.test(name)) return invalid('invalid_name', `Name ${describe(raw)} contains no letters.`);
  return valid(name);
}
