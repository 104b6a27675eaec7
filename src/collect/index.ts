/** Collect: the Segment-spec API's pipeline, governance of input, imports and rejected records. */
export { Collector, type IngestItem } from './collector.js';
/** The source debugger's view of traffic as it arrives. */
export { LiveEvents, type LiveEvent } from './live-events.js';
/** The one durable writer of events (group commit, idempotent on messageId). */
export { EventWriter, type EventWriterStats, type LoadedEvent, type LoadListener } from './event-writer.js';
/** Sources and their write keys. */
export { SourceRegistry, SOURCE_KINDS, type Source } from './sources.js';
/** Stored events, read side. */
export {
  listEvents,
  eventsBySeq,
  countEvents,
  scanEventsAfter,
  scanEventKeys,
  type EventKeys,
  type EventRow,
  type EventFilter,
  type StoredEventIdentity,
} from './event-store.js';
/** Validation and governance of one message. */
export { prepareMessage, type MessageContext } from './prepare.js';
export type { GovernanceRules } from './govern.js';
export { ensureWorkspace } from './source-store.js';
export { eventsByDay, eventSeqsMatching, eventsRelation, sourceActivity } from './event-store.js';
/** Event names, their property keys and the trait keys the store holds (for pickers). */
export { eventSchema, type EventSchema, type TraitKey } from './event-schema.js';
export { MESSAGE_TYPES } from './message.js';
export type { MessageOutcome, MessageType, PreparedEvent, RejectedInput, Origin } from './message.js';
/** Rejected records: list, replay, discard. */
export { RejectedRecords, type RejectedRecord, type ReplayDecoder, type ReplayResult } from './rejected.js';
/** File imports (CSV, JSONL) through a mapping into the pipeline. */
export { Importer, replayImportRow, type ImportRequest, type ImportSummary } from './importer.js';
export { loadMapping, listPresets, parseMapping, presetDirectory, type Mapping } from './import/index.js';
/** The identifiers a message carries (DESIGN.md fixed contract). */
export { messageIdentifiers, storedEventIdentifiers, type IdentifierClaim } from './identifiers.js';
/** Value normalisers, shared with identity (lookups normalise the way ingestion did). */
export { normalisePhone, normaliseEmail, toHalfWidth, type CountryCode } from './normalise/index.js';
