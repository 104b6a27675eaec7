/** Tags and computed traits: definitions, built-in templates (RFM, lifecycle, value, interest), refreshes, snapshots. */
export {
  TagEngine,
  localDay,
  type PreviewResult,
  type RefreshReport,
  type TagEngineOptions,
} from './engine.js';
export {
  CATEGORIES,
  STATUSES,
  SCHEDULES,
  checkTag,
  checkTrait,
  type TagDefinition,
  type TagDefinitionInput,
  type TraitDefinition,
  type TagCategory,
  type Status,
} from './definitions.js';
export { DefinitionRegistry, type DefinitionInfo, type DefinitionResult } from './definition-registry.js';
export { RFM_CLASSES } from './plan.js';
export { BUILTIN_TAGS, BUILTIN_TRAITS } from './templates.js';
