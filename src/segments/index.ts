/** Segments: static and dynamic audiences, real-time membership, exports and audience sync. */
export { SegmentEngine, type SegmentEngineOptions, type SegmentInfo, type SegmentResult } from './engine.js';
export { SEGMENT_ENTERED, SEGMENT_EXITED, type SegmentEvent } from './membership-writer.js';
export { SEGMENT_KINDS, SEGMENT_SCHEDULES, SEGMENT_STATUSES, memberList } from './definitions.js';
export { audienceColumns, exportCsv, readAudience, type AudienceColumns } from './audience.js';
export { Destinations, destinationInput, type Destination, type SyncReport } from './destinations.js';
export { membersWithValues, overlap, previewCondition, profileSegments, sizes } from './segment-reads.js';
export { membersRelation } from './segment-store.js';
export { segmentQuery, type SegmentSqlContext } from './segment-sql.js';
export { SEGMENT_TEMPLATES } from './templates.js';
export { segmentTgi, tgiValues, type TgiReport, type TgiValue } from './tgi.js';
