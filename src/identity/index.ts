/** Identity (OneID): identifier rules, the identity graph, merges, unmerges, rebuilds. */
export { IdentityResolver, rulesFingerprint } from './resolver.js';
export type {
  IdentityStats,
  LookupResult,
  ProfileIdentifier,
  Refusal,
  ResolvedBatch,
  ResolvedListener,
  ReviewItem,
  TimelineQuery,
  UnmergeResult,
} from './resolver-types.js';
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
  profileCounts,
  profileIdentifiers,
  sharedEventAnchors,
  type IdentityPosition,
} from './relations.js';
