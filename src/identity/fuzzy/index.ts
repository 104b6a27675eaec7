/**
 * Fuzzy matching for identity resolution: records that share no exact identifier are compared on
 * name, phone, e-mail and address (China-market formats) and scored Fellegi–Sunter style. Pure
 * functions: no I/O, no clock.
 */

/** Canonical form of a person's name (honorifics off, whitespace, width and token order normalised). */
export {
  normaliseName,
  nameSimilarity,
  prepareName,
  type NameMatchKind,
  type NameSimilarity,
  type PreparedName,
} from './name.js';
/** Parses, formats and compares Chinese postal addresses hierarchically. */
export {
  addressSimilarity,
  formatAddress,
  parseAddress,
  prepareAddress,
  type AddressPart,
  type AddressSimilarity,
  type BuildingRef,
  type ParsedAddress,
  type PreparedAddress,
} from './address.js';
/** Parses and compares phone numbers, including Tmall's masked `138****5678`. */
export {
  comparePhones,
  parsePhone,
  type PhoneComparison,
  type PhoneMatchKind,
  type PhoneValue,
} from './phone.js';
/** Normalises and compares e-mail addresses. */
export { compareEmails, normaliseEmail, type EmailComparison, type EmailMatchKind } from './email.js';
/** Scores a candidate pair: per-field evidence and a 0..1 match probability. */
export {
  DEFAULT_THRESHOLDS,
  DEFAULT_WEIGHTS,
  matchFeatures,
  prepareFeatures,
  scoreMatch,
  type FieldEvidence,
  type FieldOutcome,
  type MatchFeatures,
  type MatchField,
  type MatchScore,
  type MatchThresholds,
  type MatchWeights,
  type PreparedFeatures,
} from './score.js';
/** Keys that put likely matches into the same candidate block. */
export { blockingKeys } from './blocking.js';
