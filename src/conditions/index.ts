/**
 * The condition language (DESIGN.md): one JSON AST for tags, segments and journey splits,
 * compiled to SQL for batch evaluation and evaluated in memory for one person. Its own module so
 * that tags (which come before segments in the pipeline) and segments share it.
 */
export {
  all,
  any,
  not,
  conditionLeaves,
  durationMs,
  DURATION,
  KEY,
  parseCondition,
  references,
  type ConditionIssue,
  type ConditionJson,
  type ConditionNode,
  type EventNode,
  type ParseResult,
  type Comparison,
  type PropertyFilter,
  type TimeWindow,
} from './ast.js';
export {
  ConditionCompiler,
  compileComparison,
  compileNumber,
  dialect,
  jsonNumber,
  type CompileScope,
} from './compile-sql.js';
export { IncrementalCondition, type LiveState, type LiveSubject, type SeedCounters } from './incremental.js';
export { evaluate, inWindow, matchesStep, measureEvents, type FactEvent, type Subject } from './evaluate.js';
export { asNumber, compareNumber, compareValue, isoToMs, propertyAt, type CompareContext } from './values.js';
