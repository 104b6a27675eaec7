import type { SegmentMessage } from './types.js';

/**
 * One Segment message as one line of JSON, the same as `JSON.stringify` gives for the fields
 * present (keys in a fixed order). Messages of a session share their `context` object, so its
 * JSON is cached per object for the duration of one batch: that halves the work of writing
 * tens of millions of events.
 */
export class MessageSerializer {
  private cache = new Map<object, string>();

  /** Forget cached objects (call between batches so memory stays bounded). */
  reset(): void {
    this.cache = new Map();
  }

  private cached(value: object): string {
    let json = this.cache.get(value);
    if (json === undefined) {
      json = JSON.stringify(value);
      this.cache.set(value, json);
    }
    return json;
  }

  line(m: SegmentMessage): string {
    let s = '{"type":' + JSON.stringify(m.type);
    if (m.event !== undefined) s += ',"event":' + JSON.stringify(m.event);
    if (m.name !== undefined) s += ',"name":' + JSON.stringify(m.name);
    s += ',"messageId":' + JSON.stringify(m.messageId) + ',"timestamp":' + JSON.stringify(m.timestamp);
    if (m.sentAt !== undefined) s += ',"sentAt":' + JSON.stringify(m.sentAt);
    if (m.userId !== undefined) s += ',"userId":' + JSON.stringify(m.userId);
    if (m.anonymousId !== undefined) s += ',"anonymousId":' + JSON.stringify(m.anonymousId);
    if (m.properties !== undefined) s += ',"properties":' + this.cached(m.properties);
    if (m.traits !== undefined) s += ',"traits":' + JSON.stringify(m.traits);
    return s + ',"context":' + this.cached(m.context) + '}\n';
  }
}
