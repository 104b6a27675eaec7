/** Identity (OneID): identifier rules, the identity graph, merges, unmerges, rebuilds. */
export {
  IdentityResolver,
  rulesFingerprint,
  type IdentityStats,
  type LookupResult,
  type ProfileIdentifier,
  type Refusal,
  type ResolvedBatch,
  type ResolvedListener,
  type UnmergeResult,
} from './resolver.js';
export type { RebuildReport } from './carry-over-ids.js';
export {
  compileRules,
  DEFAULT_TYPES,
  DEFAULT_BLOCKED_PATTERNS,
  DEFAULT_BLOCKED_VALUES,
  normaliseClaim,
  type IdentityRules,
} from './rules.js';
export type { MergeRow } from './identity-store.js';
export {
  eventAnchors,
  identityPosition,
  liveProfiles,
  nodeProfiles,
  profileIdentifiers,
  sharedEventAnchors,
  type IdentityPosition,
} from './relations.js';
