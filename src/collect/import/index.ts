/**
 * `tessera import`: CRM member, order and event exports (CSV, JSONL) → Segment-spec messages
 * for the ingest pipeline. Mapping files and presets are described in `presets/README.md`.
 *
 * ```ts
 * const mapping = await loadMapping('tmall-orders');            // or a path to a mapping file
 * for await (const item of readRecords(createReadStream(file), mapping.value)) {
 *   if (item.error) { reject(item); continue; }                  // broken row: line, raw, reason
 *   const result = mapRecord(mapping.value, item.record, { file, line: item.line });
 * }
 * ```
 */

/** Load a mapping from a file path, or a built-in preset by name (`crm-members`, `tmall-orders`, …). */
export { loadMapping, type MappingProblem } from './load-mapping.js';
/** Names of the built-in presets. */
export { listPresets } from './load-mapping.js';
/** The directory holding the built-in presets (`<package root>/presets`). */
export { presetDirectory } from './load-mapping.js';
/** Validate parsed JSON as a mapping; every violation is listed with its path. */
export {
  parseMapping,
  type Mapping,
  type MappingIssue,
  type FieldRule,
  type CsvOptions,
} from './mapping-schema.js';
/** Render a schema issue path as `fields["traits.phone"].type`. */
export { formatPath } from './mapping-schema.js';
/** Whether a target path is an identifier the identity graph reads (`userId`, `traits.phone`, `externalIds.*`, …). */
export { isIdentifierTarget } from './mapping-schema.js';
/** The allowed values of `kind`, field `type` and `csv.encoding`. */
export {
  MAPPING_KINDS,
  VALUE_TYPES,
  ENCODINGS,
  type MappingKind,
  type ValueType,
  type Encoding,
} from './mapping-schema.js';
/** Map one source record to a Segment message with a deterministic messageId, or say why not. */
export {
  mapRecord,
  type MapResult,
  type RejectCode,
  type ImportedMessage,
  type ImportSource,
  type ExternalId,
  type SourceRecord,
  type RecordPosition,
} from './map-record.js';
/** Stream records (or per-record errors) from CSV or JSONL bytes, with line numbers and bytes read. */
export {
  readRecords,
  type ReadItem,
  type ReadError,
  type ReadErrorCode,
  type ReadOptions,
  type ByteSource,
} from './read-records.js';
/** Parse an amount as exports write it: `¥1,299.00`, `1,299`, full-width digits. */
export { parseNumber } from './values.js';
/** Parse `true/false`, `yes/no`, `1/0`, `是/否`. */
export { parseBoolean } from './values.js';
/** Strip spreadsheet armour from a CSV cell (`="0123"`, leading tab, white space). */
export { cleanCell } from './values.js';
