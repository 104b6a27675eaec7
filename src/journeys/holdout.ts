import { createHash } from 'node:crypto';

/**
 * The global holdout: a fixed share of all profiles that no journey markets to, so that the
 * programme's and each journey's incremental effect can be measured against it. Membership is a
 * hash of the profile id (and a salt, to draw a new holdout), so it is stable without being
 * stored, the same on every node, and nested: a profile in the 5 % holdout is in the 10 % one.
 */
export function holdoutPoint(profileId: string, salt: string): number {
  const h = createHash('sha256').update(`${salt}\u0000${profileId}`).digest();
  // 52 bits: every such integer is exact in a double.
  return (h.readUInt32BE(0) * 2 ** 20 + (h.readUInt32BE(4) >>> 12)) / 2 ** 52;
}

export function inHoldout(profileId: string, share: number, salt = 'tessera-holdout'): boolean {
  if (!(share >= 0 && share <= 1)) throw new RangeError(`a holdout share is between 0 and 1, not ${share}`);
  return holdoutPoint(profileId, salt) < share;
}
