/**
 * Pairwise scoring of identity resolution against the ground truth: every pair of records that
 * the truth puts in one person is a true pair; a resolver's pair is a pair of records it put in
 * one profile. Precision = shared pairs / resolver pairs, recall = shared pairs / true pairs.
 * Counted from cluster sizes (Σ C(n, 2)), so it is linear in the number of records.
 */
export interface PairwiseScore {
  truePairs: number;
  predictedPairs: number;
  correctPairs: number;
  precision: number;
  recall: number;
  f1: number;
}

/** `records` yields, per record, its true person and the profile a resolver gave it. */
export function scorePairwise(records: Iterable<{ person: string; profile: string }>): PairwiseScore {
  const perPerson = new Map<string, number>();
  const perProfile = new Map<string, number>();
  const perBoth = new Map<string, number>();
  for (const { person, profile } of records) {
    perPerson.set(person, (perPerson.get(person) ?? 0) + 1);
    perProfile.set(profile, (perProfile.get(profile) ?? 0) + 1);
    const both = `${person}\u0000${profile}`;
    perBoth.set(both, (perBoth.get(both) ?? 0) + 1);
  }
  const pairs = (m: Map<string, number>): number => {
    let sum = 0;
    for (const n of m.values()) sum += (n * (n - 1)) / 2;
    return sum;
  };
  const truePairs = pairs(perPerson);
  const predictedPairs = pairs(perProfile);
  const correctPairs = pairs(perBoth);
  const precision = predictedPairs === 0 ? 1 : correctPairs / predictedPairs;
  const recall = truePairs === 0 ? 1 : correctPairs / truePairs;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { truePairs, predictedPairs, correctPairs, precision, recall, f1 };
}
