/** Journeys: definitions, the durable engine, guards, feedback and metrics. */
export {
  JourneyEngine,
  type JourneyEngineOptions,
  type JourneyEvent,
  type JourneyInfo,
  type JourneyResult,
  type JourneyRow,
} from './engine.js';
export { checkJourney, journeySchema, type JourneyDefinition } from './definitions.js';
export { JOURNEY_TEMPLATES } from './templates.js';
export { inHoldout } from './holdout.js';
export { type JourneyStatus } from './runtime.js';
export { sendKey } from './send-step.js';
export type { DeadLetter, JourneyMetrics } from './metrics.js';
export {
  TrackingSigner,
  decorateEmailHtml,
  decorateText,
  trackingLinks,
  type FeedbackKind,
  type FeedbackSink,
  type TrackingLinks,
} from './tracking.js';
export { JourneyLayouts, positionsSchema, type JourneyLayout, type Positions } from './layouts.js';
