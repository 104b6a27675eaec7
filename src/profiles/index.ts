/** Profiles: the facts every trait and tag computes over, trait merge policies, consent, the 360° view's parts. */
export { factsRelation, profileFacts, syncFacts, type FactsSync } from './facts.js';
export {
  factOrder,
  mergeTraits,
  traitAggregate,
  traitPolicySchema,
  TRAIT_KEY,
  type MergedTrait,
  type TraitObservation,
  type TraitPolicy,
} from './traits.js';
