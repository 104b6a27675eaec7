import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LiveEvents } from './live-events.js';
import type { MessageOutcome, PreparedEvent } from './message.js';

const event = (messageId: string, name: string): PreparedEvent => ({
  workspaceId: 'w',
  sourceId: 's',
  messageId,
  fpHi: 0,
  fpLo: 0,
  type: 'track',
  event: name,
  name: null,
  userId: 'u-1',
  anonymousId: null,
  groupId: null,
  previousId: null,
  timestamp: Date.UTC(2026, 11, 1),
  originalTimestamp: null,
  sentAt: null,
  receivedAt: Date.UTC(2026, 11, 1),
  properties: '{"sku":"A-1"}',
  traits: null,
  context: '{"tessera":{"issues":[{"field":"traits.phone","code":"invalid_phone","message":"bad"}]}}',
  integrations: null,
  extra: null,
});

const arbEntry = fc.record({
  ws: fc.constantFrom('w1', 'w2'),
  source: fc.constantFrom('s1', 's2', 's3'),
  kind: fc.constantFrom<MessageOutcome['kind']>('accepted', 'duplicate', 'rejected'),
});

describe('LiveEvents', () => {
  it('reads like a plain list of the last `capacity` messages of each workspace', () => {
    fc.assert(
      fc.property(
        fc.array(arbEntry, { maxLength: 60 }),
        fc.integer({ min: 1, max: 12 }),
        fc.record({
          after: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
          sourceId: fc.option(fc.constantFrom('s1', 's2'), { nil: undefined }),
          result: fc.option(fc.constantFrom<MessageOutcome['kind']>('accepted', 'rejected'), {
            nil: undefined,
          }),
          limit: fc.integer({ min: 1, max: 20 }),
        }),
        (entries, capacity, q) => {
          const live = new LiveEvents(capacity);
          const all: Array<{ seq: number; ws: string; source: string; kind: string }> = [];
          entries.forEach((e, i) => {
            const outcome: MessageOutcome =
              e.kind === 'rejected'
                ? { kind: 'rejected', messageId: `m${i}`, code: 'bad', reason: 'no' }
                : { kind: e.kind, messageId: `m${i}` };
            live.record(e.ws, {
              receivedAt: 0,
              sourceId: e.source,
              origin: 'api',
              outcome,
              ...(e.kind === 'rejected'
                ? { raw: { type: 'track', event: 'X' } }
                : { event: event(`m${i}`, 'X') }),
            });
            all.push({ seq: i + 1, ws: e.ws, source: e.source, kind: e.kind });
          });
          for (const ws of ['w1', 'w2']) {
            const kept = all.filter((a) => a.ws === ws).slice(-capacity);
            const want = kept
              .filter((a) => q.after === undefined || a.seq > q.after)
              .filter((a) => q.sourceId === undefined || a.source === q.sourceId)
              .filter((a) => q.result === undefined || a.kind === q.result)
              .reverse()
              .slice(0, q.limit)
              .map((a) => a.seq);
            expect(live.read(ws, q).map((e) => e.seq)).toEqual(want);
          }
          expect(live.cursor).toBe(entries.length);
        },
      ),
    );
  });

  it('shows what was stored with the dropped fields, and a refused message without its write key', () => {
    const live = new LiveEvents();
    live.record('w', {
      receivedAt: Date.UTC(2026, 11, 1),
      sourceId: 's',
      origin: 'api',
      outcome: { kind: 'accepted', messageId: 'm1' },
      event: event('m1', 'Order Completed'),
    });
    live.record('w', {
      receivedAt: Date.UTC(2026, 11, 1),
      sourceId: 's',
      origin: 'api',
      outcome: { kind: 'rejected', messageId: null, code: 'missing_identity', reason: 'no userId' },
      raw: { type: 'track', event: 'Cart Viewed', writeKey: 'wk_secret' },
    });
    const [refused, stored] = live.read('w', { limit: 10 });
    expect(refused).toMatchObject({ result: 'rejected', code: 'missing_identity', name: 'Cart Viewed' });
    expect(refused!.message).toEqual({ type: 'track', event: 'Cart Viewed' });
    expect(stored).toMatchObject({ result: 'accepted', name: 'Order Completed', messageId: 'm1' });
    expect(stored!.message.properties).toEqual({ sku: 'A-1' });
    expect(stored!.issues).toEqual([{ field: 'traits.phone', code: 'invalid_phone', message: 'bad' }]);
  });

  it('wakes a waiting reader when its workspace receives a message, and not before', async () => {
    const live = new LiveEvents();
    let woke = false;
    const waiting = live.wait('w', 5_000).then(() => (woke = true));
    live.record('other', {
      receivedAt: 0,
      sourceId: 's',
      origin: 'api',
      outcome: { kind: 'duplicate', messageId: 'm0' },
      event: event('m0', 'X'),
    });
    await Promise.resolve();
    expect(woke).toBe(false);
    live.record('w', {
      receivedAt: 0,
      sourceId: 's',
      origin: 'api',
      outcome: { kind: 'accepted', messageId: 'm1' },
      event: event('m1', 'X'),
    });
    await waiting;
    expect(woke).toBe(true);
  });
});
