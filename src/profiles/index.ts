/** Profiles: the facts every trait and tag computes over, trait merge policies, consent, the 360° view's parts. */
export {
  changedProfiles,
  factsRelation,
  profileTraitFacts,
  pruneChanges,
  syncFacts,
  type FactsSync,
} from './facts.js';
export { CONSENT_EVENTS, consentState, type ConsentFact, type ConsentState } from './consent.js';
export {
  factOrder,
  mergeTraits,
  sourceRank,
  traitAggregate,
  traitPolicySchema,
  TRAIT_KEY,
  type MergedTrait,
  type TraitObservation,
  type TraitPolicy,
} from './traits.js';
export { factName, toFact, type FactSource } from './fact-event.js';
