import type { PreparedEvent } from '../collect/index.js';
import type { FactEvent } from '../conditions/index.js';
import { parseJsonObject } from '../platform/json.js';

/**
 * An event as conditions see it, named as the profile facts name it: a track call by its
 * event, page and screen calls as `Page Viewed` / `Screen Viewed`, others (identify) unnamed.
 */
export type FactSource = Pick<PreparedEvent, 'type' | 'event' | 'timestamp' | 'properties'>;

export const factName = (e: Pick<PreparedEvent, 'type' | 'event'>): string | null =>
  e.type === 'track'
    ? e.event
    : e.type === 'page'
      ? 'Page Viewed'
      : e.type === 'screen'
        ? 'Screen Viewed'
        : null;

export function toFact(seq: number, e: FactSource): FactEvent {
  return { seq, event: factName(e), ts: e.timestamp, properties: parseJsonObject(e.properties) };
}
