import { addressSimilarity, prepareAddress, type PreparedAddress } from './address.js';
import { compareNormalisedEmails, normaliseEmail } from './email.js';
import { cityCore } from './gazetteer.js';
import { nameSimilarity, prepareName, type NameSimilarity, type PreparedName } from './name.js';
import { comparePhones, parsePhone, type PhoneComparison, type PhoneValue } from './phone.js';

/**
 * Match scoring in the Fellegi–Sunter manner (Fellegi & Sunter 1969, "A Theory for Record
 * Linkage"): each field's comparison outcome adds its log-likelihood ratio ln(m/u) — positive
 * when the outcome is likelier for the same person, negative when likelier for two people —
 * missing fields add nothing, and the prior log-odds plus the sum goes through a logistic.
 */

/** What a record or a profile says about a person; a profile may carry several of each. */
export interface MatchFeatures {
  names: string[];
  /** E.164 or national numbers; masked ones are recognised here too. */
  phones: string[];
  /** Masked numbers (`138****5678`). */
  maskedPhones: string[];
  emails: string[];
  addresses: string[];
  /** City names with or without 市 (`深圳`, `深圳市`). Cities of `addresses` count too. */
  cities: string[];
}

/** Features with nothing known, or only what `known` gives. */
export function matchFeatures(known: Partial<MatchFeatures> = {}): MatchFeatures {
  return { names: [], phones: [], maskedPhones: [], emails: [], addresses: [], cities: [], ...known };
}

/** `MatchFeatures` parsed and normalised once, for scoring against many candidates. */
export interface PreparedFeatures {
  readonly prepared: true;
  readonly names: readonly PreparedName[];
  /** Full and masked numbers that parse; the rest count as missing. */
  readonly phones: readonly PhoneValue[];
  readonly emails: readonly string[];
  readonly addresses: readonly PreparedAddress[];
  /** City names without suffix, from `cities` and from the addresses. */
  readonly cities: readonly string[];
}

export type MatchField = 'name' | 'phone' | 'email' | 'address' | 'city';
export type FieldOutcome = 'exact' | 'homophone' | 'similar' | 'masked' | 'typo' | 'different' | 'missing';

export interface FieldEvidence {
  field: MatchField;
  outcome: FieldOutcome;
  /** The log-likelihood ratio this outcome added (natural log). */
  weight: number;
}

export interface MatchScore {
  /** Probability (0..1) that both sides are one person. */
  score: number;
  fields: FieldEvidence[];
}

export interface MatchThresholds {
  /** At or above: merge without asking. */
  autoMerge: number;
  /** At or above (and below `autoMerge`): put in the review queue. */
  review: number;
}

export const DEFAULT_THRESHOLDS: Readonly<MatchThresholds> = Object.freeze({ autoMerge: 0.9, review: 0.6 });

/** Log-likelihood ratios (natural log) per field outcome, and the prior log-odds. */
export interface MatchWeights {
  prior: number;
  name: {
    exact: number;
    homophone: number;
    fuzzyHomophone: number;
    similarFloor: number;
    similarCeiling: number;
    different: number;
  };
  phone: { exact: number; typo: number; masked: number; different: number };
  email: { exact: number; typo: number; similar: number; different: number };
  address: { exact: number; similar: number; different: number };
  city: { exact: number; different: number };
}

/**
 * Hand-set weights, checked against the calibration table in `score.test.ts` (a later step can
 * fit them by EM on reviewed pairs). The reasoning behind the sizes: a phone number is close to
 * unique but people have several and change them; a name is shared by thousands (王静) but
 * rarely differs for one person; a city is shared by millions; a flat is shared by a family,
 * so a different name at the same flat must still lose (gift recipients, spouses).
 */
export const DEFAULT_WEIGHTS: Readonly<MatchWeights> = Object.freeze({
  prior: -3.4,
  // `similar` names interpolate between the floor (score 0.5) and the ceiling (score 0.9).
  name: Object.freeze({
    exact: 2.5,
    homophone: 2.2,
    fuzzyHomophone: 2.0,
    similarFloor: -1,
    similarCeiling: 2,
    different: -5,
  }),
  phone: Object.freeze({ exact: 5.4, typo: 3.6, masked: 2.9, different: -2.5 }),
  email: Object.freeze({ exact: 5, typo: 2.5, similar: 1.5, different: -1 }),
  address: Object.freeze({ exact: 3.6, similar: 1.5, different: -1 }),
  city: Object.freeze({ exact: 0.8, different: -2 }),
});

/** Address scores from which two addresses are the same flat, or the same building. */
const ADDRESS_EXACT = 0.95;
const ADDRESS_SIMILAR = 0.6;

/** Parses and normalises features once; `scoreMatch` and `blockingKeys` accept the result. */
export function prepareFeatures(f: MatchFeatures | PreparedFeatures): PreparedFeatures {
  if (isPrepared(f)) return f;
  const names = f.names.map(prepareName).filter((n) => n.script !== 'empty');
  const phones: PhoneValue[] = [];
  for (const raw of [...f.phones, ...f.maskedPhones]) {
    const p = parsePhone(raw);
    if (p !== undefined) phones.push(p);
  }
  const emails = [...new Set(f.emails.map(normaliseEmail).filter((e) => e !== undefined))];
  const addresses = f.addresses.filter((a) => a.trim().length > 0).map((a) => prepareAddress(a));
  const cities = new Set<string>();
  for (const c of f.cities) {
    const s = c.normalize('NFKC').replace(/\s+/gu, '');
    if (s.length > 0) cities.add(cityCore(s));
  }
  for (const a of addresses) if (a.city !== undefined) cities.add(a.city);
  return { prepared: true, names, phones, emails, addresses, cities: [...cities] };
}

function isPrepared(f: MatchFeatures | PreparedFeatures): f is PreparedFeatures {
  return (f as Partial<PreparedFeatures>).prepared === true;
}

/**
 * The probability that `a` and `b` describe one person, with the evidence per field. Each field
 * compares its best pair (a profile may carry several names, phones, …). Calibrated so that:
 * name + phone → ≥ 0.95; name + phone typo + city → ≥ 0.9; name or homophone + masked phone +
 * city → ≥ 0.9; name + address but another phone → review (0.6–0.9); name alone, or another
 * name at the same address → < 0.5; name with another phone and city → < 0.3. Exactly symmetric.
 */
export function scoreMatch(
  a: MatchFeatures | PreparedFeatures,
  b: MatchFeatures | PreparedFeatures,
  weights: Readonly<MatchWeights> = DEFAULT_WEIGHTS,
): MatchScore {
  const pa = prepareFeatures(a);
  const pb = prepareFeatures(b);
  const fields: FieldEvidence[] = [
    nameEvidence(pa.names, pb.names, weights),
    phoneEvidence(pa.phones, pb.phones, weights),
    emailEvidence(pa.emails, pb.emails, weights),
    addressEvidence(pa.addresses, pb.addresses, weights),
    cityEvidence(pa.cities, pb.cities, weights),
  ];
  let logOdds = weights.prior;
  for (const f of fields) logOdds += f.weight;
  return { score: 1 / (1 + Math.exp(-logOdds)), fields };
}

function nameEvidence(
  xs: readonly PreparedName[],
  ys: readonly PreparedName[],
  w: Readonly<MatchWeights>,
): FieldEvidence {
  if (xs.length === 0 || ys.length === 0) return { field: 'name', outcome: 'missing', weight: 0 };
  // The best pair is the one with the most evidence (ties between kinds then cannot depend on order).
  let best: FieldEvidence = { field: 'name', outcome: 'different', weight: -Infinity };
  for (const x of xs) {
    for (const y of ys) {
      const s = nameSimilarity(x, y);
      const weight = nameWeight(s, w);
      if (weight > best.weight) best = { field: 'name', outcome: s.kind, weight };
    }
  }
  return best;
}

function nameWeight(s: NameSimilarity, w: Readonly<MatchWeights>): number {
  switch (s.kind) {
    case 'exact':
      return w.name.exact;
    case 'homophone':
      return s.score >= 0.9 ? w.name.homophone : w.name.fuzzyHomophone;
    case 'similar': {
      const t = Math.min(1, Math.max(0, (s.score - 0.5) / 0.4));
      return w.name.similarFloor + t * (w.name.similarCeiling - w.name.similarFloor);
    }
    case 'different':
      return w.name.different;
  }
}

function phoneEvidence(
  xs: readonly PhoneValue[],
  ys: readonly PhoneValue[],
  w: Readonly<MatchWeights>,
): FieldEvidence {
  if (xs.length === 0 || ys.length === 0) return { field: 'phone', outcome: 'missing', weight: 0 };
  let best: PhoneComparison = { score: -1, kind: 'different' };
  for (const x of xs) {
    for (const y of ys) {
      const c = comparePhones(x, y);
      if (c.score > best.score) best = c;
    }
  }
  return { field: 'phone', outcome: best.kind, weight: w.phone[best.kind] };
}

function emailEvidence(
  xs: readonly string[],
  ys: readonly string[],
  w: Readonly<MatchWeights>,
): FieldEvidence {
  if (xs.length === 0 || ys.length === 0) return { field: 'email', outcome: 'missing', weight: 0 };
  let best = compareNormalisedEmails(xs[0] ?? '', ys[0] ?? '');
  for (const x of xs) {
    for (const y of ys) {
      const c = compareNormalisedEmails(x, y);
      if (c.score > best.score) best = c;
    }
  }
  return { field: 'email', outcome: best.kind, weight: w.email[best.kind] };
}

/**
 * Same flat → `exact`; same house number or building → `similar`; a part that differs above
 * that → `different`. Agreement only down to the city or district is left to the city field
 * (`missing` here), so a vague address is no evidence either way.
 */
function addressEvidence(
  xs: readonly PreparedAddress[],
  ys: readonly PreparedAddress[],
  w: Readonly<MatchWeights>,
): FieldEvidence {
  if (xs.length === 0 || ys.length === 0) return { field: 'address', outcome: 'missing', weight: 0 };
  let best = -1;
  let conflict = false;
  for (const x of xs) {
    for (const y of ys) {
      const s = addressSimilarity(x, y);
      if (s.score > best || (s.score === best && s.disagreement === undefined)) {
        best = s.score;
        conflict = s.disagreement !== undefined;
      }
    }
  }
  if (best >= ADDRESS_EXACT) return { field: 'address', outcome: 'exact', weight: w.address.exact };
  if (best >= ADDRESS_SIMILAR) return { field: 'address', outcome: 'similar', weight: w.address.similar };
  if (conflict) return { field: 'address', outcome: 'different', weight: w.address.different };
  return { field: 'address', outcome: 'missing', weight: 0 };
}

function cityEvidence(
  xs: readonly string[],
  ys: readonly string[],
  w: Readonly<MatchWeights>,
): FieldEvidence {
  if (xs.length === 0 || ys.length === 0) return { field: 'city', outcome: 'missing', weight: 0 };
  const shared = xs.some((x) => ys.includes(x));
  return shared
    ? { field: 'city', outcome: 'exact', weight: w.city.exact }
    : { field: 'city', outcome: 'different', weight: w.city.different };
}
