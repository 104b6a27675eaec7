import { describe, invalid, valid, type Normalised } from './normalised.js';
import { normaliseText } from './normalise-text.js';

export type Gender = 'male' | 'female' | 'unknown';

/**
 * Keys are compared after `normaliseText` and lower-casing. The digits follow GB/T 2261.1-2003
 * (the Chinese national code for human sex): 0 unknown, 1 male, 2 female, 9 not stated; 9 and
 * "other" map to 'unknown' because the profile model has only the three values.
 */
const GENDERS = new Map<string, Gender>([
  ['1', 'male'],
  ['m', 'male'],
  ['male', 'male'],
  ['男', 'male'],
  ['男性', 'male'],
  ['男士', 'male'],
  ['先生', 'male'],
  ['2', 'female'],
  ['f', 'female'],
  ['female', 'female'],
  ['女', 'female'],
  ['女性', 'female'],
  ['女士', 'female'],
  ['小姐', 'female'],
  ['0', 'unknown'],
  ['9', 'unknown'],
  ['unknown', 'unknown'],
  ['other', 'unknown'],
  ['未知', 'unknown'],
  ['保密', 'unknown'],
]);

/** 'male', 'female' or 'unknown' from the Chinese and English words, letters and GB/T 2261.1 codes. */
export function normaliseGender(raw: unknown): Normalised<Gender> {
  const key =
    typeof raw === 'string' ? normaliseText(raw).toLowerCase() : typeof raw === 'number' ? String(raw) : '';
  const gender = GENDERS.get(key);
  return gender === undefined
    ? invalid('invalid_gender', `Gender ${describe(raw)} is not one of the recognised values.`)
    : valid(gender);
}
