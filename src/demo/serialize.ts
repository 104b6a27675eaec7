import type { ByteWriter } from './byte-writer.js';
import type { SegmentContext, SegmentMessage } from './types.js';

/**
 * A page context, `{ ...base, page }`, that remembers its base in a private field (invisible to
 * `JSON.stringify` and to spreads), so the serializer reuses the base's bytes and encodes only
 * the page. A spread copy (an altered context) is a plain object again and serialised on its own.
 */
class PageContext {
  readonly #base: SegmentContext;

  constructor(base: SegmentContext) {
    this.#base = base;
  }

  static baseOf(context: object): SegmentContext | undefined {
    return #base in context ? context.#base : undefined;
  }
}

/** `{ ...base, page }`, remembering its base for the serializer. */
export function withPage(base: SegmentContext, page: NonNullable<SegmentContext['page']>): SegmentContext {
  const context = Object.assign(new PageContext(base), base) as SegmentContext;
  context.page = page;
  return context;
}

/** Marks a properties object shared by many messages (its bytes are cached). */
export const SHARED = Symbol('demo.shared');

type Properties = Record<string, unknown> & { [SHARED]?: true };

/** Marks a properties object that many messages share (never mutated afterwards). */
export function markShared(properties: Record<string, unknown>): void {
  Object.defineProperty(properties, SHARED, { value: true, enumerable: false });
}

/** A JSON string literal; ids and timestamps are plain ASCII, so they skip `JSON.stringify`. */
export function quote(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7e) return JSON.stringify(s);
  }
  return '"' + s + '"';
}

const CONTEXT_KEY = Buffer.from(',"context":', 'utf8');
const PAGE_KEY = Buffer.from(',"page":', 'utf8');
const END = Buffer.from('}\n', 'utf8');
const PAGE_END = Buffer.from('}}\n', 'utf8');

/**
 * Writes Segment messages as JSON lines, byte for byte what `JSON.stringify` gives for the fields
 * present (keys in a fixed order). Messages of a session share their `context` object and
 * product views share their properties, so the UTF-8 bytes of such objects are cached for the
 * duration of a batch (a context's bytes include the key before it and the end of the line):
 * encoding is most of the cost of writing tens of millions of events.
 */
export class MessageSerializer {
  private cache = new Map<object, Buffer>();
  private tails = new Map<object, Buffer>();

  /** Forget cached objects (call between batches so memory stays bounded). */
  reset(): void {
    this.cache = new Map();
    this.tails = new Map();
  }

  private bytes(value: object): Buffer {
    let b = this.cache.get(value);
    if (b === undefined) {
      b = Buffer.from(JSON.stringify(value), 'utf8');
      this.cache.set(value, b);
    }
    return b;
  }

  /** `,"context":{…}}\n` for a context. */
  private tail(context: SegmentContext): Buffer {
    let b = this.tails.get(context);
    if (b === undefined) {
      const base = PageContext.baseOf(context);
      if (base !== undefined && context.page !== undefined) {
        // `{...base, page}` serialises as base's keys then page: the base without its last brace.
        const head = this.bytes(base);
        const page = this.bytes(context.page);
        b = Buffer.concat([CONTEXT_KEY, head.subarray(0, head.length - 1), PAGE_KEY, page, PAGE_END]);
      } else {
        b = Buffer.concat([CONTEXT_KEY, this.bytes(context), END]);
      }
      this.tails.set(context, b);
    }
    return b;
  }

  write(w: ByteWriter, m: SegmentMessage): void {
    let s = '{"type":' + quote(m.type);
    if (m.event !== undefined) s += ',"event":' + quote(m.event);
    if (m.name !== undefined) s += ',"name":' + quote(m.name);
    s += ',"messageId":' + quote(m.messageId) + ',"timestamp":' + quote(m.timestamp);
    if (m.sentAt !== undefined) s += ',"sentAt":' + quote(m.sentAt);
    if (m.userId !== undefined) s += ',"userId":' + quote(m.userId);
    if (m.anonymousId !== undefined) s += ',"anonymousId":' + quote(m.anonymousId);
    const properties: Properties | undefined = m.properties;
    if (properties !== undefined) {
      if (properties[SHARED] === true || properties === m.context.page) {
        w.append(s + ',"properties":');
        w.appendBytes(this.bytes(properties));
        s = '';
      } else s += ',"properties":' + JSON.stringify(properties);
    }
    if (m.traits !== undefined) s += ',"traits":' + JSON.stringify(m.traits);
    if (s !== '') w.append(s);
    w.appendBytes(this.tail(m.context));
  }
}
